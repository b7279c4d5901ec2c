package dev.neuralode.models.optim;

import dev.neuralode.autodiff.Parameter;
import java.util.List;

/**
 * Adam (Kingma &amp; Ba, ICLR 2015) with the update of PyTorch's {@code torch.optim.Adam}, and
 * optionally AMSGrad (Reddi et al. 2018):
 * <pre>
 * g ← ∇θ + λ θ                          (L2 weight decay λ, coupled)
 * m ← β₁ m + (1 - β₁) g
 * v ← β₂ v + (1 - β₂) g²                (AMSGrad: v̂ ← max(v̂, v), used below instead of v)
 * θ ← θ - (η / (1 - β₁ᵗ)) · m / (√v / √(1 - β₂ᵗ) + ε)
 * </pre>
 * Defaults as PyTorch: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0. For decoupled weight decay
 * use {@link AdamW}.
 */
public class Adam extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean amsgrad;

    /**
     * Adam with PyTorch's defaults and learning rate 1e-3.
     *
     * @param params the parameters
     */
    public Adam(List<Parameter> params) {
        this(params, 1e-3);
    }

    /**
     * Adam with PyTorch's defaults.
     *
     * @param params the parameters
     * @param lr     the learning rate η
     */
    public Adam(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.0, false);
    }

    /**
     * Adam with all options.
     *
     * @param params      the parameters
     * @param lr          η
     * @param beta1       β₁ in [0, 1)
     * @param beta2       β₂ in [0, 1)
     * @param eps         ε, finite and &gt; 0, added to the (bias-corrected) root of v (PyTorch accepts
     *                    0, which divides 0 by 0 for a parameter whose gradient is 0 at the first step)
     * @param weightDecay λ, finite and ≥ 0, added to the gradient as {@code λ θ}
     * @param amsgrad     use the running maximum of v
     * @throws IllegalArgumentException if a setting is NaN or out of its range, naming the setting,
     *                                  the value and the range
     */
    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
            boolean amsgrad) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + (beta1 >= 0 && beta1 < 1
                    ? "beta2 = " + beta2 : "beta1 = " + beta1) + " is invalid; betas must lie in [0, 1), got ("
                    + beta1 + ", " + beta2 + ")");
        }
        checkRange("eps", eps, 0, true, Double.POSITIVE_INFINITY, false);
        checkRange("weight decay", weightDecay, 0, false, Double.POSITIVE_INFINITY, false);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
    }

    /**
     * The weight decay coefficient λ.
     *
     * @return λ
     */
    public final double weightDecay() {
        return weightDecay;
    }

    /**
     * Whether the decay is decoupled ({@link AdamW}) rather than added to the gradient.
     *
     * @return false for Adam
     */
    protected boolean decoupled() {
        return false;
    }

    @Override
    protected final void update(Parameter p, double[] x, double[] grad, long t) {
        double[][] s = state(p, amsgrad ? 3 : 2);
        double[] m = s[0];
        double[] v = s[1];
        double lr = lr();
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / bc1;
        boolean dec = decoupled();
        for (int i = 0; i < x.length; i++) {
            double g = grad[i];
            if (dec) {
                x[i] *= 1 - lr * weightDecay;
            } else {
                g += weightDecay * x[i];
            }
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double vi = v[i];
            if (amsgrad) {
                s[2][i] = Math.max(s[2][i], vi);
                vi = s[2][i];
            }
            double denom = Math.sqrt(vi) / bc2 + eps;
            x[i] -= stepSize * m[i] / denom;
        }
    }
}
