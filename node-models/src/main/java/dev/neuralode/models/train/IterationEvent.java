package dev.neuralode.models.train;

/**
 * What happened in one training iteration, handed to every {@link TrainingCallback}.
 *
 * @param iteration       the 0-based iteration index
 * @param loss            the loss value
 * @param forwardNfe      dynamics evaluations while computing the loss (0 without an NFE source)
 * @param backwardNfe     dynamics evaluations during the backward sweep
 * @param gradNorm        the global L2 gradient norm before clipping
 * @param lr              the learning rate used for this iteration's step
 * @param iterationNanos  wall time of this iteration, nanoseconds
 * @param elapsedNanos    wall time since training started, nanoseconds
 */
public record IterationEvent(int iteration, double loss, long forwardNfe, long backwardNfe, double gradNorm,
        double lr, long iterationNanos, long elapsedNanos) {

    /**
     * Elapsed time in seconds.
     *
     * @return {@code elapsedNanos / 1e9}
     */
    public double elapsedSeconds() {
        return elapsedNanos / 1e9;
    }
}
