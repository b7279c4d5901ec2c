package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;

/**
 * Loss functions, composed of differentiable tensor ops (so they support second-order
 * gradients). A batch is rows; every loss returns a 1×1 tensor. Each one is registered in
 * {@link OpRegistry} and gradient-checked like a built-in op.
 */
public final class Losses {

    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

    private Losses() {
    }

    private static void sameShape(String loss, Tensor a, Tensor b, String aName, String bName) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException("loss '" + loss + "': " + aName + " shape " + a.shapeString()
                    + " differs from " + bName + " shape " + b.shapeString());
        }
    }

    /**
     * Mean squared error {@code (1/N) Σ (p - t)²} over all {@code N} elements.
     *
     * @param prediction the prediction, {@code r × c}
     * @param target     the target, {@code r × c}
     * @return a 1×1 tensor
     * @throws IllegalArgumentException if the shapes differ (naming both)
     */
    public static Tensor mse(Tensor prediction, Tensor target) {
        sameShape("mse", prediction, target, "prediction", "target");
        return prediction.sub(target).square().mean();
    }

    /**
     * Mean absolute error (L1) {@code (1/N) Σ |p - t|} over all {@code N} elements (subgradient 0
     * where {@code p = t}). The spiral benchmark's loss.
     *
     * @param prediction the prediction, {@code r × c}
     * @param target     the target, {@code r × c}
     * @return a 1×1 tensor
     */
    public static Tensor mae(Tensor prediction, Tensor target) {
        sameShape("mae", prediction, target, "prediction", "target");
        return prediction.sub(target).abs().mean();
    }

    /**
     * Cross-entropy from unnormalized logits and class labels, averaged over the batch:
     * {@code -(1/r) Σ_i log_softmax(z_i)[y_i]}, with the log-softmax computed stably.
     *
     * @param logits the logits, {@code r × classes}
     * @param labels one class index per row, each in {@code [0, classes)}. Not modified.
     * @return a 1×1 tensor
     * @throws IllegalArgumentException if the label count differs from the rows or a label is out of range
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        if (labels.length != logits.rows()) {
            throw new IllegalArgumentException("loss 'cross_entropy': " + labels.length + " labels for logits of shape "
                    + logits.shapeString());
        }
        DMatrixRMaj oneHot = new DMatrixRMaj(logits.rows(), logits.cols());
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= logits.cols()) {
                throw new IllegalArgumentException("loss 'cross_entropy': label " + labels[i] + " at row " + i
                        + " is outside [0, " + logits.cols() + ") for logits of shape " + logits.shapeString());
            }
            oneHot.set(i, labels[i], 1.0);
        }
        return crossEntropy(logits, logits.tape().constant(oneHot));
    }

    /**
     * Cross-entropy from logits and target distributions (one-hot or soft), averaged over the
     * batch: {@code -(1/r) Σ_i Σ_j t_ij log_softmax(z_i)_j}. Differentiable in both arguments.
     *
     * @param logits  the logits, {@code r × classes}
     * @param targets the target probabilities, {@code r × classes}
     * @return a 1×1 tensor
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        sameShape("cross_entropy", logits, targets, "logits", "targets");
        return logits.logSoftmax().mul(targets).sum().scale(-1.0 / logits.rows());
    }

    /**
     * Gaussian negative log-likelihood with a predicted mean and log-variance, averaged over all
     * {@code N} elements:
     * {@code (1/N) Σ ½ [ln σ² + (x - μ)² / σ² + ln 2π]}, with {@code ln σ² = logVar}
     * (including the constant, so it is the exact density's negative log).
     *
     * @param x      the observations, {@code r × c}
     * @param mean   the predicted means, {@code r × c}
     * @param logVar the predicted log-variances, {@code r × c} (or broadcastable to it, e.g. {@code 1 × c})
     * @return a 1×1 tensor
     */
    public static Tensor gaussianNll(Tensor x, Tensor mean, Tensor logVar) {
        sameShape("gaussian_nll", x, mean, "observation", "mean");
        Tensor quad = x.sub(mean).square().mul(logVar.neg().exp());
        return quad.add(logVar).mean().scale(0.5).add(HALF_LOG_TWO_PI);
    }

    /**
     * KL divergence between diagonal Gaussians, {@code KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²))}, summed over the
     * dimensions (columns) and averaged over the batch (rows):
     * {@code (1/r) Σ_i Σ_j ½ [ln σ₂² - ln σ₁² + (σ₁² + (μ₁ - μ₂)²) / σ₂² - 1]}
     * (the latent ODE's posterior–prior term; Rubanova et al., NeurIPS 2019).
     *
     * @param mu1     the first mean, {@code r × d}
     * @param logVar1 the first log-variance, {@code r × d}
     * @param mu2     the second mean, {@code r × d} (or broadcastable)
     * @param logVar2 the second log-variance, {@code r × d} (or broadcastable)
     * @return a 1×1 tensor
     */
    public static Tensor klDiagonalGaussians(Tensor mu1, Tensor logVar1, Tensor mu2, Tensor logVar2) {
        sameShape("kl_diag_gaussians", mu1, logVar1, "mu1", "logVar1");
        Tensor num = logVar1.exp().add(mu1.sub(mu2).square());
        Tensor terms = logVar2.sub(logVar1).add(num.mul(logVar2.neg().exp())).add(-1.0);
        return terms.sum().scale(0.5 / mu1.rows());
    }

    /**
     * KL divergence from {@code N(μ, σ²)} to the standard normal, summed over dimensions and
     * averaged over the batch: {@code -(1/r) Σ ½ [1 + ln σ² - μ² - σ²]} (Kingma &amp; Welling 2014).
     *
     * @param mu     the mean, {@code r × d}
     * @param logVar the log-variance, {@code r × d}
     * @return a 1×1 tensor
     */
    public static Tensor klStandardNormal(Tensor mu, Tensor logVar) {
        sameShape("kl_standard_normal", mu, logVar, "mu", "logVar");
        Tensor terms = logVar.add(1.0).sub(mu.square()).sub(logVar.exp());
        return terms.sum().scale(-0.5 / mu.rows());
    }
}
