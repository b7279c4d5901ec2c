package dev.neuralode.models.optim;

import dev.neuralode.autodiff.Parameter;
import java.util.List;

/**
 * RMSprop (Hinton, Coursera lecture 6e, 2012) with the update of PyTorch's
 * {@code torch.optim.RMSprop}:
 * <pre>
 * g ← ∇θ + λ θ
 * v ← α v + (1 - α) g²
 * d ← √v + ε                    (centered: ḡ ← α ḡ + (1 - α) g,  d ← √(v - ḡ²) + ε)
 * b ← μ b + g / d,  θ ← θ - η b (momentum μ &gt; 0)    or    θ ← θ - η g / d
 * </pre>
 * Note that ε is added <i>after</i> the square root, as in PyTorch (TensorFlow adds it inside).
 * Defaults as PyTorch: η = 1e-2, α = 0.99, ε = 1e-8, λ = 0, μ = 0, not centered.
 */
public final class RmsProp extends Optimizer {

    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;

    /**
     * RMSprop with PyTorch's defaults, including the learning rate 1e-2.
     *
     * @param params the parameters
     */
    public RmsProp(List<Parameter> params) {
        this(params, 1e-2);
    }

    /**
     * RMSprop with PyTorch's defaults.
     *
     * @param params the parameters
     * @param lr     η
     */
    public RmsProp(List<Parameter> params, double lr) {
        this(params, lr, 0.99, 1e-8, 0, 0, false);
    }

    /**
     * RMSprop with all options.
     *
     * @param params      the parameters
     * @param lr          η
     * @param alpha       the smoothing constant α in [0, 1)
     * @param eps         ε, finite and &gt; 0, added after the square root
     * @param weightDecay λ, finite and ≥ 0
     * @param momentum    μ, finite and ≥ 0
     * @param centered    normalise by the estimated variance instead of the second moment
     * @throws IllegalArgumentException if a setting is NaN or out of its range, naming the setting,
     *                                  the value and the range
     */
    public RmsProp(List<Parameter> params, double lr, double alpha, double eps, double weightDecay,
            double momentum, boolean centered) {
        super(params, lr);
        checkRange("alpha", alpha, 0, false, 1, false);
        checkRange("eps", eps, 0, true, Double.POSITIVE_INFINITY, false);
        checkRange("weight decay", weightDecay, 0, false, Double.POSITIVE_INFINITY, false);
        checkRange("momentum", momentum, 0, false, Double.POSITIVE_INFINITY, false);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
    }

    @Override
    protected void update(Parameter p, double[] x, double[] grad, long t) {
        double[][] s = state(p, 3);
        double[] v = s[0];
        double[] gAvg = s[1];
        double[] buf = s[2];
        double lr = lr();
        for (int i = 0; i < x.length; i++) {
            double g = grad[i] + weightDecay * x[i];
            v[i] = alpha * v[i] + (1 - alpha) * g * g;
            double d;
            if (centered) {
                gAvg[i] = alpha * gAvg[i] + (1 - alpha) * g;
                d = Math.sqrt(v[i] - gAvg[i] * gAvg[i]) + eps;
            } else {
                d = Math.sqrt(v[i]) + eps;
            }
            if (momentum > 0) {
                buf[i] = momentum * buf[i] + g / d;
                x[i] -= lr * buf[i];
            } else {
                x[i] -= lr * g / d;
            }
        }
    }
}
