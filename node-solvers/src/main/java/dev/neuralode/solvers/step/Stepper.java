package dev.neuralode.solvers.step;

import dev.neuralode.core.SolverStats;

/**
 * One solve's worker for one {@link Method}: it attempts a step from its current point and, when
 * the driver accepts it, moves there and exposes the step's interpolant.
 *
 * <p>The protocol the driver ({@link Integrator}) follows:
 * <pre>
 *   reset(t0, y0, t0)                         // current point; f is evaluated lazily
 *   loop: attempt(h, tEnd, beforeJump)        // proposal y1 ≈ y(tEnd), tEnd = t + h or a breakpoint
 *         errorRatio(tolerance) &lt;= 1 ?       // fixed-step methods: 0
 *           accept() → StepInterpolator       // valid until the next attempt or reset
 *         : retry with a smaller h
 * </pre>
 * A stepper allocates its workspace when it is created and nothing per step. Every evaluation of
 * the system goes through the stepper (including the driver's, via {@link #evaluate}), so
 * {@link #evaluations()} counts them all and each has an ordinal ({@link
 * StepInterpolator#stageEvaluation(int)}) that a gradient method can match with its own
 * recordings. Not thread-safe: one stepper serves one solve on one thread.
 */
public interface Stepper {

    /**
     * The method this stepper runs.
     *
     * @return the method
     */
    Method method();

    /**
     * The state dimension.
     *
     * @return {@code n}
     */
    int dimension();

    /**
     * Sets the current point, forgetting any derivative carried over (FSAL): the next step starts
     * with a fresh evaluation of {@code f} at {@code evaluationTime}, normally {@code t}; after a
     * jump time the driver passes the next double past it, so a discontinuous {@code f} is seen
     * from the side the integration continues on.
     *
     * @param t              the time
     * @param y              the state, length {@code n}. Not modified (copied).
     * @param evaluationTime the time at which {@code f} is evaluated for the first stage
     */
    void reset(double t, double[] y, double evaluationTime);

    /**
     * The current time: the start, or the end of the last accepted step.
     *
     * @return the time
     */
    double time();

    /**
     * The current state.
     *
     * @return a read-only view of the stepper's buffer, valid until the next attempt or reset
     */
    double[] state();

    /**
     * The derivative {@code f(t, y)} at the current point, evaluated (and counted) if not yet known.
     *
     * @return a read-only view, valid until the next attempt or reset
     */
    double[] derivative();

    /**
     * Evaluates the system through the stepper's counter (the driver's initial-step heuristic
     * uses this, so that every evaluation of a solve has an ordinal).
     *
     * @param t    the time
     * @param y    the state. Not modified.
     * @param dydt receives {@code f(t, y)}. Modified.
     */
    void evaluate(double t, double[] y, double[] dydt);

    /**
     * Attempts one step from the current point. Stage times at the end of the step are
     * {@code tEnd} exactly, never {@code t + h} rounded past it; for a step that ends on a jump
     * time they are the last double before it, so that {@code f} is seen from the left of the
     * discontinuity (as torchdiffeq evaluates such stages).
     *
     * @param h         the signed step size, {@code tEnd - t} when the step is clipped to a breakpoint
     * @param tEnd      the exact end time of the step
     * @param beforeJump whether {@code tEnd} is a jump time
     */
    void attempt(double h, double tEnd, boolean beforeJump);

    /**
     * The error ratio of the last attempt, {@code norm(err_i / (atol_i + rtol · max(|y_i|,
     * |y1_i|)))}: the step is acceptable when it is at most 1.
     *
     * @param tolerance the tolerances and the norm
     * @return the ratio (NaN or infinite when a stage was not finite); 0 for methods without an
     *         error estimate
     */
    double errorRatio(Tolerance tolerance);

    /**
     * The state proposed by the last attempt.
     *
     * @return a read-only view, valid until the next attempt or reset
     */
    double[] proposal();

    /**
     * Throws if a stage derivative or the proposal of the last attempt is not finite; returns
     * normally otherwise.
     *
     * @throws dev.neuralode.core.NonFiniteStateException naming the stage time, the step size and
     *                                                     the first bad component
     */
    void requireFinite();

    /**
     * The component with the largest scaled error in the last attempt (for error messages).
     *
     * @param tolerance the tolerances
     * @return the component index, or -1 for methods without an error estimate
     */
    int worstComponent(Tolerance tolerance);

    /**
     * Accepts the last attempt: the current point becomes {@code (tEnd, proposal)}.
     *
     * @return the accepted step's interpolant, valid until the next {@link #attempt} or
     *         {@link #reset}
     */
    StepInterpolator accept();

    /**
     * The number of evaluations of the system so far.
     *
     * @return the count
     */
    long evaluations();

    /**
     * Tells the stepper the error control of its solve, once, before the first step. Implicit
     * methods scale their finite-difference increments (and Newton tolerances) with it; the default
     * ignores it.
     *
     * @param tolerance the tolerances and the norm of the solve
     */
    default void tolerance(Tolerance tolerance) {
    }

    /**
     * The work counters of the solve so far.
     *
     * @param accepted the driver's accepted steps
     * @param rejected the driver's rejected steps
     * @return {@link #evaluations()} and the step counts; implicit steppers add their Jacobians,
     *         factorizations and Newton iterations
     */
    default SolverStats stats(long accepted, long rejected) {
        return new SolverStats(evaluations(), accepted, rejected);
    }

    /**
     * The size of the next step as the stepper itself chooses it after the last attempt (rejected or,
     * after {@link #accept()}, accepted), or NaN to leave the choice to the driver's
     * {@link dev.neuralode.solvers.StepController}. A variable-order method (BDF) chooses its order
     * and step together from error estimates of neighbouring orders, which a controller of fixed
     * order cannot; the driver still bounds the size by {@code maxStep} and clips it to breakpoints.
     *
     * @return the signed step size, or NaN (the default)
     */
    default double proposedStep() {
        return Double.NaN;
    }

    /**
     * An estimate of {@code h·ρ} for the last attempted step, {@code ρ} the spectral radius of
     * {@code ∂f/∂y} near the solution: for an explicit Runge–Kutta method
     * {@code h ‖K_s − K_{s−1}‖ / ‖Y_s − Y_{s−1}‖} from its last two stages (Hairer, Wanner,
     * <i>Solving ODEs II</i>, §IV.2, the stiffness detection of DOPRI5 and DOP853). Compared with
     * {@link #stabilityLimit()} when a solve runs out of steps.
     *
     * @return the estimate, or NaN if the stepper has none
     */
    default double stiffnessEstimate() {
        return Double.NaN;
    }

    /**
     * {@link #stiffnessEstimate()} in the coordinates scaled by the solve's error weights
     * {@code w_i = atol_i + rtol · max(|y_i|, |y1_i|)}: {@code h ‖D⁻¹(K_s − K_{s−1})‖ /
     * ‖D⁻¹(Y_s − Y_{s−1})‖}, {@code D = diag(w)}. The scaling is a similarity transform of
     * {@code ∂f/∂y} (the same eigenvalues), but it weighs each component as the error control does, so
     * a fast mode in a component that is small in absolute terms (Robertson's {@code y2 ≈ 1e-5}) is
     * seen; the unscaled ratio is dominated by the large components. Used by switching methods
     * ({@link dev.neuralode.solvers.composite.AutoSwitch}) after an accepted step.
     *
     * @param tolerance the solve's error control
     * @return the estimate, or NaN if the stepper has none (the default: {@link #stiffnessEstimate()})
     */
    default double stiffnessEstimate(Tolerance tolerance) {
        return stiffnessEstimate();
    }

    /**
     * The step size times spectral radius at which the method's steps become limited by stability
     * rather than accuracy (about 3.3 for dopri5, 6.1 for DOP853); {@link #stiffnessEstimate()} near it
     * while steps are exhausted says the problem looks stiff.
     *
     * @return the limit, or NaN if unknown (implicit methods)
     */
    default double stabilityLimit() {
        return Double.NaN;
    }
}
