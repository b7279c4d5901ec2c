package dev.neuralode.models.distributions;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * A distribution over {@code R^d} with a differentiable log-density: the base distribution of a
 * continuous normalizing flow ({@code log p(x) = log p_base(z(t1)) + ∫ tr ∂f/∂z dt}), the prior and
 * the observation model of a latent ODE.
 *
 * <p>Rows are samples: {@link #logProb} maps a {@code batch × d} tensor to a {@code batch × 1} one
 * on the same tape (the distribution's parameters enter as constants or, when learnable, as that
 * tape's parameter leaves), so its gradient flows to the inputs and to the parameters.
 *
 * <p>Immutable (the learnable parameters are {@link dev.neuralode.autodiff.Parameter}s that an
 * optimizer updates); thread-safe as long as each thread uses its own tape and {@link Random}.
 */
public interface Distribution {

    /**
     * The dimension {@code d} of a sample.
     *
     * @return {@code d >= 1}
     */
    int dimension();

    /**
     * The log-density of each row.
     *
     * @param x {@code batch × d}
     * @return {@code batch × 1}, {@code log p(x_b)}, on {@code x}'s tape
     * @throws IllegalArgumentException if {@code x} does not have {@code d} columns
     */
    Tensor logProb(Tensor x);

    /**
     * Draws {@code n} independent samples (values, off any tape).
     *
     * @param n   the number of samples, at least 1
     * @param rng the source of randomness
     * @return {@code n × d}
     * @throws IllegalArgumentException if {@code n < 1} or {@code rng} is null
     */
    DMatrixRMaj sample(int n, Random rng);

    /**
     * Draws {@code n} reparameterized samples on a tape, {@code x = g(ε; parameters)} with
     * {@code ε ~ N(0, I)}, differentiable with respect to the learnable parameters (Kingma and
     * Welling, <i>Auto-Encoding Variational Bayes</i>, ICLR 2014).
     *
     * @param tape the tape
     * @param n    the number of samples, at least 1
     * @param rng  the source of ε
     * @return {@code n × d} on {@code tape}
     * @throws IllegalArgumentException if {@code n < 1} or an argument is null
     */
    Tensor rsample(Tape tape, int n, Random rng);

    /** Validates {@code x}'s width against {@code d}. */
    static void checkWidth(String who, Tensor x, int d) {
        if (x == null) {
            throw new IllegalArgumentException(who + ".logProb: x must not be null");
        }
        if (x.cols() != d) {
            throw new IllegalArgumentException(who + ".logProb: x has shape " + x.shapeString() + "; expected batch x "
                    + d + " (one sample per row)");
        }
    }

    /** Validates a sample count and a random source. */
    static void checkSampling(String who, int n, Random rng) {
        if (n < 1) {
            throw new IllegalArgumentException(who + ": the number of samples must be at least 1, got " + n);
        }
        if (rng == null) {
            throw new IllegalArgumentException(who + ": the random source must not be null");
        }
    }

    /** {@code n × d} standard normal draws, row by row. */
    static DMatrixRMaj standardNormal(int n, int d, Random rng) {
        DMatrixRMaj e = new DMatrixRMaj(n, d);
        for (int i = 0; i < e.data.length; i++) {
            e.data[i] = rng.nextGaussian();
        }
        return e;
    }
}
