package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.Random;

/**
 * FFJORD's concat-squash layer (Grathwohl et al., ICLR 2019): a linear map of the input whose
 * output is gated and shifted by functions of time,
 * {@code y = (x Wᵀ + b) ⊙ σ(t·g_w + g_b) + t·c}, with {@code W} ({@code layer.weight},
 * {@code out × in}), {@code b} ({@code layer.bias}), the gate {@code hyper_gate.weight}
 * ({@code out × 1}) and {@code hyper_gate.bias}, and the shift {@code hyper_bias.weight}
 * ({@code out × 1}, no bias). Parameter names follow FFJORD's so weights can be exchanged.
 */
public final class ConcatSquashLinear extends TimeLayer {

    private final int in;
    private final int out;
    private final Linear layer;
    private final Linear gate;
    private final Linear shift;

    /**
     * Creates the layer with PyTorch's default initialisation.
     *
     * @param in  input features
     * @param out output features
     * @param rng the random source. Modified.
     */
    public ConcatSquashLinear(int in, int out, Random rng) {
        this.in = in;
        this.out = out;
        this.layer = registerModule("layer", new Linear(in, out, rng));
        this.gate = registerModule("hyper_gate", new Linear(1, out, rng));
        this.shift = registerModule("hyper_bias",
                new Linear(1, out, false, Init.pytorchDefault(), rng));
    }

    /**
     * {@inheritDoc}
     *
     * @param t 1×1 time
     * @param x {@code batch × in}
     * @return {@code batch × out}
     */
    @Override
    public Tensor forward(Tensor t, Tensor x) {
        checkInput(x, in);
        Tensor g = gate.forward(t).sigmoid();
        return layer.forward(x).mul(g).add(shift.forward(t));
    }

    @Override
    protected String kind() {
        return "ConcatSquashLinear " + in + "->" + out;
    }
}
