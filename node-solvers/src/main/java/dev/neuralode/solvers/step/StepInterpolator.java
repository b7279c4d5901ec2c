package dev.neuralode.solvers.step;

/**
 * One accepted step {@code [t, t + h]} and its interpolant: the state and its time derivative
 * anywhere in the step, and the data a gradient method needs to replay it.
 *
 * <p>The interpolant is a polynomial in {@code θ = (t_out - t) / h} of degree {@link #degree()},
 * {@code y(t + θh) = Σ_{q=0..d} θ^q P_q} (for Runge–Kutta methods {@code P_0 = y} and
 * {@code P_q = h Σ_j r_jq K_j}, linear in the stage derivatives {@code K_j}); it equals the step's
 * start state at {@code θ = 0} and its end state at {@code θ = 1} (exactly: the end points are
 * returned as stored, not evaluated).
 *
 * <p>An interpolator is a view of its stepper's workspace: valid during the handler call that
 * receives it (until the stepper's next attempt), never to be retained. The first call that needs
 * the interpolant computes it (for some methods with extra evaluations of the system, which are
 * counted); later calls in the same step reuse it and allocate nothing.
 */
public interface StepInterpolator {

    /**
     * The state dimension.
     *
     * @return {@code n}
     */
    int dimension();

    /**
     * The start time of the step.
     *
     * @return {@code t}
     */
    double startTime();

    /**
     * The end time of the step: exactly the breakpoint when the step was clipped to one.
     *
     * @return {@code t + h}
     */
    double endTime();

    /**
     * The signed step size used by the stages (negative when integrating backwards).
     *
     * @return {@code h}
     */
    double stepSize();

    /**
     * The error ratio with which the driver accepted the step.
     *
     * @return the ratio, at most 1; 0 for fixed-step integration (and for a stepper's own view,
     *         before the driver wraps it)
     */
    default double errorRatio() {
        return 0.0;
    }

    /**
     * Whether the driver clipped the step to end exactly on a breakpoint (the final time, a step
     * time or a jump time) instead of taking the controller's size.
     *
     * @return the flag ({@code false} in a stepper's own view)
     */
    default boolean clipped() {
        return false;
    }

    /**
     * Whether the step starts at a jump time, with its first stage evaluated afresh just past it.
     *
     * @return the flag ({@code false} in a stepper's own view)
     */
    default boolean afterJump() {
        return false;
    }

    /**
     * The state at the start of the step.
     *
     * @return a read-only view
     */
    double[] startState();

    /**
     * The state at the end of the step.
     *
     * @return a read-only view
     */
    double[] endState();

    /**
     * The interpolated state at {@code t}.
     *
     * @param t   a time in the step (the ends included; slightly outside extrapolates)
     * @param out receives the state, length at least {@code n}. Modified.
     */
    void state(double t, double[] out);

    /**
     * The time derivative of the interpolant at {@code t}.
     *
     * @param t   a time in the step
     * @param out receives {@code dy/dt}, length at least {@code n}. Modified.
     */
    void derivative(double t, double[] out);

    /**
     * The degree {@code d} of the interpolating polynomial.
     *
     * @return {@code d >= 1}
     */
    int degree();

    /**
     * Writes the interpolant's power-basis coefficients {@code P_0..P_d} (each of length
     * {@code n}, one after the other) into {@code dst} from {@code offset}, for dense storage.
     *
     * @param dst    receives {@code (d + 1) · n} values. Modified.
     * @param offset the first index written
     */
    void coefficients(double[] dst, int offset);

    /**
     * The number of stage evaluations the step's result and interpolant are built from (for a
     * Runge–Kutta method the extended stage list: the tableau's stages, {@code f(t + h, y1)} for
     * non-FSAL methods, then the interpolant's extra stages).
     *
     * @return the count, 0 for methods that do not expose stages
     */
    default int stageCount() {
        return 0;
    }

    /**
     * The ordinal of the evaluation of the system that produced stage {@code i}: the value of the
     * stepper's {@link Stepper#evaluations()} counter just before that call, or -1 if the stage
     * was not evaluated in this step (an extra stage nobody asked for).
     *
     * @param i the stage, {@code 0 <= i < stageCount()}
     * @return the ordinal, or -1
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    default long stageEvaluation(int i) {
        throw new IndexOutOfBoundsException("stage " + i + " of a step that exposes " + stageCount()
                + " stages");
    }
}
