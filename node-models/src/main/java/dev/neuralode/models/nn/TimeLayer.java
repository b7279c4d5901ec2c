package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;

/**
 * A layer that cannot run without time ({@link ConcatTime}, {@link ConcatSquashLinear}): its
 * one-argument {@link #forward(Tensor)} fails and subclasses implement
 * {@link #forward(Tensor, Tensor)}.
 */
abstract class TimeLayer extends Layer {

    /**
     * Always fails: this layer needs time.
     *
     * @param x the input
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public final Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("layer " + describe() + " needs time: call forward(t, x)");
    }

    /**
     * {@inheritDoc}
     *
     * @param t 1×1 time
     * @param x {@code batch × in}
     * @return {@code batch × out}
     */
    @Override
    public abstract Tensor forward(Tensor t, Tensor x);
}
