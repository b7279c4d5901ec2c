package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;

/**
 * A layer that cannot run without time ({@link ConcatTime}, {@link ConcatSquashLinear}): its
 * one-argument {@link #forward(Tensor)} fails and subclasses implement
 * {@link #forward(Tensor, Tensor)}.
 */
abstract class TimeLayer extends Layer {

    /**
     * Rejects a call without time. The output of a time-dependent layer is a function of
     * {@code (t, x)}, and no time is a sensible default, so the time-free form of {@link Layer}
     * is refused with a message naming the layer (inside a {@link Sequential}, the offending
     * child) instead of silently evaluating at some fixed time; an ODE function calls
     * {@link #forward(Tensor, Tensor)}.
     *
     * @param x the input
     * @return never returns normally
     * @throws UnsupportedOperationException on every call, naming the layer and the form to use
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
