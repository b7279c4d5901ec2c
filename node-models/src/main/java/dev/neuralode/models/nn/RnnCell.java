package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.Random;

/**
 * An Elman recurrent cell with PyTorch's {@code nn.RNNCell} equation (tanh nonlinearity),
 * {@code h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)}; parameters {@code weight_ih}
 * ({@code H × in}), {@code weight_hh} ({@code H × H}), {@code bias_ih}, {@code bias_hh}
 * ({@code 1 × H}), initialised {@code U(±1/√H)}.
 */
public final class RnnCell extends GatedCell {

    /**
     * Creates a cell.
     *
     * @param inputSize  input features
     * @param hiddenSize hidden features
     * @param rng        the random source. Modified.
     */
    public RnnCell(int inputSize, int hiddenSize, Random rng) {
        super(inputSize, hiddenSize, 1, rng);
    }

    @Override
    public Tensor step(Tensor x, Tensor h) {
        return inputGates(x, h).add(hiddenGates(h)).tanh();
    }
}
