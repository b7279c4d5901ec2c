package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;

/**
 * A module mapping a batch ({@code batch × features} tensor) to a batch, optionally depending on
 * time. Time-independent layers implement {@link #forward(Tensor)}; the two-argument form
 * {@link #forward(Tensor, Tensor)} passes time through a stack of layers so that a
 * {@link Sequential} can mix plain layers with time-dependent ones ({@link ConcatTime},
 * {@link ConcatSquashLinear}).
 */
public abstract class Layer extends Module {

    /** Creates a layer. */
    protected Layer() {
    }

    /**
     * Applies the layer.
     *
     * @param x the input, {@code batch × inFeatures}, on any tape
     * @return the output on the same tape
     * @throws IllegalArgumentException if the input shape is wrong; the message names the layer
     *                                  and both shapes
     */
    public abstract Tensor forward(Tensor x);

    /**
     * Applies the layer at time {@code t}. Time-independent layers ignore {@code t}.
     *
     * @param t the time, a 1×1 tensor on the input's tape
     * @param x the input, {@code batch × inFeatures}
     * @return the output
     */
    public Tensor forward(Tensor t, Tensor x) {
        return forward(x);
    }

    /**
     * Checks the number of input columns.
     *
     * @param x        the input
     * @param expected the expected number of columns
     * @throws IllegalArgumentException naming this layer, the expected and the actual shape
     */
    protected final void checkInput(Tensor x, int expected) {
        if (x.cols() != expected) {
            throw new IllegalArgumentException("layer " + describe() + ": expected input of shape "
                    + "batch x " + expected + ", got " + x.shapeString());
        }
    }
}
