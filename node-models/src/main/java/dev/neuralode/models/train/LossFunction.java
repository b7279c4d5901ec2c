package dev.neuralode.models.train;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;

/** Builds one iteration's scalar loss on a fresh tape (draw the mini-batch inside). */
@FunctionalInterface
public interface LossFunction {

    /**
     * Computes the loss.
     *
     * @param tape      a new, recording tape for this iteration
     * @param iteration the 0-based iteration index
     * @return a 1×1 tensor on {@code tape}
     */
    Tensor compute(Tape tape, int iteration);
}
