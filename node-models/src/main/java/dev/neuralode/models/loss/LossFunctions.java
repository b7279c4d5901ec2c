package dev.neuralode.models.loss;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import org.ejml.data.DMatrixRMaj;

/**
 * Loss functions written with tensor ops (so they are differentiable to any order). Unless stated
 * otherwise a loss is a 1×1 mean over all elements, as PyTorch's {@code reduction='mean'}.
 */
public final class LossFunctions {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private LossFunctions() {
    }

    private static void sameShape(String loss, Tensor a, Tensor b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException(loss + ": prediction shape " + a.shapeString()
                    + " differs from target shape " + b.shapeString());
        }
    }

    /**
     * Mean squared error {@code mean((ŷ - y)²)}.
     *
     * @param prediction ŷ
     * @param target     y, the same shape
     * @return 1×1
     */
    public static Tensor mse(Tensor prediction, Tensor target) {
        sameShape("mse", prediction, target);
        return prediction.sub(target).square().mean();
    }

    /**
     * Mean absolute error (L1) {@code mean(|ŷ - y|)}.
     *
     * @param prediction ŷ
     * @param target     y, the same shape
     * @return 1×1
     */
    public static Tensor l1(Tensor prediction, Tensor target) {
        sameShape("l1", prediction, target);
        return prediction.sub(target).abs().mean();
    }

    /**
     * Cross-entropy of class logits against integer labels,
     * {@code -(1/B) Σ_b log softmax(z_b)[y_b]}.
     *
     * @param logits {@code batch × classes}
     * @param labels one class index per row, in {@code [0, classes)}
     * @return 1×1
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        if (labels.length != logits.rows()) {
            throw new IllegalArgumentException("crossEntropy: " + labels.length + " labels for logits of shape "
                    + logits.shapeString());
        }
        DMatrixRMaj oneHot = new DMatrixRMaj(logits.rows(), logits.cols());
        for (int b = 0; b < labels.length; b++) {
            if (labels[b] < 0 || labels[b] >= logits.cols()) {
                throw new IllegalArgumentException("crossEntropy: label " + labels[b] + " at row " + b
                        + " is outside [0, " + logits.cols() + ")");
            }
            oneHot.set(b, labels[b], 1.0);
        }
        return logits.logSoftmax().mul(logits.tape().constant(oneHot)).sum().scale(-1.0 / labels.length);
    }

    /**
     * Binary cross-entropy with logits, {@code mean(softplus(z) - y z)} for targets y in [0, 1].
     *
     * @param logits z
     * @param target y, the same shape
     * @return 1×1
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        sameShape("binaryCrossEntropyWithLogits", logits, target);
        return logits.softplus().sub(target.mul(logits)).mean();
    }

    /**
     * Elementwise Gaussian log-likelihood
     * {@code log N(y | μ, e^{logVar}) = -½ (log 2π + logVar + (y - μ)² e^{-logVar})}.
     *
     * @param mean   μ
     * @param logVar the log-variance, the same shape or broadcastable (1×1, 1×cols)
     * @param target y, the shape of μ
     * @return the elementwise log-density, the shape of μ
     */
    public static Tensor gaussianLogLikelihood(Tensor mean, Tensor logVar, Tensor target) {
        sameShape("gaussianLogLikelihood", mean, target);
        Tensor d2 = target.sub(mean).square();
        return d2.mul(logVar.neg().exp()).add(logVar).add(LOG_2PI).scale(-0.5);
    }

    /**
     * Gaussian negative log-likelihood, the mean over elements of {@code -log N(y | μ, e^{logVar})}
     * (PyTorch's {@code GaussianNLLLoss(full=True)} parameterised by the log-variance).
     *
     * @param mean   μ
     * @param logVar the log-variance (broadcastable)
     * @param target y
     * @return 1×1
     */
    public static Tensor gaussianNll(Tensor mean, Tensor logVar, Tensor target) {
        return gaussianLogLikelihood(mean, logVar, target).mean().neg();
    }

    /**
     * Per-row KL divergence of diagonal Gaussians,
     * {@code KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = Σ_j ½ (logσ₂² - logσ₁² + (σ₁² + (μ₁ - μ₂)²)/σ₂² - 1)}.
     *
     * @param mu1     μ₁, {@code batch × dim}
     * @param logVar1 log σ₁²
     * @param mu2     μ₂ (broadcastable)
     * @param logVar2 log σ₂² (broadcastable)
     * @return {@code batch × 1}
     */
    public static Tensor klDiagonalGaussians(Tensor mu1, Tensor logVar1, Tensor mu2, Tensor logVar2) {
        Tensor num = logVar1.exp().add(mu1.sub(mu2).square());
        return logVar2.sub(logVar1).add(num.mul(logVar2.neg().exp())).add(-1.0).scale(0.5).sum(1);
    }

    /**
     * Per-row KL divergence from a standard normal,
     * {@code KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_j (σ_j² + μ_j² - 1 - log σ_j²)}.
     *
     * @param mu     μ, {@code batch × dim}
     * @param logVar log σ², the same shape
     * @return {@code batch × 1}
     */
    public static Tensor klStandardNormal(Tensor mu, Tensor logVar) {
        return logVar.exp().add(mu.square()).sub(logVar).add(-1.0).scale(0.5).sum(1);
    }

    /**
     * Row-wise log-density of a standard normal, {@code log N(z | 0, I) = -½ Σ_j (z_j² + log 2π)}.
     *
     * @param z {@code batch × dim}
     * @return {@code batch × 1}
     */
    public static Tensor standardNormalLogProb(Tensor z) {
        return z.square().add(LOG_2PI).sum(1).scale(-0.5);
    }

    /**
     * The negative evidence lower bound of a latent-variable model with a diagonal-Gaussian
     * posterior and a standard-normal prior (Kingma &amp; Welling 2014; the latent ODE's objective,
     * Rubanova et al. 2019), averaged over the batch:
     * {@code -ELBO = (1/B) Σ_b [ -Σ log p(x_b | z_b) + β KL(q(z_b | x_b) ‖ N(0, I)) ]}.
     *
     * @param logLikelihood per-sequence reconstruction log-likelihood {@code Σ log p(x | z)},
     *                      {@code batch × 1}
     * @param mu            posterior means, {@code batch × latent}
     * @param logVar        posterior log-variances, {@code batch × latent}
     * @param beta          the KL weight (1 for the true ELBO; smaller values anneal)
     * @return 1×1, the negative ELBO per sequence
     */
    public static Tensor negativeElbo(Tensor logLikelihood, Tensor mu, Tensor logVar, double beta) {
        if (logLikelihood.cols() != 1 || logLikelihood.rows() != mu.rows()) {
            throw new IllegalArgumentException("negativeElbo: log-likelihood must be " + mu.rows()
                    + "x1, got " + logLikelihood.shapeString());
        }
        return klStandardNormal(mu, logVar).scale(beta).sub(logLikelihood).mean();
    }

    /**
     * The reparameterised sample {@code z = μ + e^{logVar/2} ⊙ ε} (Kingma &amp; Welling 2014).
     *
     * @param mu     μ
     * @param logVar log σ², the same shape
     * @param eps    standard-normal noise ε of the same shape, as a constant
     * @return z, differentiable in μ and logVar
     */
    public static Tensor reparameterize(Tensor mu, Tensor logVar, Tensor eps) {
        return mu.add(logVar.scale(0.5).exp().mul(eps));
    }

    /**
     * Standard-normal noise as a constant on a tape.
     *
     * @param tape the tape
     * @param rows rows
     * @param cols columns
     * @param rng  the random source. Modified.
     * @return the constant
     */
    public static Tensor gaussianNoise(Tape tape, int rows, int cols, java.util.Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return tape.constant(m);
    }
}
