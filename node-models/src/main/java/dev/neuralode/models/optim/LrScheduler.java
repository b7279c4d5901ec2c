package dev.neuralode.models.optim;

/**
 * Applies an {@link LrSchedule} to an optimizer: call {@link #step()} once per epoch (or
 * iteration), after {@link Optimizer#step()}, as with PyTorch's schedulers.
 */
public final class LrScheduler {

    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double baseLr;
    private long epoch;

    /**
     * Creates a scheduler; the optimizer's current learning rate is the base rate.
     *
     * @param optimizer the optimizer whose rate is set. Modified by {@link #step()}.
     * @param schedule  the schedule
     */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.baseLr = optimizer.lr();
    }

    /** Advances one epoch and sets the optimizer's learning rate from the schedule. */
    public void step() {
        epoch++;
        optimizer.setLr(schedule.lr(baseLr, epoch));
    }

    /**
     * Sets the epoch count, as a resumed run continues the schedule of the run that saved it, and
     * sets the optimizer's learning rate from the schedule at that epoch (at epoch 0, the base
     * rate).
     *
     * @param epoch the epochs taken, {@code >= 0}
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public void setEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("LrScheduler.setEpoch: epoch = " + epoch + " is negative");
        }
        this.epoch = epoch;
        optimizer.setLr(epoch == 0 ? baseLr : schedule.lr(baseLr, epoch));
    }

    /**
     * The epochs taken.
     *
     * @return the epoch count
     */
    public long epoch() {
        return epoch;
    }

    /**
     * The current learning rate.
     *
     * @return the optimizer's rate
     */
    public double lr() {
        return optimizer.lr();
    }
}
