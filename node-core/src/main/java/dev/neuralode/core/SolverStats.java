package dev.neuralode.core;

/**
 * Work counters of one ODE solve.
 *
 * <p>The four counters after the step counts are the implicit methods' linear-algebra work;
 * explicit methods report 0 for them ({@link #SolverStats(long, long, long)}). The last two describe
 * a method that switches between a non-stiff and a stiff method (the registry's {@code auto}):
 * how many of the accepted steps the stiff method took and how often the solve changed method;
 * every other method reports 0 for both ({@link #SolverStats(long, long, long, long, long, long,
 * long)}).
 *
 * @param functionEvaluations number of calls to {@link OdeSystem#derivative} (including those of
 *                            finite-difference Jacobians)
 * @param acceptedSteps       number of accepted steps
 * @param rejectedSteps       number of steps rejected by error control (0 for fixed-step methods)
 * @param jacobianEvaluations number of Jacobians {@code ∂f/∂y} formed (by the user's
 *                            {@link Jacobian} or by finite differences)
 * @param factorizations      number of LU factorizations of an iteration matrix
 *                            {@code I − hγ ∂f/∂y}
 * @param newtonIterations    number of (simplified) Newton iterations
 * @param newtonFailures      number of Newton iterations that failed to converge (each rejects the
 *                            step and retries it with a smaller one)
 * @param stiffSteps          number of the accepted steps taken by the stiff method of a switching
 *                            method (at most {@code acceptedSteps}; 0 for every other method)
 * @param methodSwitches      number of times a switching method changed from its non-stiff to its
 *                            stiff method or back (0 for every other method)
 */
public record SolverStats(long functionEvaluations, long acceptedSteps, long rejectedSteps,
                          long jacobianEvaluations, long factorizations, long newtonIterations,
                          long newtonFailures, long stiffSteps, long methodSwitches) {

    /** Counters of a solve that did no work. */
    public static final SolverStats ZERO = new SolverStats(0, 0, 0);

    /**
     * Validates the counters.
     *
     * @throws IllegalArgumentException if a counter is negative
     */
    public SolverStats {
        if (functionEvaluations < 0 || acceptedSteps < 0 || rejectedSteps < 0 || jacobianEvaluations < 0
                || factorizations < 0 || newtonIterations < 0 || newtonFailures < 0 || stiffSteps < 0
                || methodSwitches < 0) {
            throw new IllegalArgumentException("solver statistics must be non-negative, got nfe="
                    + functionEvaluations + " accepted=" + acceptedSteps + " rejected=" + rejectedSteps
                    + " jacobians=" + jacobianEvaluations + " factorizations=" + factorizations
                    + " newtonIterations=" + newtonIterations + " newtonFailures=" + newtonFailures
                    + " stiffSteps=" + stiffSteps + " methodSwitches=" + methodSwitches);
        }
    }

    /**
     * The counters of a solve by one method (no switching): {@code stiffSteps} and
     * {@code methodSwitches} are 0.
     *
     * @param functionEvaluations number of calls to {@link OdeSystem#derivative}
     * @param acceptedSteps       number of accepted steps
     * @param rejectedSteps       number of rejected steps
     * @param jacobianEvaluations number of Jacobians formed
     * @param factorizations      number of LU factorizations
     * @param newtonIterations    number of Newton iterations
     * @param newtonFailures      number of failed Newton iterations
     */
    public SolverStats(long functionEvaluations, long acceptedSteps, long rejectedSteps, long jacobianEvaluations,
                       long factorizations, long newtonIterations, long newtonFailures) {
        this(functionEvaluations, acceptedSteps, rejectedSteps, jacobianEvaluations, factorizations,
                newtonIterations, newtonFailures, 0, 0);
    }

    /**
     * The counters of a solve without linear algebra (an explicit method): the implicit counters are 0.
     *
     * @param functionEvaluations number of calls to {@link OdeSystem#derivative}
     * @param acceptedSteps       number of accepted steps
     * @param rejectedSteps       number of rejected steps
     */
    public SolverStats(long functionEvaluations, long acceptedSteps, long rejectedSteps) {
        this(functionEvaluations, acceptedSteps, rejectedSteps, 0, 0, 0, 0, 0, 0);
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
                acceptedSteps + other.acceptedSteps, rejectedSteps + other.rejectedSteps,
                jacobianEvaluations + other.jacobianEvaluations, factorizations + other.factorizations,
                newtonIterations + other.newtonIterations, newtonFailures + other.newtonFailures,
                stiffSteps + other.stiffSteps, methodSwitches + other.methodSwitches);
    }
}
