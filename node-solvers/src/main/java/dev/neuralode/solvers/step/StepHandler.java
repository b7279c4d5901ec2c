package dev.neuralode.solvers.step;

/**
 * Sees a solve step by step: once at the start, once per accepted step with the step's interpolant,
 * once at the end. Outputs at requested times, dense output and the step trace are handlers; so
 * are progress loggers and custom stopping rules. Events are the one {@link StepInterrupter}, which
 * sees each step before the handlers and may cut it short.
 *
 * <pre>{@code
 * StepHandler stopAtZero = step -> step.endState()[0] > 0;   // continue while y0 > 0
 * OdeSolvers.solve(f, y0, times, options, stopAtZero);
 * }</pre>
 *
 * <p>Handlers run on the solving thread, between steps, in the order given. A handler that
 * returns {@code false} ends the solve at the end of that step: {@code OdeSolvers.solve} then
 * returns the outputs up to that time and {@code solveDense} a solution up to it. The arrays a
 * handler receives are read-only views valid only during the call.
 */
@FunctionalInterface
public interface StepHandler {

    /**
     * Called once before the first step.
     *
     * @param t0   the initial time
     * @param y0   the initial state. A read-only view.
     * @param tEnd the final time requested
     */
    default void start(double t0, double[] y0, double tEnd) {
    }

    /**
     * Called after each accepted step.
     *
     * @param step the step and its interpolant, valid during this call only
     * @return {@code true} to continue, {@code false} to stop the solve after this step
     */
    boolean handleStep(StepInterpolator step);

    /**
     * Called once when the solve ends normally (reaching the final time or stopped by a handler);
     * not called when it fails with an exception.
     *
     * @param t the time reached
     * @param y the state there. A read-only view.
     */
    default void finish(double t, double[] y) {
    }
}
