package dev.neuralode.core;

/**
 * Thrown when a solve takes more steps (accepted plus rejected) than its budget allows.
 */
public class MaxStepsExceededException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final long maxSteps;

    /**
     * Creates the exception with a message naming the budget, the time and the step.
     *
     * @param maxSteps the step budget that was exhausted
     * @param time     the time reached
     * @param stepSize the current step size
     * @param endTime  the time the solve was trying to reach
     */
    public MaxStepsExceededException(long maxSteps, double time, double stepSize, double endTime) {
        super("maximum number of steps (" + maxSteps + ") exceeded at t=" + time
                + " with h=" + stepSize + " while integrating to t=" + endTime
                + "; raise maxSteps or loosen rtol/atol", time, stepSize);
        this.maxSteps = maxSteps;
    }

    /**
     * The step budget that was exhausted.
     *
     * @return the maximum number of steps
     */
    public long maxSteps() {
        return maxSteps;
    }
}
