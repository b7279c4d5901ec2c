package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;

/**
 * A Rosenbrock method given by its coefficients in the transformed form of Hairer and Wanner,
 * <i>Solving ODEs II</i>, §IV.7 (eq. 7.25), the form of RODAS and OrdinaryDiffEq.jl's tables: with
 * {@code J = ∂f/∂y}, {@code T = ∂f/∂t} at {@code (t, y)},
 * <pre>
 *   (I/(hγ) − J) u_i = f(t + c_i h, y + Σ_{j&lt;i} a_ij u_j) + Σ_{j&lt;i} (C_ij / h) u_j + h d_i T,   i = 1..s
 *   y1 = y + Σ m_i u_i,        err = Σ e_i u_i
 * </pre>
 * (solved as {@code (I − hγJ) u_i = hγ · rhs_i}, one LU of {@code I − hγJ} per step). The classical
 * coefficients are {@code Γ = (diag(1/γ) − C)⁻¹}, {@code α = a Γ}, {@code b = m Γ}, {@code d_i =
 * Σ_j Γ_ij}, {@code c_i = Σ_j α_ij}. Dense output with {@code K_r = Σ_j H_rj u_j}:
 * <pre>
 *   y(t + θh) = (1 − θ) y + θ ( y1 + (1 − θ) (K_1 + θ (K_2 + θ (K_3 + ...))) )
 * </pre>
 * Immutable (the constructor copies its arrays); the built-in is {@link ImplicitMethods#RODAS5P}.
 */
public final class RosenbrockTableau implements Method {

    private final String name;
    private final int order;
    private final int errorOrder;
    private final int denseOrder;
    private final double gamma;
    private final double[][] a;
    private final double[][] cMatrix;
    private final double[] c;
    private final double[] d;
    private final double[] m;
    private final double[] e;
    private final double[][] dense;
    private final int s;

    /**
     * Creates a method from its transformed coefficients.
     *
     * @param name       the registry name, lower case
     * @param order      the order of {@code y1}
     * @param errorOrder the order of the embedded solution {@code y1 − err}
     * @param denseOrder the order of the dense output
     * @param gamma      the diagonal {@code γ}
     * @param a          {@code a_ij}, {@code s} rows, row {@code i} with at least {@code i} entries
     *                   (strictly lower triangular; entries from {@code i} on are ignored)
     * @param cMatrix    {@code C_ij}, same shape
     * @param c          the stage times {@code c_i}
     * @param d          the time-derivative weights {@code d_i}
     * @param m          the solution weights
     * @param e          the error weights
     * @param dense      the dense-output rows {@code H_r}, each of length {@code s}
     * @throws IllegalArgumentException if the shapes disagree or {@code γ <= 0}
     */
    public RosenbrockTableau(String name, int order, int errorOrder, int denseOrder, double gamma, double[][] a,
                             double[][] cMatrix, double[] c, double[] d, double[] m, double[] e, double[][] dense) {
        this.s = m.length;
        if (!(gamma > 0) || a.length != s || cMatrix.length != s || c.length != s || d.length != s || e.length != s) {
            throw new IllegalArgumentException("Rosenbrock tableau '" + name + "': need gamma > 0 (got " + gamma
                    + ") and s = " + s + " rows of a (" + a.length + "), C (" + cMatrix.length + "), entries of c ("
                    + c.length + "), d (" + d.length + "), e (" + e.length + ")");
        }
        this.name = name;
        this.order = order;
        this.errorOrder = errorOrder;
        this.denseOrder = denseOrder;
        this.gamma = gamma;
        this.a = lower(a, s, name, "a");
        this.cMatrix = lower(cMatrix, s, name, "C");
        this.c = c.clone();
        this.d = d.clone();
        this.m = m.clone();
        this.e = e.clone();
        this.dense = new double[dense.length][];
        for (int r = 0; r < dense.length; r++) {
            if (dense[r].length != s) {
                throw new IllegalArgumentException("Rosenbrock tableau '" + name + "': dense row " + r + " has "
                        + dense[r].length + " entries, expected " + s);
            }
            this.dense[r] = dense[r].clone();
        }
    }

    private static double[][] lower(double[][] x, int s, String name, String what) {
        double[][] out = new double[s][s];
        for (int i = 0; i < s; i++) {
            if (x[i].length < i) {
                throw new IllegalArgumentException("Rosenbrock tableau '" + name + "': row " + i + " of " + what
                        + " has " + x[i].length + " entries, needs " + i);
            }
            System.arraycopy(x[i], 0, out[i], 0, i);
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public int errorOrder() {
        return errorOrder;
    }

    /** {@inheritDoc} The estimate {@code err} is the local error of the embedded solution: {@code errorOrder}. */
    @Override
    public int controlOrder() {
        return errorOrder;
    }

    @Override
    public int denseOrder() {
        return denseOrder;
    }

    @Override
    public boolean isImplicit() {
        return true;
    }

    /**
     * The number of stages.
     *
     * @return {@code s}
     */
    public int stages() {
        return s;
    }

    /**
     * The diagonal {@code γ}.
     *
     * @return {@code γ}
     */
    public double gamma() {
        return gamma;
    }

    /**
     * The transformed stage coefficients.
     *
     * @return a copy of {@code a} ({@code s × s}, strictly lower triangular)
     */
    public double[][] a() {
        return copy(a);
    }

    /**
     * The transformed coupling coefficients.
     *
     * @return a copy of {@code C} ({@code s × s}, strictly lower triangular)
     */
    public double[][] cMatrix() {
        return copy(cMatrix);
    }

    /**
     * The stage times.
     *
     * @return a copy of {@code c}
     */
    public double[] c() {
        return c.clone();
    }

    /**
     * The weights of {@code h ∂f/∂t}.
     *
     * @return a copy of {@code d}
     */
    public double[] d() {
        return d.clone();
    }

    /**
     * The solution weights.
     *
     * @return a copy of {@code m}
     */
    public double[] m() {
        return m.clone();
    }

    /**
     * The error weights.
     *
     * @return a copy of {@code e}
     */
    public double[] e() {
        return e.clone();
    }

    /**
     * The dense-output rows.
     *
     * @return a copy of {@code H}
     */
    public double[][] dense() {
        return copy(dense);
    }

    private static double[][] copy(double[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
        }
        return out;
    }

    @Override
    public Stepper newStepper(OdeSystem f, int n) {
        return new Worker(this, f, n);
    }

    @Override
    public String toString() {
        return name + " (Rosenbrock, " + s + " stages, order " + order + "(" + errorOrder + "))";
    }

    /** The stepper of a tableau. */
    private static final class Worker extends ImplicitStepper {
        private final RosenbrockTableau tab;
        private final double[][] u;
        private final double[] ytmp;
        private final double[] fs;

        Worker(RosenbrockTableau tab, OdeSystem f, int n) {
            super(tab, f, n, tab.gamma, false, tab.dense.length + 1);
            this.tab = tab;
            this.u = new double[tab.s][n];
            this.ytmp = new double[n];
            this.fs = new double[n];
        }

        @Override
        boolean stages() {
            final int s = tab.s;
            final double hg = h * tab.gamma;
            final double invH = 1.0 / h;
            for (int st = 0; st < s; st++) {
                final double[] ai = tab.a[st];
                final double[] ci = tab.cMatrix[st];
                final double[] src;
                if (st == 0) {
                    src = f0;
                } else {
                    for (int i = 0; i < n; i++) {
                        ytmp[i] = y[i];
                    }
                    for (int j = 0; j < st; j++) {
                        double aij = ai[j];
                        if (aij != 0) {
                            double[] uj = u[j];
                            for (int i = 0; i < n; i++) {
                                ytmp[i] += aij * uj[i];
                            }
                        }
                    }
                    double cs = tab.c[st];
                    evaluate(cs == 1.0 ? tOne : t + cs * h, ytmp, fs);
                    src = fs;
                }
                final double[] us = u[st];
                final double dh = tab.d[st] * h;
                for (int i = 0; i < n; i++) {
                    us[i] = src[i] + dh * dfdt[i];
                }
                for (int j = 0; j < st; j++) {
                    double cij = ci[j] * invH;
                    if (cij != 0) {
                        double[] uj = u[j];
                        for (int i = 0; i < n; i++) {
                            us[i] += cij * uj[i];
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    us[i] *= hg;
                }
                matrix.solve(us);
            }
            for (int i = 0; i < n; i++) {
                y1[i] = y[i];
                err[i] = 0;
            }
            for (int j = 0; j < s; j++) {
                double mj = tab.m[j];
                double ej = tab.e[j];
                double[] uj = u[j];
                for (int i = 0; i < n; i++) {
                    y1[i] += mj * uj[i];
                    err[i] += ej * uj[i];
                }
            }
            return true;
        }

        @Override
        void buildCoefficients() {
            // y(θ) = y0 + θ (y1 − y0) + θ(1 − θ) Σ_r θ^r K_r  ⇒  P1 = y1 − y0 + K_0, P_{r+1} += K_r, P_{r+2} −= K_r
            final int q = tab.dense.length;
            java.util.Arrays.fill(coeff, 0.0);
            for (int i = 0; i < n; i++) {
                coeff[i] = y[i];
                coeff[n + i] = y1[i] - y[i];
            }
            for (int r = 0; r < q; r++) {
                double[] hr = tab.dense[r];
                for (int i = 0; i < n; i++) {
                    double k = 0;
                    for (int j = 0; j < tab.s; j++) {
                        k += hr[j] * u[j][i];
                    }
                    coeff[(r + 1) * n + i] += k;
                    coeff[(r + 2) * n + i] -= k;
                }
            }
        }
    }
}
