package dev.neuralode.solvers.explicit;

import java.util.Arrays;

/**
 * The dense output of an explicit Runge–Kutta method, as data: the interpolant inside an accepted
 * step is linear in the stage derivatives,
 * <pre>
 *   y(t + θh) = y + h Σ_j w_j(θ) K_j,        w_j(θ) = Σ_{q=1..d} r_jq θ^q,
 * </pre>
 * over the <em>extended</em> stage list: the tableau's {@code s} stages, then (non-FSAL methods
 * only) {@code K_s = f(t + h, y1)}, then the extension's own extra stages
 * {@code K = f(t + c_r h, y + h Σ_j a_rj K_j)} over the stages before them (Hairer, Nørsett,
 * Wanner, <i>Solving ODEs I</i>, §II.6). Continuity needs {@code w_j(1) = b_j} (and 0 for the
 * stages beyond {@code s}); the contract tests check that and the stated order.
 *
 * <p>Every interpolant of the built-in methods is one of these (cubic Hermite, dopri5's order-4
 * extension, tsit5's, DOP853's order-7 one with three extra stages), and a user tableau carries its
 * own with {@link ButcherTableau#withContinuousExtension}. Gradient methods differentiate the
 * interpolant through {@link #weights(double, double[], double[])}.
 *
 * <pre>{@code
 * // SSPRK3 with its free second-order interpolant (Ketcheson et al. 2017):
 * ContinuousExtension ext = ContinuousExtension.of(2, new double[][] {
 *         {1, -5.0 / 6}, {0, 1.0 / 6}, {0, 2.0 / 3}, {0, 0}});   // rows: K_0, K_1, K_2, f(t+h, y1)
 * }</pre>
 * Immutable and thread-safe; accessors return copies.
 */
public final class ContinuousExtension {

    private final int order;
    private final int degree;
    private final double[][] weights;
    private final double[][] extraA;
    private final double[] extraC;
    // sparse forms for the stepper: per power q, the stages with a nonzero r_jq; per extra row, its nonzeros
    final int[][] powerIdx;
    final double[][] powerVal;
    final int[][] extraIdx;
    final double[][] extraVal;

    private ContinuousExtension(int order, double[][] weights, double[][] extraA, double[] extraC) {
        if (order < 1) {
            throw new IllegalArgumentException("continuous extension: order must be at least 1, got " + order);
        }
        if (weights == null || weights.length == 0) {
            throw new IllegalArgumentException("continuous extension: weights need one row per extended stage");
        }
        int d = weights[0] == null ? 0 : weights[0].length;
        if (d < 1) {
            throw new IllegalArgumentException("continuous extension: weight rows need at least one coefficient"
                    + " (of θ, θ², ...)");
        }
        this.weights = new double[weights.length][];
        for (int j = 0; j < weights.length; j++) {
            if (weights[j] == null || weights[j].length != d) {
                throw new IllegalArgumentException("continuous extension: weight row " + j + " has "
                        + (weights[j] == null ? "no" : String.valueOf(weights[j].length)) + " coefficients, row 0 has "
                        + d + "; every row needs the coefficients of θ..θ^" + d);
            }
            for (double v : weights[j]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("continuous extension: weight row " + j + " is not finite");
                }
            }
            this.weights[j] = weights[j].clone();
        }
        int extra = extraA == null ? 0 : extraA.length;
        if ((extraC == null ? 0 : extraC.length) != extra) {
            throw new IllegalArgumentException("continuous extension: " + extra + " extra stage rows but "
                    + (extraC == null ? 0 : extraC.length) + " nodes");
        }
        this.extraA = new double[extra][];
        this.extraC = extra == 0 ? new double[0] : extraC.clone();
        for (int r = 0; r < extra; r++) {
            if (extraA[r] == null) {
                throw new IllegalArgumentException("continuous extension: extra stage row " + r + " is null");
            }
            this.extraA[r] = extraA[r].clone();
        }
        this.order = order;
        this.degree = d;
        this.powerIdx = new int[d][];
        this.powerVal = new double[d][];
        double[][] columns = new double[d][this.weights.length];
        for (int q = 0; q < d; q++) {
            for (int j = 0; j < this.weights.length; j++) {
                columns[q][j] = this.weights[j][q];
            }
            powerIdx[q] = nonzeros(columns[q]);
            powerVal[q] = values(columns[q], powerIdx[q]);
        }
        this.extraIdx = new int[extra][];
        this.extraVal = new double[extra][];
        for (int r = 0; r < extra; r++) {
            extraIdx[r] = nonzeros(this.extraA[r]);
            extraVal[r] = values(this.extraA[r], extraIdx[r]);
        }
    }

    private static int[] nonzeros(double[] row) {
        return java.util.stream.IntStream.range(0, row.length).filter(i -> row[i] != 0.0).toArray();
    }

    private static double[] values(double[] row, int[] idx) {
        double[] v = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            v[i] = row[idx[i]];
        }
        return v;
    }

    /**
     * An extension without extra stages.
     *
     * @param order   the interpolant's order (its error inside a step scales like {@code h^(order+1)})
     * @param weights one row per extended stage (the tableau's stages, then {@code f(t + h, y1)} for
     *                a non-FSAL method), each holding {@code r_j1..r_jd}, the coefficients of
     *                {@code θ..θ^d}. Not modified (copied).
     * @return the extension
     * @throws IllegalArgumentException if the rows are ragged, empty or not finite
     */
    public static ContinuousExtension of(int order, double[][] weights) {
        return new ContinuousExtension(order, weights, null, null);
    }

    /**
     * An extension with extra stages evaluated after the step is accepted (only when an output or a
     * dense solution needs the interpolant).
     *
     * @param order   the interpolant's order
     * @param weights one row per extended stage, the extra stages included. Not modified (copied).
     * @param extraA  row {@code r} holds the coefficients of extra stage {@code r} over the stages
     *                before it (at most {@code s + (fsal ? 0 : 1) + r} entries). Not modified (copied).
     * @param extraC  the nodes of the extra stages. Not modified (copied).
     * @return the extension
     * @throws IllegalArgumentException if a shape is inconsistent or a value not finite
     */
    public static ContinuousExtension of(int order, double[][] weights, double[][] extraA, double[] extraC) {
        return new ContinuousExtension(order, weights, extraA, extraC);
    }

    /**
     * Cubic Hermite interpolation from {@code y, f(t, y) = K_0, y1, f(t + h, y1)}: order 3 (or the
     * method's order if lower), {@code w = (3θ² - 2θ³) b + θ(1-θ)² e_0 - θ²(1-θ) e_f1}.
     */
    static ContinuousExtension hermite(double[] b, boolean fsal, int methodOrder) {
        int s = b.length;
        int total = fsal ? s : s + 1;
        int f1 = fsal ? s - 1 : s;
        double[][] w = new double[total][3];
        for (int j = 0; j < s; j++) {
            w[j][1] = 3 * b[j];
            w[j][2] = -2 * b[j];
        }
        // θ(1-θ)² = θ - 2θ² + θ³ on K_0;  -θ²(1-θ) = -θ² + θ³ on f1
        w[0][0] += 1;
        w[0][1] += -2;
        w[0][2] += 1;
        w[f1][1] += -1;
        w[f1][2] += 1;
        return new ContinuousExtension(Math.min(3, methodOrder), w, null, null);
    }

    /**
     * The interpolant's order.
     *
     * @return the order
     */
    public int order() {
        return order;
    }

    /**
     * The polynomial degree {@code d} in θ.
     *
     * @return {@code d}
     */
    public int degree() {
        return degree;
    }

    /**
     * The number of extended stages the weights cover.
     *
     * @return the number of weight rows
     */
    public int stageCount() {
        return weights.length;
    }

    /**
     * The number of extra stages beyond the tableau's and {@code f(t + h, y1)}.
     *
     * @return the count
     */
    public int extraStages() {
        return extraA.length;
    }

    /**
     * The weight coefficients.
     *
     * @return a copy: row {@code j}, column {@code q - 1} holds {@code r_jq}
     */
    public double[][] weights() {
        return deepCopy(weights);
    }

    /**
     * The extra stages' coefficient rows.
     *
     * @return a copy
     */
    public double[][] extraA() {
        return deepCopy(extraA);
    }

    /**
     * The extra stages' nodes.
     *
     * @return a copy
     */
    public double[] extraC() {
        return extraC.clone();
    }

    /**
     * Evaluates the weights and their derivatives at θ: {@code w[j] = w_j(θ)},
     * {@code dw[j] = w_j'(θ)}, for every extended stage (so that
     * {@code dy/dt = Σ_j w_j'(θ) K_j}).
     *
     * @param theta the position in the step, {@code (t_out - t) / h}
     * @param w     receives the weights, length at least {@link #stageCount()}. Modified.
     * @param dw    receives their θ-derivatives (or {@code null}). Modified.
     */
    public void weights(double theta, double[] w, double[] dw) {
        for (int j = 0; j < weights.length; j++) {
            double[] r = weights[j];
            double acc = r[degree - 1];
            double dacc = degree * r[degree - 1];
            for (int q = degree - 2; q >= 0; q--) {
                acc = r[q] + theta * acc;
                if (dw != null) {
                    dacc = (q + 1) * r[q] + theta * dacc;
                }
            }
            w[j] = theta * acc;
            if (dw != null) {
                dw[j] = dacc;
            }
        }
    }

    // package-private views for the stepper
    double[][] weightsView() {
        return weights;
    }

    double[][] extraAView() {
        return extraA;
    }

    double[] extraCView() {
        return extraC;
    }

    private static double[][] deepCopy(double[][] x) {
        double[][] r = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i].clone();
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContinuousExtension e && order == e.order && Arrays.deepEquals(weights, e.weights)
                && Arrays.deepEquals(extraA, e.extraA) && Arrays.equals(extraC, e.extraC);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(weights) * 31 + order;
    }

    @Override
    public String toString() {
        return "ContinuousExtension[order " + order + ", degree " + degree + ", " + weights.length + " stages"
                + (extraA.length > 0 ? ", " + extraA.length + " extra" : "") + "]";
    }
}
