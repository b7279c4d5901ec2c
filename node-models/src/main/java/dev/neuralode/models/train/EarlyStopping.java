package dev.neuralode.models.train;

import java.util.function.ToDoubleFunction;

/**
 * Stops training when a metric has not improved by at least {@code minDelta} for
 * {@code patience} consecutive evaluations. The metric is evaluated every {@code every}
 * iterations; it may be the training loss ({@link #onLoss}) or anything else, such as a validation
 * error computed inside the metric function.
 */
public final class EarlyStopping {

    private final ToDoubleFunction<IterationEvent> metric;
    private final int every;
    private final int patience;
    private final double minDelta;
    private final boolean minimize;
    private double best;
    private int bestIteration = -1;
    private int bad;

    /**
     * Creates a rule.
     *
     * @param metric   the metric, computed from an iteration's event
     * @param every    evaluate every this many iterations (at least 1)
     * @param patience evaluations without improvement before stopping (at least 1)
     * @param minDelta the least change that counts as an improvement
     * @param minimize whether smaller is better
     */
    public EarlyStopping(ToDoubleFunction<IterationEvent> metric, int every, int patience, double minDelta,
            boolean minimize) {
        if (every < 1 || patience < 1) {
            throw new IllegalArgumentException("EarlyStopping: every and patience must be >= 1, got "
                    + every + ", " + patience);
        }
        this.metric = metric;
        this.every = every;
        this.patience = patience;
        this.minDelta = minDelta;
        this.minimize = minimize;
        this.best = minimize ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /**
     * Stops when the training loss has not decreased by {@code minDelta} for {@code patience}
     * iterations.
     *
     * @param patience iterations without improvement
     * @param minDelta the least decrease that counts
     * @return the rule
     */
    public static EarlyStopping onLoss(int patience, double minDelta) {
        return new EarlyStopping(IterationEvent::loss, 1, patience, minDelta, true);
    }

    /**
     * Records an iteration and decides whether to stop.
     *
     * @param e the iteration's event
     * @return true to stop training now
     */
    public boolean update(IterationEvent e) {
        if ((e.iteration() + 1) % every != 0) {
            return false;
        }
        double m = metric.applyAsDouble(e);
        boolean improved = minimize ? m < best - minDelta : m > best + minDelta;
        if (improved) {
            best = m;
            bestIteration = e.iteration();
            bad = 0;
            return false;
        }
        return ++bad >= patience;
    }

    /**
     * The best metric value seen.
     *
     * @return the best value (±infinity before any evaluation)
     */
    public double best() {
        return best;
    }

    /**
     * The iteration of the best metric value.
     *
     * @return the iteration, or -1 before any evaluation
     */
    public int bestIteration() {
        return bestIteration;
    }
}
