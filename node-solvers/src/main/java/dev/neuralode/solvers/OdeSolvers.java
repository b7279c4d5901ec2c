package dev.neuralode.solvers;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;

import java.util.List;

/**
 * The entry point: solve an ODE system {@code dy/dt = f(t, y)} with an explicit Runge–Kutta
 * method, at requested output times ({@link #solve}) or as a dense solution ({@link #solveDense}).
 *
 * <pre>{@code
 * OdeSystem decay = (t, y, dydt) -> dydt[0] = -0.5 * y[0];
 * OdeSolution sol = OdeSolvers.solve(decay, new double[] {1.0}, new double[] {0, 1, 2},
 *         SolverOptions.builder().method("dopri5").rtol(1e-8).atol(1e-10).build());
 * double y2 = sol.state(2)[0];   // ≈ exp(-1)
 * }</pre>
 *
 * <p>Every method is a {@link ButcherTableau} run by one of two engines. The adaptive engine
 * implements the field's standard control: the mixed error norm, Hairer's initial step
 * selection, FSAL reuse, rejection and retry with no growth right after a rejection, I or PI
 * control, and exact stepping to {@link SolverOptions#stepTimes()}. Outputs at requested times
 * come from the method's dense output and never change the steps taken.
 *
 * <p>Stateless and thread-safe: each call allocates its own buffers once; the step loop
 * allocates nothing.
 */
public final class OdeSolvers {

    private OdeSolvers() {
    }

    /**
     * Solves {@code dy/dt = f(t, y)}, {@code y(times[0]) = y0}, and returns the states at
     * {@code times}.
     *
     * @param f       the system; called only from the calling thread
     * @param y0      the initial state, finite, length {@code n >= 1}. Not modified.
     * @param times   the output times, at least two, finite, strictly increasing or strictly
     *                decreasing (backwards in time); {@code times[0]} is the initial time.
     *                Not modified.
     * @param options the method and its settings
     * @return the solution: {@code states()[0]} equals {@code y0}, row {@code i} is the state at
     *         {@code times[i]}; fewer rows only if a {@link StepObserver} stopped the solve
     * @throws IllegalArgumentException for bad input (non-finite {@code y0}, too few or
     *                                  non-monotone times, a fixed-step method without a step
     *                                  size, an atol vector of the wrong length), before any work
     * @throws dev.neuralode.core.NonFiniteStateException     if the derivative becomes NaN or
     *                                                         infinite (names t and component)
     * @throws dev.neuralode.core.MaxStepsExceededException   when the step budget is exhausted
     * @throws dev.neuralode.core.StepSizeUnderflowException  when the step size underflows
     */
    public static OdeSolution solve(OdeSystem f, double[] y0, double[] times, SolverOptions options) {
        validate(f, y0, options);
        if (times == null || times.length < 2) {
            throw new IllegalArgumentException("solve needs at least two times (the initial time and"
                    + " one output time), got " + (times == null ? "null" : times.length));
        }
        double dir = 0;
        for (int i = 0; i < times.length; i++) {
            if (!Double.isFinite(times[i])) {
                throw new IllegalArgumentException("times[" + i + "] is not finite: " + times[i]);
            }
            if (i > 0) {
                double d = Math.signum(times[i] - times[i - 1]);
                if (d == 0 || (dir != 0 && d != dir)) {
                    throw new IllegalArgumentException("times must be strictly increasing or strictly"
                            + " decreasing, but times[" + (i - 1) + "]=" + times[i - 1] + " and times["
                            + i + "]=" + times[i]);
                }
                dir = d;
            }
        }
        double[] ts = times.clone();
        RungeKuttaEngine engine = new RungeKuttaEngine(f, y0, options, false);
        double[][] states = engine.solve(ts);
        double[] outTimes = states.length == ts.length ? ts : java.util.Arrays.copyOf(ts, states.length);
        return new OdeSolution(outTimes, states, engine.stats());
    }

    /**
     * Solves {@code dy/dt = f(t, y)} from {@code t0} to {@code t1} and returns the dense
     * solution, which can be evaluated at any time in between.
     *
     * @param f       the system
     * @param y0      the initial state, finite, length {@code n >= 1}. Not modified.
     * @param t0      the initial time, finite
     * @param t1      the final time, finite, different from {@code t0} (smaller to integrate
     *                backwards)
     * @param options the method and its settings
     * @return the dense solution over {@code [t0, t1]}
     * @throws IllegalArgumentException for bad input, before any work
     * @throws dev.neuralode.core.OdeSolveException for failures during the solve (see
     *                                               {@link #solve})
     */
    public static DenseSolution solveDense(OdeSystem f, double[] y0, double t0, double t1,
                                           SolverOptions options) {
        validate(f, y0, options);
        if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
            throw new IllegalArgumentException("solveDense needs finite t0 != t1, got t0=" + t0
                    + ", t1=" + t1);
        }
        return new RungeKuttaEngine(f, y0, options, true).solveDense(t0, t1);
    }

    /**
     * Looks up a registered method's tableau by name, ignoring case.
     *
     * @param name the method name, for example {@code "dopri5"}
     * @return the tableau
     * @throws IllegalArgumentException naming the valid methods if {@code name} is unknown
     */
    public static ButcherTableau tableau(String name) {
        return Tableaus.get(name);
    }

    /**
     * The registered method names.
     *
     * @return an unmodifiable list: {@code euler, midpoint, heun2, heun3, ralston, rk4, rk38,
     *         adaptive_heun, fehlberg2, bosh3, rkf45, cash_karp, dopri5, tsit5, dopri8}
     */
    public static List<String> methods() {
        return Tableaus.names();
    }

    private static void validate(OdeSystem f, double[] y0, SolverOptions options) {
        if (f == null) {
            throw new IllegalArgumentException("the ODE system f must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use"
                    + " SolverOptions.defaults()");
        }
        if (y0 == null || y0.length == 0) {
            throw new IllegalArgumentException("y0 must have at least one component");
        }
        for (int i = 0; i < y0.length; i++) {
            if (!Double.isFinite(y0[i])) {
                throw new IllegalArgumentException("y0 is not finite: component " + i + " = " + y0[i]);
            }
        }
        double[] av = options.atolVectorView();
        if (av != null && av.length != y0.length) {
            throw new IllegalArgumentException("atol vector has length " + av.length
                    + " but the state has " + y0.length + " components");
        }
        if (!options.tableau().isAdaptive() && Double.isNaN(options.stepSize())) {
            throw new IllegalArgumentException("method '" + options.method() + "' is a fixed-step"
                    + " method: set the step size with SolverOptions.builder().stepSize(h)"
                    + " (or choose an adaptive method such as dopri5)");
        }
    }
}
