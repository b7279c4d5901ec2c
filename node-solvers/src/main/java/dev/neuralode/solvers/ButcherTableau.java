package dev.neuralode.solvers;

import java.util.Arrays;
import java.util.Locale;

/**
 * An explicit Runge–Kutta method as data: its Butcher tableau.
 *
 * <pre>
 *   c_1 |
 *   c_2 | a_21
 *   ... | ...
 *   c_s | a_s1  ...  a_s,s-1
 *   ----+-----------------------
 *       | b_1   ...  b_s-1   b_s        (solution weights, order p)
 *       | e_1   ...  e_s-1   e_s        (error weights e = b - b̂, embedded order q; adaptive only)
 * </pre>
 * One step from {@code (t, y)} with step {@code h} computes
 * <pre>
 *   k_i = f(t + c_i h, y + h Σ_{j&lt;i} a_ij k_j),   i = 1..s
 *   y1  = y + h Σ b_i k_i,        err = h Σ e_i k_i
 * </pre>
 * (Butcher, <i>Numerical Methods for ODEs</i>; Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>,
 * §II.1.) These are exactly the coefficients the engines use, so a replay of the same steps with
 * {@link #a()}, {@link #b()} and {@link #c()} reproduces the solver's arithmetic.
 *
 * <p>A method is <em>FSAL</em> (first same as last) when its last stage is evaluated at
 * {@code (t + h, y1)}: {@code c_s = 1}, {@code a_sj = b_j}, {@code b_s = 0}; the engine then reuses
 * {@code k_s} as the first stage of the next step. For non-FSAL methods the engine evaluates
 * {@code f(t + h, y1)} after an accepted step and uses it as the next first stage, so the count
 * per step is the same.
 *
 * <p>DOP853 carries a second error-weight vector ({@link #secondaryErrorWeights()}); the engine
 * then combines the two estimates as Hairer's DOP853 does:
 * {@code ratio = ‖err5‖² / sqrt(‖err5‖² + 0.01 ‖err3‖²)} (Hairer, Nørsett, Wanner, §II.10).
 *
 * <p>Immutable and thread-safe; every array accessor returns a copy.
 */
public final class ButcherTableau {

    /** How the engine interpolates inside an accepted step (package-private detail). */
    enum Interpolant {
        /** Cubic Hermite from y0, f0, y1, f1. */
        HERMITE,
        /** The order-4 continuous extension of Dormand–Prince 5(4) (Shampine 1986). */
        DOPRI5,
        /** Tsitouras' own order-4 interpolant. */
        TSIT5,
        /** The order-7 dense output of DOP853 (three extra stages). */
        DOP853
    }

    private final String name;
    private final int order;
    private final int errorOrder;
    private final int controlOrder;
    private final int stages;
    private final double[][] a;
    private final double[] b;
    private final double[] c;
    private final double[] e;
    private final double[] e2;
    private final boolean fsal;
    private final Interpolant interpolant;

    // Sparse forms used by the engines (never exposed, never modified).
    final int[][] aIdx;
    final double[][] aVal;
    final int[] bIdx;
    final double[] bVal;
    final int[] eIdx;
    final double[] eVal;
    final int[] e2Idx;
    final double[] e2Val;

    /**
     * Creates a tableau, validating its shape and the FSAL property.
     *
     * @param name         the method name (registry key, lower case)
     * @param order        the order {@code p} of the solution weights, at least 1
     * @param errorOrder   the order {@code q} of the embedded weights {@code b - e}, or 0 for a
     *                     fixed-step method
     * @param a            the coefficient matrix: {@code s} rows, row {@code i} holding at least
     *                     {@code i} entries; entries on or above the diagonal must be 0.
     *                     Not modified (copied).
     * @param b            the solution weights, length {@code s}. Not modified (copied).
     * @param c            the nodes, length {@code s}, {@code c_1 = 0}. Not modified (copied).
     * @param errorWeights the error weights {@code e = b - b̂}, length {@code s}, or {@code null}
     *                     for a fixed-step method. Not modified (copied).
     * @param fsal         whether the last stage is {@code f(t + h, y1)}
     * @throws IllegalArgumentException if a shape, the order, or the FSAL property is wrong
     */
    public ButcherTableau(String name, int order, int errorOrder, double[][] a, double[] b,
                          double[] c, double[] errorWeights, boolean fsal) {
        this(name, order, errorOrder, errorOrder, a, b, c, errorWeights, null, fsal,
                Interpolant.HERMITE);
    }

    ButcherTableau(String name, int order, int errorOrder, int controlOrder, double[][] a,
                   double[] b, double[] c, double[] errorWeights, double[] secondaryErrorWeights,
                   boolean fsal, Interpolant interpolant) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("tableau name must not be blank");
        }
        this.name = name.toLowerCase(Locale.ROOT);
        if (b == null || c == null || a == null) {
            throw new IllegalArgumentException(name + ": a, b and c must not be null");
        }
        int s = b.length;
        if (s < 1 || c.length != s || a.length != s) {
            throw new IllegalArgumentException(name + ": b, c and the rows of a must have the same"
                    + " length; got b " + s + ", c " + c.length + ", a " + a.length);
        }
        if (order < 1) {
            throw new IllegalArgumentException(name + ": order must be at least 1, got " + order);
        }
        if (errorWeights == null ? errorOrder != 0 : errorOrder < 1 || errorWeights.length != s) {
            throw new IllegalArgumentException(name + ": an adaptive tableau needs error weights of"
                    + " length " + s + " and errorOrder >= 1; a fixed-step one neither");
        }
        if (c[0] != 0.0) {
            throw new IllegalArgumentException(name + ": c_1 must be 0, got " + c[0]);
        }
        this.stages = s;
        this.a = new double[s][s];
        for (int i = 0; i < s; i++) {
            if (a[i] == null || a[i].length < i) {
                throw new IllegalArgumentException(name + ": row " + i + " of a needs at least " + i
                        + " entries");
            }
            for (int j = 0; j < a[i].length; j++) {
                if (j >= i && a[i][j] != 0.0) {
                    throw new IllegalArgumentException(name + ": a[" + i + "][" + j
                            + "] must be 0 for an explicit method");
                }
                if (j < s) {
                    this.a[i][j] = a[i][j];
                }
            }
        }
        this.order = order;
        this.errorOrder = errorOrder;
        this.controlOrder = controlOrder;
        this.b = b.clone();
        this.c = c.clone();
        this.e = errorWeights == null ? null : errorWeights.clone();
        this.e2 = secondaryErrorWeights == null ? null : secondaryErrorWeights.clone();
        if (fsal) {
            boolean ok = c[s - 1] == 1.0 && b[s - 1] == 0.0;
            for (int j = 0; j < s - 1 && ok; j++) {
                ok = this.a[s - 1][j] == b[j];
            }
            if (!ok) {
                throw new IllegalArgumentException(name + ": FSAL requires c_s = 1, a_sj = b_j and"
                        + " b_s = 0");
            }
        }
        this.fsal = fsal;
        this.interpolant = interpolant;

        this.aIdx = new int[s][];
        this.aVal = new double[s][];
        for (int i = 0; i < s; i++) {
            int[][] holder = new int[1][];
            double[][] vals = new double[1][];
            sparse(this.a[i], i, holder, vals);
            aIdx[i] = holder[0];
            aVal[i] = vals[0];
        }
        int[][] hi = new int[1][];
        double[][] hv = new double[1][];
        sparse(this.b, s, hi, hv);
        bIdx = hi[0];
        bVal = hv[0];
        if (e != null) {
            sparse(e, s, hi, hv);
            eIdx = hi[0];
            eVal = hv[0];
        } else {
            eIdx = new int[0];
            eVal = new double[0];
        }
        if (e2 != null) {
            sparse(e2, s, hi, hv);
            e2Idx = hi[0];
            e2Val = hv[0];
        } else {
            e2Idx = null;
            e2Val = null;
        }
    }

    private static void sparse(double[] row, int len, int[][] idx, double[][] val) {
        int nz = 0;
        for (int j = 0; j < len; j++) {
            if (row[j] != 0.0) {
                nz++;
            }
        }
        int[] ix = new int[nz];
        double[] v = new double[nz];
        int q = 0;
        for (int j = 0; j < len; j++) {
            if (row[j] != 0.0) {
                ix[q] = j;
                v[q++] = row[j];
            }
        }
        idx[0] = ix;
        val[0] = v;
    }

    /**
     * The method's registry name.
     *
     * @return the lower-case name, for example {@code "dopri5"}
     */
    public String name() {
        return name;
    }

    /**
     * The order {@code p} of the solution (the propagated weights {@code b}).
     *
     * @return the order
     */
    public int order() {
        return order;
    }

    /**
     * The order {@code q} of the embedded solution {@code b̂ = b - e} (for DOP853: 5, of its
     * primary estimator), or 0 for a fixed-step method.
     *
     * @return the embedded order, or 0
     */
    public int errorOrder() {
        return errorOrder;
    }

    /**
     * The exponent order the step controller uses: the local error estimate scales like
     * {@code h^(controlOrder + 1)}. Equal to {@link #errorOrder()} except for DOP853 (7, as in
     * Hairer's code, whose combined estimator behaves like {@code h^8}).
     *
     * @return the controller order
     */
    int controlOrder() {
        return controlOrder;
    }

    /**
     * The number of stages {@code s}.
     *
     * @return {@code s}
     */
    public int stages() {
        return stages;
    }

    /**
     * The coefficient matrix.
     *
     * @return a copy, {@code s × s}, strictly lower triangular
     */
    public double[][] a() {
        double[][] copy = new double[stages][];
        for (int i = 0; i < stages; i++) {
            copy[i] = a[i].clone();
        }
        return copy;
    }

    /**
     * One coefficient {@code a_ij} without copying.
     *
     * @param i the stage row, {@code 0 <= i < s}
     * @param j the column, {@code 0 <= j < s}
     * @return {@code a[i][j]} (0 for {@code j >= i})
     */
    public double a(int i, int j) {
        return a[i][j];
    }

    /**
     * The solution weights.
     *
     * @return a copy of {@code b}, length {@code s}
     */
    public double[] b() {
        return b.clone();
    }

    /**
     * The nodes.
     *
     * @return a copy of {@code c}, length {@code s}
     */
    public double[] c() {
        return c.clone();
    }

    /**
     * The error weights {@code e = b - b̂}.
     *
     * @return a copy, length {@code s}, or {@code null} for a fixed-step method
     */
    public double[] errorWeights() {
        return e == null ? null : e.clone();
    }

    /**
     * The second error-weight vector of methods with two estimators (DOP853: {@code b - b̂₃},
     * the order-3 estimator), or {@code null}.
     *
     * @return a copy, length {@code s}, or {@code null}
     */
    public double[] secondaryErrorWeights() {
        return e2 == null ? null : e2.clone();
    }

    /**
     * Whether the method carries an error estimate and can adapt its step.
     *
     * @return {@code true} if {@link #errorWeights()} is not {@code null}
     */
    public boolean isAdaptive() {
        return e != null;
    }

    /**
     * Whether the last stage is {@code f(t + h, y1)} and is reused as the next first stage.
     *
     * @return the FSAL flag
     */
    public boolean isFsal() {
        return fsal;
    }

    Interpolant interpolant() {
        return interpolant;
    }

    @Override
    public String toString() {
        return "ButcherTableau[" + name + ", order " + order
                + (e == null ? "" : "(" + errorOrder + ")") + ", " + stages + " stages"
                + (fsal ? ", FSAL" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ButcherTableau t && name.equals(t.name) && order == t.order
                && errorOrder == t.errorOrder && fsal == t.fsal && Arrays.deepEquals(a, t.a)
                && Arrays.equals(b, t.b) && Arrays.equals(c, t.c) && Arrays.equals(e, t.e)
                && Arrays.equals(e2, t.e2);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(b);
    }
}
