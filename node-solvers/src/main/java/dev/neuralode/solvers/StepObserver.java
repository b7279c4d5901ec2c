package dev.neuralode.solvers;

/**
 * Called by the solver after each accepted step, for logging, progress reporting, recording the
 * step sequence (for example to replay the steps on an autodiff tape) and custom stopping.
 *
 * <p>To stop a solve early, throw {@link StopIntegration} from {@link #onStep}. The solver then
 * ends cleanly at the end of that step: {@link OdeSolvers#solve} returns the outputs at the
 * requested times reached so far (those up to and including {@code t}), and
 * {@link OdeSolvers#solveDense} returns a dense solution over {@code [t0, t]}. Any other
 * exception propagates to the caller unchanged.
 *
 * <p>The observer runs on the solving thread, between steps; it must not retain or modify
 * {@code y}.
 */
@FunctionalInterface
public interface StepObserver {

    /**
     * Receives one accepted step {@code [t - h, t]}.
     *
     * @param t          the time at the end of the step
     * @param h          the signed step size taken (negative when integrating backwards)
     * @param y          the state at {@code t}, length {@code n}. A read-only view of the
     *                   solver's buffer, valid only during this call: not modified, not retained.
     * @param errorRatio the error ratio of the accepted step ({@code <= 1}); 0 for fixed-step
     *                   integration
     */
    void onStep(double t, double h, double[] y, double errorRatio);
}
