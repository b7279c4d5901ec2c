package dev.neuralode.core;

/**
 * Thrown when a solve takes more steps (accepted plus rejected) than its budget allows.
 */
public class MaxStepsExceededException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final long maxSteps;
    private final String stiffness;

    /**
     * Creates the exception with a message naming the budget, the time and the step.
     *
     * @param maxSteps the step budget that was exhausted
     * @param time     the time reached
     * @param stepSize the current step size
     * @param endTime  the time the solve was trying to reach
     */
    public MaxStepsExceededException(long maxSteps, double time, double stepSize, double endTime) {
        this(maxSteps, time, stepSize, endTime, null);
    }

    /**
     * Creates the exception; when the solver's stiffness estimate says the problem looks stiff, the
     * message says so instead of advising to raise the budget (which would not help: an explicit
     * method's step is then bounded by its stability region, not by the tolerance).
     *
     * @param maxSteps  the step budget that was exhausted
     * @param time      the time reached
     * @param stepSize  the current step size
     * @param endTime   the time the solve was trying to reach
     * @param stiffness {@code null}, or the evidence and the advice, for example
     *                  {@code "h·|λ| ≈ 3.3 on the last step, at dopri5's stability limit; use a stiff
     *                  method: rodas5p, rosenbrock23"}
     */
    public MaxStepsExceededException(long maxSteps, double time, double stepSize, double endTime,
                                     String stiffness) {
        super("maximum number of steps (" + maxSteps + ") exceeded at t=" + time
                + " with h=" + stepSize + " while integrating to t=" + endTime
                + (stiffness == null ? "; raise maxSteps or loosen rtol/atol"
                        : "; the problem looks stiff (" + stiffness + ")"), time, stepSize);
        this.maxSteps = maxSteps;
        this.stiffness = stiffness;
    }

    /**
     * Whether the solver's stiffness estimate said the problem looks stiff when the budget ran out.
     *
     * @return {@code true} if the message names stiff methods
     */
    public boolean looksStiff() {
        return stiffness != null;
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
