package dev.neuralode.models.distributions;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * The multivariate normal {@code N(μ, Σ)} with a fixed covariance and a constant or learnable mean.
 * With the Cholesky factor {@code Σ = L Lᵀ}:
 * <pre>
 *   log p(x) = −½ [ d log 2π + log det Σ + ‖L⁻¹ (x − μ)‖² ],   log det Σ = 2 Σ_i log L_ii,
 *   x = μ + L ε,  ε ~ N(0, I)   (sampling)
 * </pre>
 * {@code L⁻¹} is computed once (EJML's Cholesky and a triangular inverse), so a log-density is one
 * product with a constant matrix on the tape, differentiable in {@code x} and in a learnable mean.
 */
public final class MultivariateNormal implements Distribution {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final int d;
    private final double[] mean;
    private final Parameter meanParameter;
    /** {@code (L⁻¹)ᵀ}, so that a row r gives r·(L⁻¹)ᵀ = (L⁻¹ rᵀ)ᵀ. */
    private final DMatrixRMaj inverseFactorTransposed;
    /** {@code Lᵀ}, so that a row ε gives ε·Lᵀ = (L εᵀ)ᵀ. */
    private final DMatrixRMaj factorTransposed;
    private final double logDet;

    private MultivariateNormal(double[] mean, Parameter meanParameter, DMatrixRMaj covariance) {
        this.meanParameter = meanParameter;
        this.mean = mean;
        this.d = covariance.numRows;
        DMatrixRMaj a = covariance.copy();
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(d, true);
        if (!chol.decompose(a)) {
            throw new IllegalArgumentException("MultivariateNormal: the covariance is not positive definite (its"
                    + " Cholesky factorization failed)");
        }
        DMatrixRMaj l = chol.getT(null);
        double ld = 0;
        for (int i = 0; i < d; i++) {
            double p = l.get(i, i);
            if (!(p > 0) || !Double.isFinite(p)) {
                throw new IllegalArgumentException("MultivariateNormal: the covariance is not positive definite"
                        + " (pivot " + i + " of its Cholesky factor is " + p + ")");
            }
            ld += 2 * Math.log(p);
        }
        this.logDet = ld;
        DMatrixRMaj lInv = l.copy();
        if (!CommonOps_DDRM.invert(lInv)) {
            throw new IllegalArgumentException("MultivariateNormal: the covariance's Cholesky factor is singular");
        }
        this.inverseFactorTransposed = new DMatrixRMaj(d, d);
        CommonOps_DDRM.transpose(lInv, inverseFactorTransposed);
        this.factorTransposed = new DMatrixRMaj(d, d);
        CommonOps_DDRM.transpose(l, factorTransposed);
    }

    /**
     * {@code N(μ, Σ)} with a constant mean.
     *
     * @param mean       μ, length {@code d >= 1}, finite. Copied.
     * @param covariance Σ, {@code d × d}, symmetric positive definite. Copied.
     * @return the distribution
     * @throws IllegalArgumentException naming the shapes, the asymmetric entry or the failed pivot
     */
    public static MultivariateNormal of(double[] mean, DMatrixRMaj covariance) {
        if (mean == null) {
            throw new IllegalArgumentException("MultivariateNormal.of: the mean must not be null");
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("MultivariateNormal.of: mean[" + j + "] = " + mean[j]
                        + " is not finite");
            }
        }
        checkCovariance(mean.length, covariance);
        return new MultivariateNormal(mean.clone(), null, covariance);
    }

    /**
     * {@code N(μ, Σ)} with a learnable mean (a {@code 1 × d} parameter) and a fixed covariance.
     *
     * @param mean       μ, {@code 1 × d}
     * @param covariance Σ, {@code d × d}, symmetric positive definite. Copied.
     * @return the distribution
     * @throws IllegalArgumentException naming the shapes, the asymmetric entry or the failed pivot
     */
    public static MultivariateNormal learnable(Parameter mean, DMatrixRMaj covariance) {
        if (mean == null) {
            throw new IllegalArgumentException("MultivariateNormal.learnable: the mean must not be null");
        }
        if (mean.value().numRows != 1) {
            throw new IllegalArgumentException("MultivariateNormal.learnable: the mean must be 1 x d, got "
                    + mean.value().numRows + "x" + mean.value().numCols);
        }
        checkCovariance(mean.value().numCols, covariance);
        return new MultivariateNormal(null, mean, covariance);
    }

    private static void checkCovariance(int d, DMatrixRMaj c) {
        if (d < 1) {
            throw new IllegalArgumentException("MultivariateNormal: the dimension must be at least 1, got " + d);
        }
        if (c == null || c.numRows != d || c.numCols != d) {
            throw new IllegalArgumentException("MultivariateNormal: the covariance must be " + d + " x " + d
                    + " for a mean of length " + d + ", got " + (c == null ? "null" : c.numRows + "x" + c.numCols));
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                double a = c.get(i, j);
                double b = c.get(j, i);
                if (!(Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)))) {
                    throw new IllegalArgumentException("MultivariateNormal: the covariance is not symmetric: entry ("
                            + i + ", " + j + ") = " + a + " but (" + j + ", " + i + ") = " + b);
                }
            }
        }
    }

    @Override
    public int dimension() {
        return d;
    }

    /**
     * {@code log det Σ}.
     *
     * @return the log-determinant
     */
    public double logDeterminant() {
        return logDet;
    }

    private Tensor meanOn(Tape tape) {
        return meanParameter != null ? tape.param(meanParameter) : tape.constant(1, d, mean);
    }

    @Override
    public Tensor logProb(Tensor x) {
        Distribution.checkWidth("MultivariateNormal", x, d);
        Tape tape = x.tape();
        Tensor z = x.sub(meanOn(tape)).matmul(tape.constant(inverseFactorTransposed));
        return z.square().sum(1).add(d * LOG_2PI + logDet).scale(-0.5);
    }

    @Override
    public DMatrixRMaj sample(int n, Random rng) {
        Distribution.checkSampling("MultivariateNormal.sample", n, rng);
        DMatrixRMaj eps = Distribution.standardNormal(n, d, rng);
        DMatrixRMaj x = new DMatrixRMaj(n, d);
        CommonOps_DDRM.mult(eps, factorTransposed, x);
        double[] mu = meanParameter != null ? meanParameter.value().data : mean;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.data[i * d + j] += mu[j];
            }
        }
        return x;
    }

    @Override
    public Tensor rsample(Tape tape, int n, Random rng) {
        if (tape == null) {
            throw new IllegalArgumentException("MultivariateNormal.rsample: the tape must not be null");
        }
        Distribution.checkSampling("MultivariateNormal.rsample", n, rng);
        Tensor eps = tape.constant(Distribution.standardNormal(n, d, rng));
        return eps.matmul(tape.constant(factorTransposed)).add(meanOn(tape));
    }
}
