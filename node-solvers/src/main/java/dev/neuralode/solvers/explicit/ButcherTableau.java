package dev.neuralode.solvers.explicit;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;

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
 * §II.1.) These are exactly the coefficients the stepper uses, so a replay of the same steps with
 * {@link #a()}, {@link #b()} and {@link #c()} reproduces the solver's arithmetic.
 *
 * <p>A method is <em>FSAL</em> (first same as last) when its last stage is evaluated at
 * {@code (t + h, y1)}: {@code c_s = 1}, {@code a_sj = b_j}, {@code b_s = 0}; the stepper then reuses
 * {@code k_s} as the first stage of the next step. For non-FSAL methods the stepper evaluates
 * {@code f(t + h, y1)} after an accepted step and uses it as the next first stage, so the count
 * per step is the same.
 *
 * <p>DOP853 carries a second error-weight vector ({@link #secondaryErrorWeights()}); the stepper
 * then combines the two estimates as Hairer's DOP853 does:
 * {@code ratio = ‖err5‖² / sqrt(‖err5‖² + 0.01 ‖err3‖²)} (Hairer, Nørsett, Wanner, §II.10).
 *
 * <p>Dense output is data of the method too: a {@link ContinuousExtension} (cubic Hermite unless
 * the tableau carries its own, see {@link #withContinuousExtension}). A tableau is a {@link Method}:
 * {@link #newStepper} gives the explicit Runge–Kutta stepper that the one driver runs.
 *
 * <p>Immutable and thread-safe; every array accessor returns a copy.
 */
public final class ButcherTableau implements Method {

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
    private final ContinuousExtension extension;
    /** A fused kernel performing exactly the generic stepper's arithmetic, or null. */
    final Kernel kernel;

    // Sparse forms used by the stepper (never exposed, never modified).
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
        this(name, order, errorOrder, errorOrder, a, b, c, errorWeights, null, fsal, null, null);
    }

    /**
     * Creates a tableau with two error estimators combined as Hairer's DOP853 does and a controller
     * order of its own (for methods like DOP853; most tableaus need the shorter constructor).
     *
     * @param name                  the method name
     * @param order                 the order of {@code b}
     * @param errorOrder            the order of the primary embedded solution
     * @param controlOrder          the order the controller uses (the estimate scales like
     *                              {@code h^(controlOrder+1)})
     * @param a                     the coefficient matrix. Not modified (copied).
     * @param b                     the solution weights. Not modified (copied).
     * @param c                     the nodes. Not modified (copied).
     * @param errorWeights          the primary error weights. Not modified (copied).
     * @param secondaryErrorWeights the secondary error weights, or {@code null}. Not modified (copied).
     * @param fsal                  whether the last stage is {@code f(t + h, y1)}
     * @throws IllegalArgumentException if a shape, the order, or the FSAL property is wrong
     */
    public ButcherTableau(String name, int order, int errorOrder, int controlOrder, double[][] a,
                          double[] b, double[] c, double[] errorWeights, double[] secondaryErrorWeights,
                          boolean fsal) {
        this(name, order, errorOrder, controlOrder, a, b, c, errorWeights, secondaryErrorWeights, fsal, null,
                null);
    }

    ButcherTableau(String name, int order, int errorOrder, int controlOrder, double[][] a,
                   double[] b, double[] c, double[] errorWeights, double[] secondaryErrorWeights,
                   boolean fsal, ContinuousExtension extension, Kernel kernel) {
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
        if (secondaryErrorWeights != null && (errorWeights == null || secondaryErrorWeights.length != s)) {
            throw new IllegalArgumentException(name + ": secondary error weights need length " + s
                    + " and primary error weights");
        }
        if (controlOrder < 0 || (errorWeights != null && controlOrder < 1)) {
            throw new IllegalArgumentException(name + ": controlOrder must be >= 1 for an adaptive tableau, got "
                    + controlOrder);
        }
        ContinuousExtension ext = extension == null ? ContinuousExtension.hermite(this.b, fsal, order) : extension;
        checkExtension(this.name, s, fsal, ext);
        this.extension = ext;
        this.kernel = kernel;

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

    private static void checkExtension(String name, int s, boolean fsal, ContinuousExtension ext) {
        int base = fsal ? s : s + 1;
        int total = base + ext.extraStages();
        if (ext.stageCount() != total) {
            throw new IllegalArgumentException(name + ": the continuous extension has " + ext.stageCount()
                    + " weight rows; this tableau's extended stage list has " + total + " (" + s + " stages"
                    + (fsal ? "" : " + f(t+h, y1)") + (ext.extraStages() > 0 ? " + " + ext.extraStages() + " extra" : "")
                    + ")");
        }
        double[][] ea = ext.extraAView();
        for (int r = 0; r < ea.length; r++) {
            if (ea[r].length > base + r) {
                throw new IllegalArgumentException(name + ": extra stage " + r + " of the continuous extension has "
                        + ea[r].length + " coefficients; it may use only the " + (base + r) + " stages before it");
            }
        }
    }

    /**
     * The same method with its own dense output instead of the current one (cubic Hermite by
     * default).
     *
     * @param extension the interpolant: one weight row per extended stage ({@link #stages()}, then
     *                  {@code f(t + h, y1)} unless FSAL, then its extra stages)
     * @return a new tableau, equal in every coefficient, with this dense output (and no fused kernel)
     * @throws IllegalArgumentException if the extension's shape does not fit this tableau
     */
    public ButcherTableau withContinuousExtension(ContinuousExtension extension) {
        if (extension == null) {
            throw new IllegalArgumentException(name + ": the continuous extension must not be null");
        }
        return new ButcherTableau(name, order, errorOrder, controlOrder, a, b, c, e, e2, fsal, extension, null);
    }

    /** The same tableau with a fused kernel (package-private: for the built-in constants). */
    ButcherTableau withKernel(Kernel k) {
        return new ButcherTableau(name, order, errorOrder, controlOrder, a, b, c, e, e2, fsal, extension, k);
    }

    /**
     * The method's dense output.
     *
     * @return the continuous extension
     */
    public ContinuousExtension continuousExtension() {
        return extension;
    }

    /**
     * The number of stages in the extended list the interpolant uses: {@code s}, plus
     * {@code f(t + h, y1)} for non-FSAL methods, plus the extension's extra stages.
     *
     * @return the count
     */
    public int extendedStages() {
        return extension.stageCount();
    }

    /**
     * The time at which stage {@code i} of the extended list is evaluated in a step from {@code t}
     * with size {@code h} ending at {@code tEnd}: {@code t + c_i h}, except that a node of 1 gives
     * {@code tEnd} exactly (a step clipped to a breakpoint never evaluates past it) and no stage
     * time lies beyond {@code tEnd}; when the step ends on a jump time, a node of 1 gives the last
     * double before it (the left side of the discontinuity).
     *
     * @param i          the stage in the extended list
     * @param t          the step's start time
     * @param h          the signed step size
     * @param tEnd       the step's exact end time
     * @param beforeJump whether {@code tEnd} is a jump time
     * @return the stage time
     */
    public double stageTime(int i, double t, double h, double tEnd, boolean beforeJump) {
        double ci = extendedNode(i);
        if (ci == 1.0) {
            return beforeJump ? Math.nextAfter(tEnd, t) : tEnd;
        }
        double ti = t + ci * h;
        return (ti - tEnd) * h > 0 ? tEnd : ti;
    }

    /**
     * The node of stage {@code i} of the extended list ({@code c_i}, 1 for {@code f(t + h, y1)}, the
     * extension's nodes for its extra stages).
     *
     * @param i the stage
     * @return the node
     */
    public double extendedNode(int i) {
        if (i < stages) {
            return c[i];
        }
        int base = fsal ? stages : stages + 1;
        if (i < base) {
            return 1.0;
        }
        return extension.extraCView()[i - base];
    }

    @Override
    public int denseOrder() {
        return extension.order();
    }

    @Override
    public Stepper newStepper(OdeSystem f, int n) {
        if (f == null) {
            throw new IllegalArgumentException(name + ": the ODE system must not be null");
        }
        if (n < 1) {
            throw new IllegalArgumentException(name + ": the state needs at least one component, got " + n);
        }
        return new RungeKuttaStepper(this, f, n);
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
    @Override
    public String name() {
        return name;
    }

    /**
     * The order {@code p} of the solution (the propagated weights {@code b}).
     *
     * @return the order
     */
    @Override
    public int order() {
        return order;
    }

    /**
     * The order {@code q} of the embedded solution {@code b̂ = b - e} (for DOP853: 5, of its
     * primary estimator), or 0 for a fixed-step method.
     *
     * @return the embedded order, or 0
     */
    @Override
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
    @Override
    public int controlOrder() {
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
    @Override
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
                && Arrays.equals(e2, t.e2) && controlOrder == t.controlOrder && extension.equals(t.extension);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(b);
    }
}
