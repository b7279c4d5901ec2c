package dev.neuralode.models.train;

/** Called by the {@link Trainer} after every iteration (after the optimizer step). */
@FunctionalInterface
public interface TrainingCallback {

    /**
     * Receives one iteration's record.
     *
     * @param event the iteration's loss, function evaluations and timings
     */
    void onIteration(IterationEvent event);
}
