package dev.neuralode.models.train;

import java.util.function.ToDoubleFunction;

/**
 * Stops training when a metric has not improved by at least {@code minDelta} for
 * {@code patience} consecutive evaluations. The metric is evaluated every {@code every}
 * iterations; it may be the training loss ({@link #onLoss}) or anything else, such as a validation
 * error computed inside the metric function.
 *
 * <p>With {@link #restoreBestWeights()} the {@link Trainer} keeps a copy of the weights the best
 * metric belongs to and puts them back when training ends (by this rule, by a stop request, or
 * after the last iteration). For {@link #onLoss} these are the weights the loss was computed with,
 * those before that iteration's optimizer step; for a metric given to the constructor (computed
 * after the step, when the event is handed over) they are the weights after the step.
 */
public final class EarlyStopping {

    private final ToDoubleFunction<IterationEvent> metric;
    private final int every;
    private final int patience;
    private final double minDelta;
    private final boolean minimize;
    private final boolean metricBeforeStep;
    private boolean restoreBest;
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
        this(metric, every, patience, minDelta, minimize, false);
    }

    private EarlyStopping(ToDoubleFunction<IterationEvent> metric, int every, int patience, double minDelta,
            boolean minimize, boolean metricBeforeStep) {
        this.metricBeforeStep = metricBeforeStep;
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
        return new EarlyStopping(IterationEvent::loss, 1, patience, minDelta, true, true);
    }

    /**
     * Makes the {@link Trainer} restore the weights of the best metric when training ends (see the
     * class comment for which weights those are).
     *
     * @return this rule
     */
    public EarlyStopping restoreBestWeights() {
        this.restoreBest = true;
        return this;
    }

    /**
     * Whether the weights of the best metric are restored at the end of training.
     *
     * @return whether {@link #restoreBestWeights()} was called
     */
    public boolean restoresBestWeights() {
        return restoreBest;
    }

    /**
     * Whether the metric belongs to the weights before the iteration's optimizer step (the training
     * loss, {@link #onLoss}) rather than after it.
     *
     * @return true for {@link #onLoss}
     */
    public boolean metricBeforeStep() {
        return metricBeforeStep;
    }

    /**
     * The rule's running state, for checkpoints: the best metric, its iteration, and the
     * evaluations since it improved.
     *
     * @return {@code {best, bestIteration, evaluations without improvement}}
     */
    public double[] state() {
        return new double[]{best, bestIteration, bad};
    }

    /**
     * Restores a state from {@link #state()}, as a resumed run continues the rule of the run that
     * saved it.
     *
     * @param s the state, three values
     * @throws IllegalArgumentException if {@code s} does not have three values with integer counts
     */
    public void setState(double[] s) {
        if (s == null || s.length != 3 || s[1] != Math.rint(s[1]) || s[1] < -1 || s[2] != Math.rint(s[2])
                || s[2] < 0) {
            throw new IllegalArgumentException("EarlyStopping.setState: not a saved state "
                    + java.util.Arrays.toString(s) + " (expected {best, best iteration, evaluations without "
                    + "improvement})");
        }
        best = s[0];
        bestIteration = (int) s[1];
        bad = (int) s[2];
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
