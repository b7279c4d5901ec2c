package dev.neuralode.core;

/**
 * Work counters of one ODE solve.
 *
 * @param functionEvaluations number of calls to {@link OdeSystem#derivative}
 * @param acceptedSteps       number of accepted steps
 * @param rejectedSteps       number of steps rejected by error control (0 for fixed-step methods)
 */
public record SolverStats(long functionEvaluations, long acceptedSteps, long rejectedSteps) {

    /** Counters of a solve that did no work. */
    public static final SolverStats ZERO = new SolverStats(0, 0, 0);

    /**
     * Validates the counters.
     *
     * @throws IllegalArgumentException if a counter is negative
     */
    public SolverStats {
        if (functionEvaluations < 0 || acceptedSteps < 0 || rejectedSteps < 0) {
            throw new IllegalArgumentException("solver statistics must be non-negative, got nfe="
                    + functionEvaluations + " accepted=" + acceptedSteps + " rejected=" + rejectedSteps);
        }
    }

    /**
     * The total number of attempted steps.
     *
     * @return {@code acceptedSteps + rejectedSteps}
     */
    public long totalSteps() {
        return acceptedSteps + rejectedSteps;
    }

    /**
     * Adds the counters of two solves.
     *
     * @param other the counters to add. Not modified.
     * @return a new record holding the sums
     */
    public SolverStats plus(SolverStats other) {
        return new SolverStats(functionEvaluations + other.functionEvaluations,
                acceptedSteps + other.acceptedSteps, rejectedSteps + other.rejectedSteps);
    }
}
