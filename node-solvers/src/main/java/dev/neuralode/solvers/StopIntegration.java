package dev.neuralode.solvers;

/**
 * Thrown by a {@link StepObserver} to end a solve early at the end of the current step.
 *
 * <p>This is a control-flow signal, not an error: the solver catches it and returns what it has
 * computed up to that step (see {@link StepObserver}). It carries no stack trace.
 */
public final class StopIntegration extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the signal.
     *
     * @param reason why the solve stops (for logs and messages)
     */
    public StopIntegration(String reason) {
        super(reason, null, false, false);
    }
}
