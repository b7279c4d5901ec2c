package dev.neuralode.models.optim;

import dev.neuralode.autodiff.Parameter;
import java.util.List;

/** Gradient clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_}. */
public final class GradClip {

    private GradClip() {
    }

    /**
     * The global L2 norm of the gradients, {@code √(Σ_p Σ_i g_pi²)}.
     *
     * @param params the parameters. Not modified.
     * @return the norm
     */
    public static double norm(List<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            for (double g : p.grad().data) {
                s += g * g;
            }
        }
        return Math.sqrt(s);
    }

    /**
     * Rescales all gradients together so their global L2 norm is at most {@code maxNorm}: with
     * {@code c = maxNorm / (norm + 1e-6)}, every gradient is multiplied by {@code c} when
     * {@code c < 1} (PyTorch's rule).
     *
     * @param params  the parameters; their gradients are modified
     * @param maxNorm the largest allowed norm, positive
     * @return the norm before clipping
     * @throws IllegalArgumentException if {@code maxNorm} is not positive (or NaN)
     */
    public static double byNorm(List<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clip by norm: maxNorm must be positive, got " + maxNorm);
        }
        double total = norm(params);
        double c = maxNorm / (total + 1e-6);
        if (c < 1) {
            for (Parameter p : params) {
                double[] g = p.grad().data;
                for (int i = 0; i < g.length; i++) {
                    g[i] *= c;
                }
            }
        }
        return total;
    }

    /**
     * Clamps every gradient element to {@code [-maxValue, maxValue]}.
     *
     * @param params   the parameters; their gradients are modified
     * @param maxValue the bound, positive
     * @throws IllegalArgumentException if {@code maxValue} is not positive
     */
    public static void byValue(List<Parameter> params, double maxValue) {
        if (!(maxValue > 0)) {
            throw new IllegalArgumentException("clip by value: maxValue must be positive, got " + maxValue);
        }
        for (Parameter p : params) {
            double[] g = p.grad().data;
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.max(-maxValue, Math.min(maxValue, g[i]));
            }
        }
    }
}
