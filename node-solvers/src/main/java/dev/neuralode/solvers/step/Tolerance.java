package dev.neuralode.solvers.step;

import dev.neuralode.solvers.ErrorNorm;

/**
 * The error control of one solve: relative and per-component absolute tolerances and the norm,
 * turning an error estimate into the step's error ratio (Hairer, Nørsett, Wanner, <i>Solving ODEs
 * I</i>, §II.4):
 * <pre>
 *   ratio = norm( err_i / (atol_i + rtol · max(|y0_i|, |y1_i|)) )      accept when ratio &lt;= 1
 * </pre>
 * Immutable (the tolerance array is a private copy) and thread-safe.
 */
public final class Tolerance {

    private final double rtol;
    private final double[] atol;
    private final ErrorNorm norm;
    private final boolean rms;

    /**
     * Creates the error control.
     *
     * @param rtol the relative tolerance, finite and {@code > 0}
     * @param atol one absolute tolerance per component, each finite and {@code > 0}. Not modified
     *             (copied).
     * @param norm the norm of the scaled error
     * @throws IllegalArgumentException if a tolerance is not finite and positive or the norm is null
     */
    public Tolerance(double rtol, double[] atol, ErrorNorm norm) {
        if (!(rtol > 0) || !Double.isFinite(rtol)) {
            throw new IllegalArgumentException("rtol must be finite and > 0, got " + rtol);
        }
        if (atol == null || atol.length == 0) {
            throw new IllegalArgumentException("atol must have one entry per component");
        }
        for (int i = 0; i < atol.length; i++) {
            if (!(atol[i] > 0) || !Double.isFinite(atol[i])) {
                throw new IllegalArgumentException("atol[" + i + "] must be finite and > 0, got " + atol[i]);
            }
        }
        if (norm == null) {
            throw new IllegalArgumentException("the error norm must not be null");
        }
        this.rtol = rtol;
        this.atol = atol.clone();
        this.norm = norm;
        this.rms = norm == ErrorNorm.RMS;
    }

    /**
     * The relative tolerance.
     *
     * @return {@code rtol}
     */
    public double rtol() {
        return rtol;
    }

    /**
     * The absolute tolerance of one component.
     *
     * @param i the component
     * @return {@code atol_i}
     */
    public double atol(int i) {
        return atol[i];
    }

    /**
     * The absolute tolerances, without copying: for steppers' fused kernels.
     *
     * @return the array; must not be modified
     */
    public double[] atolView() {
        return atol;
    }

    /**
     * The norm.
     *
     * @return the norm of the scaled error
     */
    public ErrorNorm norm() {
        return norm;
    }

    /**
     * Whether the norm is the plain RMS norm (which fused kernels may compute themselves).
     *
     * @return {@code norm() == ErrorNorm.RMS}
     */
    public boolean isRms() {
        return rms;
    }

    /**
     * The weight {@code 1 / (atol_i + rtol · max(|y0_i|, |y1_i|))} of component {@code i}.
     *
     * @param i  the component
     * @param y0 the start value
     * @param y1 the end value
     * @return the weight
     */
    public double weight(int i, double y0, double y1) {
        return 1.0 / (atol[i] + rtol * Math.max(Math.abs(y0), Math.abs(y1)));
    }

    /**
     * The error ratio of an error estimate; {@code scratch} receives the scaled error.
     *
     * @param err     the error estimate, length {@code n}. Not modified.
     * @param y0      the step's start state. Not modified.
     * @param y1      the proposed state. Not modified.
     * @param scratch receives {@code err_i · weight_i}, length {@code n}. Modified.
     * @return the ratio
     */
    public double ratio(double[] err, double[] y0, double[] y1, double[] scratch) {
        int n = err.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double v = err[i] / (atol[i] + rtol * Math.max(Math.abs(y0[i]), Math.abs(y1[i])));
            scratch[i] = v;
            sum += v * v;
        }
        return rms ? Math.sqrt(sum / n) : norm.norm(scratch, n);
    }
}
