package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.Random;

/**
 * What PyTorch-style recurrent cells share: the parameters {@code weight_ih}
 * ({@code gH × in}), {@code weight_hh} ({@code gH × H}), {@code bias_ih} and {@code bias_hh}
 * ({@code 1 × gH}) for {@code g} stacked gates, all initialised {@code U(±1/√H)}; the shape
 * checks of a step; and the two affine maps {@code x W_ihᵀ + b_ih} and {@code h W_hhᵀ + b_hh}
 * the gates are computed from.
 */
abstract class GatedCell extends Module implements RecurrentCell {

    /** The input width. */
    final int in;
    /** The hidden width {@code H}. */
    final int hidden;

    /**
     * Registers the four parameters.
     *
     * @param inputSize  input features
     * @param hiddenSize hidden features {@code H}
     * @param gates      the number {@code g} of gates stacked in the weights' rows
     * @param rng        the random source. Modified.
     */
    GatedCell(int inputSize, int hiddenSize, int gates, Random rng) {
        this.in = inputSize;
        this.hidden = hiddenSize;
        Init u = Init.uniform(1.0 / Math.sqrt(hiddenSize));
        registerParameter("weight_ih", u.sample(gates * hiddenSize, inputSize, rng));
        registerParameter("weight_hh", u.sample(gates * hiddenSize, hiddenSize, rng));
        registerParameter("bias_ih", u.sample(1, gates * hiddenSize, rng));
        registerParameter("bias_hh", u.sample(1, gates * hiddenSize, rng));
    }

    /**
     * Checks a step's shapes and returns the input's gate pre-activations.
     *
     * @param x the input, {@code batch × in}
     * @param h the hidden state, {@code batch × H}
     * @return {@code x W_ihᵀ + b_ih}, {@code batch × gH}
     * @throws IllegalArgumentException naming the cell and the shapes if either is wrong
     */
    final Tensor inputGates(Tensor x, Tensor h) {
        if (x.cols() != in) {
            throw new IllegalArgumentException("cell " + describe() + ": expected input of shape batch x "
                    + in + ", got " + x.shapeString());
        }
        if (h.cols() != hidden || h.rows() != x.rows()) {
            throw new IllegalArgumentException("cell " + describe() + ": expected hidden state of shape "
                    + x.rows() + "x" + hidden + ", got " + h.shapeString());
        }
        var tape = x.tape();
        return x.matmulTransB(tape.param(param("weight_ih"))).add(tape.param(param("bias_ih")));
    }

    /**
     * The hidden state's gate pre-activations.
     *
     * @param h the hidden state, {@code batch × H}
     * @return {@code h W_hhᵀ + b_hh}, {@code batch × gH}
     */
    final Tensor hiddenGates(Tensor h) {
        var tape = h.tape();
        return h.matmulTransB(tape.param(param("weight_hh"))).add(tape.param(param("bias_hh")));
    }

    @Override
    public final int inputSize() {
        return in;
    }

    @Override
    public final int hiddenSize() {
        return hidden;
    }

    @Override
    protected String kind() {
        return getClass().getSimpleName() + " " + in + "->" + hidden;
    }
}
