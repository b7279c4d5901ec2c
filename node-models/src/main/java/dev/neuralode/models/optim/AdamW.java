package dev.neuralode.models.optim;

import dev.neuralode.autodiff.Parameter;
import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019), with the update of PyTorch's {@code torch.optim.AdamW}: first
 * {@code θ ← θ (1 - η λ)}, then the {@link Adam} step with the raw gradient.
 * Defaults as PyTorch: η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 1e-2.
 */
public final class AdamW extends Adam {

    /**
     * AdamW with PyTorch's defaults and learning rate 1e-3.
     *
     * @param params the parameters
     */
    public AdamW(List<Parameter> params) {
        this(params, 1e-3);
    }

    /**
     * AdamW with PyTorch's defaults.
     *
     * @param params the parameters
     * @param lr     η
     */
    public AdamW(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 1e-2, false);
    }

    /**
     * AdamW with all options.
     *
     * @param params      the parameters
     * @param lr          η
     * @param beta1       β₁ in [0, 1)
     * @param beta2       β₂ in [0, 1)
     * @param eps         ε, finite and &gt; 0
     * @param weightDecay λ, finite and ≥ 0 (decoupled: {@code θ ← θ (1 - η λ)} before the Adam step)
     * @param amsgrad     use the running maximum of v
     * @throws IllegalArgumentException if a setting is NaN or out of its range, naming the setting,
     *                                  the value and the range
     */
    public AdamW(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
            boolean amsgrad) {
        super(params, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    @Override
    protected boolean decoupled() {
        return true;
    }
}
