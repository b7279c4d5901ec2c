package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;

/**
 * One step of a recurrent network, {@code h' = cell(x, h)}, used by sequence encoders (the latent
 * ODE's RNN and ODE-RNN encoders).
 */
public interface RecurrentCell {

    /**
     * One step.
     *
     * @param x the input, {@code batch × inputSize}
     * @param h the hidden state, {@code batch × hiddenSize}, on the same tape
     * @return the new hidden state, {@code batch × hiddenSize}
     * @throws IllegalArgumentException if a shape is wrong, naming the cell and both shapes
     */
    Tensor step(Tensor x, Tensor h);

    /**
     * The input width.
     *
     * @return inputSize
     */
    int inputSize();

    /**
     * The hidden width.
     *
     * @return hiddenSize
     */
    int hiddenSize();
}
