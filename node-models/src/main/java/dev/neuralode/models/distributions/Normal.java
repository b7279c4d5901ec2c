package dev.neuralode.models.distributions;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The normal distribution with independent components, {@code N(μ, diag(σ²))}:
 * <pre>
 *   log p(x) = −½ Σ_j [ ((x_j − μ_j) / σ_j)² + 2 log σ_j + log 2π ]
 * </pre>
 * with constant {@code μ, σ} ({@link #of}, {@link #standard}, {@link #isotropic}) or learnable ones
 * ({@link #learnable}: a mean and a log standard deviation, both {@code 1 × d} parameters, so that
 * {@code σ = e^{logσ}} stays positive). PyTorch's {@code Normal(loc, scale)} summed over the last
 * axis ({@code Independent(Normal, 1)}).
 */
public final class Normal implements Distribution {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final int d;
    private final double[] mean;
    private final double[] logStd;
    private final Parameter meanParameter;
    private final Parameter logStdParameter;

    private Normal(int d, double[] mean, double[] logStd, Parameter meanParameter, Parameter logStdParameter) {
        this.d = d;
        this.mean = mean;
        this.logStd = logStd;
        this.meanParameter = meanParameter;
        this.logStdParameter = logStdParameter;
    }

    /**
     * The standard normal {@code N(0, I_d)}.
     *
     * @param d the dimension, at least 1
     * @return the distribution
     * @throws IllegalArgumentException if {@code d < 1}
     */
    public static Normal standard(int d) {
        return isotropic(new double[checkDimension(d)], 1.0);
    }

    /**
     * {@code N(μ, s² I)}: the same standard deviation for every component (torchdiffeq's CNF example
     * uses {@code N(0, 0.1 I)} as its base, {@code s = √0.1}).
     *
     * @param mean μ, length {@code d >= 1}. Copied.
     * @param std  {@code s > 0}, finite
     * @return the distribution
     * @throws IllegalArgumentException if the mean is empty or not finite, or {@code s} is not positive and finite
     */
    public static Normal isotropic(double[] mean, double std) {
        if (mean == null) {
            throw new IllegalArgumentException("Normal: the mean must not be null");
        }
        double[] s = new double[mean.length];
        Arrays.fill(s, std);
        return of(mean, s);
    }

    /**
     * {@code N(μ, diag(σ²))} with constant parameters.
     *
     * @param mean μ, length {@code d >= 1}, finite. Copied.
     * @param std  σ, length {@code d}, each positive and finite. Copied.
     * @return the distribution
     * @throws IllegalArgumentException naming the bad entry or the lengths
     */
    public static Normal of(double[] mean, double[] std) {
        if (mean == null || std == null) {
            throw new IllegalArgumentException("Normal.of: mean and std must not be null");
        }
        int d = checkDimension(mean.length);
        if (std.length != d) {
            throw new IllegalArgumentException("Normal.of: mean has length " + d + " but std has length " + std.length);
        }
        double[] logStd = new double[d];
        for (int j = 0; j < d; j++) {
            if (!Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("Normal.of: mean[" + j + "] = " + mean[j] + " is not finite");
            }
            if (!(std[j] > 0) || !Double.isFinite(std[j])) {
                throw new IllegalArgumentException("Normal.of: std[" + j + "] = " + std[j]
                        + " must be positive and finite");
            }
            logStd[j] = Math.log(std[j]);
        }
        return new Normal(d, mean.clone(), logStd, null, null);
    }

    /**
     * {@code N(μ, diag(e^{2 logσ}))} with learnable parameters: {@link #logProb} and {@link #rsample}
     * use them as parameter leaves of the tape, so their gradients accumulate into the parameters.
     *
     * @param mean   μ, {@code 1 × d}
     * @param logStd {@code log σ}, {@code 1 × d}
     * @return the distribution
     * @throws IllegalArgumentException if a parameter is null or not {@code 1 × d} with the same d
     */
    public static Normal learnable(Parameter mean, Parameter logStd) {
        if (mean == null || logStd == null) {
            throw new IllegalArgumentException("Normal.learnable: mean and logStd must not be null");
        }
        DMatrixRMaj m = mean.value();
        DMatrixRMaj s = logStd.value();
        if (m.numRows != 1 || s.numRows != 1 || m.numCols != s.numCols) {
            throw new IllegalArgumentException("Normal.learnable: mean and logStd must both be 1 x d, got " + m.numRows
                    + "x" + m.numCols + " and " + s.numRows + "x" + s.numCols);
        }
        return new Normal(checkDimension(m.numCols), null, null, mean, logStd);
    }

    private static int checkDimension(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("Normal: the dimension must be at least 1, got " + d);
        }
        return d;
    }

    @Override
    public int dimension() {
        return d;
    }

    private Tensor meanOn(Tape tape) {
        return meanParameter != null ? tape.param(meanParameter) : tape.constant(1, d, mean);
    }

    private Tensor logStdOn(Tape tape) {
        return logStdParameter != null ? tape.param(logStdParameter) : tape.constant(1, d, logStd);
    }

    @Override
    public Tensor logProb(Tensor x) {
        Distribution.checkWidth("Normal", x, d);
        Tape tape = x.tape();
        Tensor ls = logStdOn(tape);
        Tensor z = x.sub(meanOn(tape)).mul(ls.neg().exp());
        return z.square().add(ls.scale(2)).add(LOG_2PI).sum(1).scale(-0.5);
    }

    @Override
    public DMatrixRMaj sample(int n, Random rng) {
        Distribution.checkSampling("Normal.sample", n, rng);
        DMatrixRMaj x = Distribution.standardNormal(n, d, rng);
        double[] mu = meanParameter != null ? meanParameter.value().data : mean;
        double[] ls = logStdParameter != null ? logStdParameter.value().data : logStd;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.data[i * d + j] = mu[j] + Math.exp(ls[j]) * x.data[i * d + j];
            }
        }
        return x;
    }

    @Override
    public Tensor rsample(Tape tape, int n, Random rng) {
        if (tape == null) {
            throw new IllegalArgumentException("Normal.rsample: the tape must not be null");
        }
        Distribution.checkSampling("Normal.rsample", n, rng);
        Tensor eps = tape.constant(Distribution.standardNormal(n, d, rng));
        return eps.mul(logStdOn(tape).exp()).add(meanOn(tape));
    }

    @Override
    public String toString() {
        return meanParameter != null ? "Normal(learnable '" + meanParameter.name() + "', '" + logStdParameter.name() + "', d="
                + d + ")" : "Normal(mean=" + Arrays.toString(mean) + ", logStd=" + Arrays.toString(logStd) + ")";
    }
}
