package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.Random;

/**
 * An Elman recurrent cell with PyTorch's {@code nn.RNNCell} equation (tanh nonlinearity),
 * {@code h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)}; parameters {@code weight_ih}
 * ({@code H × in}), {@code weight_hh} ({@code H × H}), {@code bias_ih}, {@code bias_hh}
 * ({@code 1 × H}), initialised {@code U(±1/√H)}.
 */
public final class RnnCell extends Module implements RecurrentCell {

    private final int in;
    private final int hidden;

    /**
     * Creates a cell.
     *
     * @param inputSize  input features
     * @param hiddenSize hidden features
     * @param rng        the random source. Modified.
     */
    public RnnCell(int inputSize, int hiddenSize, Random rng) {
        this.in = inputSize;
        this.hidden = hiddenSize;
        Init u = Init.uniform(1.0 / Math.sqrt(hiddenSize));
        registerParameter("weight_ih", u.sample(hiddenSize, inputSize, rng));
        registerParameter("weight_hh", u.sample(hiddenSize, hiddenSize, rng));
        registerParameter("bias_ih", u.sample(1, hiddenSize, rng));
        registerParameter("bias_hh", u.sample(1, hiddenSize, rng));
    }

    @Override
    public Tensor step(Tensor x, Tensor h) {
        checkShapes(this, x, h, in, hidden);
        var tape = x.tape();
        return x.matmulTransB(tape.param(param("weight_ih"))).add(tape.param(param("bias_ih")))
                .add(h.matmulTransB(tape.param(param("weight_hh"))).add(tape.param(param("bias_hh"))))
                .tanh();
    }

    static void checkShapes(Module cell, Tensor x, Tensor h, int in, int hidden) {
        if (x.cols() != in) {
            throw new IllegalArgumentException("cell " + cell.describe() + ": expected input of shape batch x "
                    + in + ", got " + x.shapeString());
        }
        if (h.cols() != hidden || h.rows() != x.rows()) {
            throw new IllegalArgumentException("cell " + cell.describe() + ": expected hidden state of shape "
                    + x.rows() + "x" + hidden + ", got " + h.shapeString());
        }
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int hiddenSize() {
        return hidden;
    }

    @Override
    protected String kind() {
        return "RnnCell " + in + "->" + hidden;
    }
}
