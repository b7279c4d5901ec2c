package dev.neuralode.core;

/**
 * The base of the exceptions an ODE solve throws when it cannot reach the end of the interval.
 *
 * <p>Each carries the time the solve reached and the step size it was using, so a user can
 * act on the message alone (loosen the tolerance, raise the step budget, fix the dynamics).
 */
public class OdeSolveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final double time;
    private final double stepSize;

    /**
     * Creates the exception.
     *
     * @param message  the full message
     * @param time     the time the solve reached
     * @param stepSize the step size in use when it failed (may be {@code NaN} if unknown)
     */
    public OdeSolveException(String message, double time, double stepSize) {
        super(message);
        this.time = time;
        this.stepSize = stepSize;
    }

    /**
     * The time the solve reached before failing.
     *
     * @return the time {@code t}
     */
    public double time() {
        return time;
    }

    /**
     * The step size in use when the solve failed.
     *
     * @return the step size {@code h}, or {@code NaN} if unknown
     */
    public double stepSize() {
        return stepSize;
    }
}
