package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;

/**
 * A stiffly accurate ESDIRK method (explicit first stage, singly diagonally implicit stages; Kennedy
 * and Carpenter, NASA/TM-2016-219173) with an embedded solution, run with a simplified Newton
 * iteration on each stage:
 * <pre>
 *   K_1 = f(t, y);   for i ≥ 2:  Y_i = ψ_i + hγ f(t + c_i h, Y_i),   ψ_i = y + h Σ_{j&lt;i} a_ij K_j
 *   Newton:  (I − hγJ) ΔY = ψ_i + hγ f(t_i, Y) − Y,   Y ← Y + ΔY,   K_i = (Y_i − ψ_i)/(hγ)
 *   y1 = y + h Σ b_j K_j (= Y_s),   err = (I − hγJ)⁻¹ h Σ (b_j − b̂_j) K_j
 * </pre>
 * {@code J} is kept across steps and formed anew when an iteration fails with an old one or converged
 * slowly (contraction above 0.3); the iteration stops when {@code η‖ΔY‖ ≤ 0.03},
 * {@code η = θ/(1 − θ)}, {@code θ} the contraction rate, in the weighted RMS norm of the error
 * control (Hairer, Wanner, <i>Solving ODEs II</i>, §IV.8, eq. 8.10–8.13), and fails after 8
 * iterations or when {@code θ ≥ 1}. At a fixed step size the same tolerances apply: set rtol/atol
 * well below the accuracy expected of the steps. The error estimate is filtered by {@code (I − hγJ)⁻¹}
 * (Shampine's filter, HW II eq. 8.20) so that stiff components do not dominate it. Dense output: cubic
 * Hermite on {@code y, f(t, y), y1, f(t + h, y1)} (order 3).
 */
public final class EsdirkTableau implements Method {

    private static final double KAPPA = 0.03;
    private static final int MAX_ITERATIONS = 8;
    private static final double SLOW = 0.3;

    private final String name;
    private final int order;
    private final int errorOrder;
    private final double gamma;
    private final double[][] a;
    private final double[] b;
    private final double[] bHat;
    private final double[] c;
    private final int s;

    /**
     * Creates a method.
     *
     * @param name       the registry name
     * @param order      the order of {@code y1}
     * @param errorOrder the order of the embedded solution
     * @param a          the {@code s × s} lower-triangular matrix; {@code a_11 = 0}, {@code a_ii = γ} for i ≥ 2
     * @param b          the weights (the last row of {@code a}: stiffly accurate)
     * @param bHat       the embedded weights
     * @param c          the nodes, {@code c_i = Σ_j a_ij}
     * @throws IllegalArgumentException if the shapes or the diagonal are not those of an ESDIRK method
     */
    public EsdirkTableau(String name, int order, int errorOrder, double[][] a, double[] b, double[] bHat, double[] c) {
        this.s = b.length;
        if (a.length != s || bHat.length != s || c.length != s || s < 2) {
            throw new IllegalArgumentException("ESDIRK tableau '" + name + "': a has " + a.length + " rows, b " + s
                    + ", b^ " + bHat.length + ", c " + c.length + " entries; need s >= 2 of each");
        }
        this.a = new double[s][s];
        for (int i = 0; i < s; i++) {
            System.arraycopy(a[i], 0, this.a[i], 0, Math.min(a[i].length, i + 1));
        }
        this.gamma = this.a[1][1];
        if (this.a[0][0] != 0 || !(gamma > 0)) {
            throw new IllegalArgumentException("ESDIRK tableau '" + name + "': need a_11 = 0 and a_22 = gamma > 0, got "
                    + this.a[0][0] + " and " + gamma);
        }
        for (int i = 1; i < s; i++) {
            if (this.a[i][i] != gamma) {
                throw new IllegalArgumentException("ESDIRK tableau '" + name + "': a_" + (i + 1) + (i + 1) + " = "
                        + this.a[i][i] + " differs from gamma = " + gamma);
            }
        }
        this.name = name;
        this.order = order;
        this.errorOrder = errorOrder;
        this.b = b.clone();
        this.bHat = bHat.clone();
        this.c = c.clone();
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

    /** {@inheritDoc} Cubic Hermite: 3. */
    @Override
    public int denseOrder() {
        return 3;
    }

    @Override
    public boolean isImplicit() {
        return true;
    }

    /**
     * The stage matrix.
     *
     * @return a copy of {@code A} ({@code s × s}, lower triangular, diagonal {@code 0, γ, ..., γ})
     */
    public double[][] a() {
        double[][] out = new double[s][];
        for (int i = 0; i < s; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    /**
     * The weights.
     *
     * @return a copy of {@code b}
     */
    public double[] b() {
        return b.clone();
    }

    /**
     * The embedded weights.
     *
     * @return a copy of {@code b̂}
     */
    public double[] bHat() {
        return bHat.clone();
    }

    /**
     * The nodes.
     *
     * @return a copy of {@code c}
     */
    public double[] c() {
        return c.clone();
    }

    /**
     * The diagonal.
     *
     * @return {@code γ}
     */
    public double gamma() {
        return gamma;
    }

    @Override
    public Stepper newStepper(OdeSystem f, int n) {
        return new Worker(this, f, n);
    }

    @Override
    public String toString() {
        return name + " (ESDIRK, " + s + " stages, order " + order + "(" + errorOrder + "))";
    }

    /** The stepper. */
    private static final class Worker extends ImplicitStepper {
        private final EsdirkTableau tab;
        private final double[][] k;
        private final double[] psi;
        private final double[] stage;
        private final double[] fy;
        private final double[] delta;
        private final double[] w;
        private double etaOld = 1.0;

        Worker(EsdirkTableau tab, OdeSystem f, int n) {
            super(tab, f, n, tab.gamma, false, 3, false, false);
            this.tab = tab;
            this.k = new double[tab.s][n];
            this.psi = new double[n];
            this.stage = new double[n];
            this.fy = new double[n];
            this.delta = new double[n];
            this.w = new double[n];
        }

        @Override
        boolean stages() {
            final int s = tab.s;
            final double hg = h * tab.gamma;
            // without a solve's tolerances (a stepper used directly) the stages are solved to 1e-12
            final double rtol = tolerance == null ? 1e-12 : tolerance.rtol();
            for (int i = 0; i < n; i++) {
                w[i] = 1.0 / ((tolerance == null ? 1e-12 : tolerance.atol(i)) + rtol * Math.abs(y[i]));
            }
            System.arraycopy(f0, 0, k[0], 0, n);
            double worstTheta = 0;
            for (int st = 1; st < s; st++) {
                final double[] ai = tab.a[st];
                for (int i = 0; i < n; i++) {
                    psi[i] = y[i];
                }
                for (int j = 0; j < st; j++) {
                    double ha = h * ai[j];
                    if (ha != 0) {
                        double[] kj = k[j];
                        for (int i = 0; i < n; i++) {
                            psi[i] += ha * kj[i];
                        }
                    }
                }
                double[] kPrev = k[st - 1];
                for (int i = 0; i < n; i++) {
                    stage[i] = psi[i] + hg * kPrev[i];
                }
                double ts = tab.c[st] == 1.0 ? tOne : t + tab.c[st] * h;
                double prev = 0;
                double eta = Math.pow(Math.max(etaOld, 1e-16), 0.8);
                boolean converged = false;
                for (int it = 0; it < MAX_ITERATIONS; it++) {
                    evaluate(ts, stage, fy);
                    for (int i = 0; i < n; i++) {
                        delta[i] = psi[i] + hg * fy[i] - stage[i];
                    }
                    matrix.solve(delta);
                    newtonIterations++;
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        stage[i] += delta[i];
                        double v = delta[i] * w[i];
                        sum += v * v;
                    }
                    double norm = Math.sqrt(sum / n);
                    if (!(norm < Double.POSITIVE_INFINITY)) {
                        return false;
                    }
                    if (it > 0) {
                        double theta = norm / prev;
                        worstTheta = Math.max(worstTheta, theta);
                        if (theta >= 1.0) {
                            return false;
                        }
                        eta = theta / (1.0 - theta);
                    }
                    if (eta * norm <= KAPPA || norm == 0) {
                        converged = true;
                        break;
                    }
                    prev = norm;
                }
                if (!converged) {
                    return false;
                }
                etaOld = eta;
                double[] ks = k[st];
                double inv = 1.0 / hg;
                for (int i = 0; i < n; i++) {
                    ks[i] = (stage[i] - psi[i]) * inv;
                }
            }
            for (int i = 0; i < n; i++) {
                y1[i] = y[i];
                err[i] = 0;
            }
            for (int j = 0; j < s; j++) {
                double hb = h * tab.b[j];
                double he = h * (tab.b[j] - tab.bHat[j]);
                double[] kj = k[j];
                for (int i = 0; i < n; i++) {
                    y1[i] += hb * kj[i];
                    err[i] += he * kj[i];
                }
            }
            matrix.solve(err);
            slowConvergence = worstTheta > SLOW;
            return true;
        }

        @Override
        void buildCoefficients() {
            if (!f1Ready) {
                evaluate(tOne, y1, f1);
                f1Ready = true;
            }
            for (int i = 0; i < n; i++) {
                double d = y1[i] - y[i];
                double hf0 = h * f0[i];
                double hf1 = h * f1[i];
                coeff[i] = y[i];
                coeff[n + i] = hf0;
                coeff[2 * n + i] = 3 * d - 2 * hf0 - hf1;
                coeff[3 * n + i] = -2 * d + hf0 + hf1;
            }
        }
    }
}
