package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.Random;

/**
 * A gated recurrent unit cell (Cho et al. 2014) with PyTorch's {@code nn.GRUCell} equations and
 * parameter layout:
 * <pre>
 * r  = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)
 * z  = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
 * n  = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
 * h' = (1 - z) ⊙ n + z ⊙ h
 * </pre>
 * Parameters {@code weight_ih} ({@code 3H × in}, rows ordered r, z, n), {@code weight_hh}
 * ({@code 3H × H}), {@code bias_ih}, {@code bias_hh} ({@code 1 × 3H}), all initialised
 * {@code U(±1/√H)} as in PyTorch.
 */
public final class GruCell extends GatedCell {

    /**
     * Creates a cell.
     *
     * @param inputSize  input features
     * @param hiddenSize hidden features
     * @param rng        the random source. Modified.
     */
    public GruCell(int inputSize, int hiddenSize, Random rng) {
        super(inputSize, hiddenSize, 3, rng);
    }

    @Override
    public Tensor step(Tensor x, Tensor h) {
        Tensor gi = inputGates(x, h);
        Tensor gh = hiddenGates(h);
        int hs = hidden;
        Tensor r = gi.sliceCols(0, hs).add(gh.sliceCols(0, hs)).sigmoid();
        Tensor z = gi.sliceCols(hs, 2 * hs).add(gh.sliceCols(hs, 2 * hs)).sigmoid();
        Tensor n = gi.sliceCols(2 * hs, 3 * hs).add(r.mul(gh.sliceCols(2 * hs, 3 * hs))).tanh();
        // h' = n + z ⊙ (h - n)
        return n.add(z.mul(h.sub(n)));
    }
}
