package dev.neuralode.solvers.step;

/**
 * A step handler that may cut an accepted step short and then stop the solve or restart it from a
 * new state: what events are ({@code dev.neuralode.solvers.events}). The driver consults it before
 * the other handlers, so that they see the step only up to the interruption.
 *
 * <p>The protocol, per accepted step {@code [t, t + h]}:
 * <pre>
 *   tc = examine(step)          // NaN: the step stands as it is
 *   handlers see [t, tc]        // the interpolant restricted to it (coefficients rescaled)
 *   resume(tc, y)               // y = y(tc), writable: overwrite it with a reset state;
 *                               // false stops the solve at tc, true restarts from (tc, y)
 * </pre>
 * A restart is the driver's restart at a jump time: the stepper forgets its derivative (FSAL) and
 * evaluates {@code f} afresh at {@code tc}; the next step keeps the size the controller proposed
 * and reports {@link StepInterpolator#afterJump()}.
 */
public interface StepInterrupter {

    /**
     * Called once before the first step.
     *
     * @param t0   the initial time
     * @param y0   the initial state. A read-only view.
     * @param tEnd the final time requested
     */
    void start(double t0, double[] y0, double tEnd);

    /**
     * Examines an accepted step before the handlers see it.
     *
     * @param step the step, valid during this call only
     * @return the time in {@code (t, t + h]} at which the solve is interrupted, or {@code NaN} to
     *         let the step stand
     */
    double examine(StepInterpolator step);

    /**
     * Called after the handlers have seen the step up to the interruption time.
     *
     * @param t     the interruption time returned by {@link #examine}
     * @param state the interpolated state there; may be overwritten with the state to restart from.
     *              Modified.
     * @return {@code true} to restart from {@code (t, state)}, {@code false} to end the solve at
     *         {@code t} (the handlers' {@code finish} then receives {@code state})
     */
    boolean resume(double t, double[] state);
}
