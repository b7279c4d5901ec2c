package dev.neuralode.models.optim;

/**
 * A learning-rate schedule: the learning rate after {@code epoch} scheduler steps, from the base
 * rate, in closed form (PyTorch's {@code lr_scheduler} formulas).
 */
@FunctionalInterface
public interface LrSchedule {

    /**
     * The learning rate at a given epoch.
     *
     * @param baseLr the initial learning rate η₀
     * @param epoch  the number of scheduler steps taken, from 0
     * @return the learning rate
     */
    double lr(double baseLr, long epoch);

    /**
     * PyTorch's {@code StepLR}: {@code η₀ γ^⌊epoch / stepSize⌋}.
     *
     * @param stepSize epochs between decays, at least 1
     * @param gamma    the decay factor (PyTorch's default 0.1), finite and &gt; 0
     * @return the schedule
     * @throws IllegalArgumentException if an argument is out of its range, naming it, its value and
     *                                  the range
     */
    static LrSchedule step(long stepSize, double gamma) {
        if (stepSize < 1) {
            throw new IllegalArgumentException("step schedule: stepSize = " + stepSize + " is invalid; it must be >= 1");
        }
        checkGamma("step", gamma);
        return (lr, e) -> lr * Math.pow(gamma, Math.floorDiv(e, stepSize));
    }

    /**
     * PyTorch's {@code ExponentialLR}: {@code η₀ γ^epoch}.
     *
     * @param gamma the decay factor per epoch, finite and &gt; 0
     * @return the schedule
     * @throws IllegalArgumentException if {@code gamma} is NaN, infinite or not positive, naming the
     *                                  value and the range
     */
    static LrSchedule exponential(double gamma) {
        checkGamma("exponential", gamma);
        return (lr, e) -> lr * Math.pow(gamma, e);
    }

    private static void checkGamma(String schedule, double gamma) {
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException(schedule + " schedule: gamma = " + gamma
                    + " is invalid; it must be finite and > 0 (a decay factor, usually in (0, 1])");
        }
    }

    /**
     * PyTorch's {@code CosineAnnealingLR} (Loshchilov &amp; Hutter, SGDR, ICLR 2017), closed form:
     * {@code η_min + (η₀ - η_min)(1 + cos(π epoch / T_max)) / 2}.
     *
     * @param tMax   the half period in epochs, at least 1
     * @param etaMin the minimum rate (PyTorch's default 0), finite and ≥ 0
     * @return the schedule
     * @throws IllegalArgumentException if an argument is out of its range, naming it, its value and
     *                                  the range
     */
    static LrSchedule cosine(long tMax, double etaMin) {
        if (tMax < 1) {
            throw new IllegalArgumentException("cosine schedule: tMax = " + tMax + " is invalid; it must be >= 1");
        }
        if (!(etaMin >= 0) || Double.isInfinite(etaMin)) {
            throw new IllegalArgumentException("cosine schedule: etaMin = " + etaMin
                    + " is invalid; it must be finite and >= 0");
        }
        return (lr, e) -> etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
    }

    /**
     * A constant rate.
     *
     * @return the schedule {@code η₀}
     */
    static LrSchedule constant() {
        return (lr, e) -> lr;
    }
}
