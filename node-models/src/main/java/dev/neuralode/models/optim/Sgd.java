package dev.neuralode.models.optim;

import dev.neuralode.autodiff.Parameter;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, with the update of PyTorch's {@code torch.optim.SGD}:
 * <pre>
 * g ← ∇θ + λ θ                                  (weight decay λ)
 * b ← g                      on the first step, else  b ← μ b + (1 - τ) g   (momentum μ, dampening τ)
 * g ← g + μ b  (Nesterov)    or  g ← b  (classical momentum; only when μ ≠ 0)
 * θ ← θ - η g
 * </pre>
 * Defaults as PyTorch: momentum 0, dampening 0, weight decay 0, no Nesterov.
 */
public final class Sgd extends Optimizer {

    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;

    /**
     * Plain SGD, {@code θ ← θ - η ∇θ}.
     *
     * @param params the parameters
     * @param lr     the learning rate η
     */
    public Sgd(List<Parameter> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    /**
     * SGD with all options.
     *
     * @param params      the parameters
     * @param lr          the learning rate η
     * @param momentum    μ, finite and ≥ 0
     * @param dampening   τ in [0, 1]
     * @param weightDecay λ, finite and ≥ 0 (L2 penalty added to the gradient)
     * @param nesterov    Nesterov momentum (needs μ &gt; 0 and τ = 0, as in PyTorch)
     * @throws IllegalArgumentException if a setting is NaN or out of its range, naming the setting,
     *                                  the value and the range
     */
    public Sgd(List<Parameter> params, double lr, double momentum, double dampening, double weightDecay,
            boolean nesterov) {
        super(params, lr);
        checkRange("momentum", momentum, 0, false, Double.POSITIVE_INFINITY, false);
        checkRange("dampening", dampening, 0, false, 1, true);
        checkRange("weight decay", weightDecay, 0, false, Double.POSITIVE_INFINITY, false);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum requires momentum > 0 and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(Parameter p, double[] x, double[] grad, long t) {
        double[] buf = momentum != 0 ? state(p, 1)[0] : null;
        double lr = lr();
        for (int i = 0; i < x.length; i++) {
            double g = grad[i] + weightDecay * x[i];
            if (buf != null) {
                buf[i] = t == 1 ? g : momentum * buf[i] + (1 - dampening) * g;
                g = nesterov ? g + momentum * buf[i] : buf[i];
            }
            x[i] -= lr * g;
        }
    }
}
