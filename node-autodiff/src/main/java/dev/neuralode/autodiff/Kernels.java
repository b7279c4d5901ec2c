package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;

/**
 * Low-level numeric kernels on raw arrays, shared by the ops. They write into caller buffers
 * and allocate nothing.
 */
public final class Kernels {

    private Kernels() {
    }

    /**
     * {@code a += b} elementwise, equal shapes.
     *
     * @param a the accumulator. Modified.
     * @param b the addend. Not modified.
     */
    public static void addInPlace(DMatrixRMaj a, DMatrixRMaj b) {
        double[] x = a.data;
        double[] y = b.data;
        for (int i = 0, n = a.getNumElements(); i < n; i++) {
            x[i] += y[i];
        }
    }

    /**
     * Hyperbolic tangent, {@code tanh(x) = (1 - e^{-2|x|}) / (1 + e^{-2|x|})} with the sign of
     * {@code x}, relative error below 2e-15, and faster than {@link Math#tanh} (one exponential, or a
     * short odd Taylor series near zero, where the formula above would cancel).
     *
     * @param x the argument
     * @return {@code tanh(x)}
     */
    public static double tanh(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 0.0625) {
            // odd Taylor series: x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835 - 1382x^11/155925
            double x2 = x * x;
            return x * (1.0 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 + x2 * (-17.0 / 315
                    + x2 * (62.0 / 2835 + x2 * (-1382.0 / 155925))))));
        } else if (ax > 19.1) {
            r = 1.0;
        } else {
            double e = Math.exp(-2.0 * ax);
            r = (1.0 - e) / (1.0 + e);
        }
        return x < 0 ? -r : r;
    }

    /**
     * Logistic sigmoid {@code 1 / (1 + e^{-x})}, without overflow for large |x|.
     *
     * @param x the argument
     * @return {@code σ(x)}
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /**
     * Softplus {@code ln(1 + e^x)}, stable for large |x|.
     *
     * @param x the argument
     * @return {@code softplus(x)}
     */
    public static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
