package dev.neuralode.models.train;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param iterations   iterations run
 * @param losses       the loss of every iteration
 * @param stoppedEarly whether early stopping ended training
 * @param bestMetric   the early-stopping metric's best value (NaN without early stopping)
 * @param bestIteration the iteration of that value (-1 without early stopping)
 * @param totalNanos   wall time, nanoseconds
 * @param forwardNfe   total forward dynamics evaluations
 * @param backwardNfe  total backward dynamics evaluations
 * @param stopRequested whether a {@link StopRequest} ended training
 * @param stopReason   the request's reason, or {@code null} without one
 *
 * <p>A run resumed from a checkpoint reports the whole run: {@code iterations} and {@code losses}
 * include the iterations before the checkpoint, as do the NFE totals; {@code totalNanos} is the wall
 * time of this call only.
 */
public record TrainingResult(int iterations, double[] losses, boolean stoppedEarly, double bestMetric,
        int bestIteration, long totalNanos, long forwardNfe, long backwardNfe, boolean stopRequested,
        String stopReason) {

    /**
     * A result without a stop request.
     *
     * @param iterations    iterations run
     * @param losses        the loss of every iteration
     * @param stoppedEarly  whether early stopping ended training
     * @param bestMetric    the early-stopping metric's best value (NaN without early stopping)
     * @param bestIteration the iteration of that value (-1 without early stopping)
     * @param totalNanos    wall time, nanoseconds
     * @param forwardNfe    total forward dynamics evaluations
     * @param backwardNfe   total backward dynamics evaluations
     */
    public TrainingResult(int iterations, double[] losses, boolean stoppedEarly, double bestMetric,
            int bestIteration, long totalNanos, long forwardNfe, long backwardNfe) {
        this(iterations, losses, stoppedEarly, bestMetric, bestIteration, totalNanos, forwardNfe, backwardNfe,
                false, null);
    }

    /**
     * The last iteration's loss.
     *
     * @return the final loss, or NaN if no iteration ran
     */
    public double finalLoss() {
        return losses.length == 0 ? Double.NaN : losses[losses.length - 1];
    }

    /**
     * The mean loss over the first {@code n} iterations.
     *
     * @param n how many (clamped to the number run)
     * @return the mean
     */
    public double meanOfFirst(int n) {
        int k = Math.min(n, losses.length);
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += losses[i];
        }
        return s / k;
    }

    /**
     * The mean loss over the last {@code n} iterations.
     *
     * @param n how many (clamped to the number run)
     * @return the mean
     */
    public double meanOfLast(int n) {
        int k = Math.min(n, losses.length);
        double s = 0;
        for (int i = losses.length - k; i < losses.length; i++) {
            s += losses[i];
        }
        return s / k;
    }
}
