package dev.neuralode.solvers.implicit;

import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.Stepper;
import dev.neuralode.solvers.step.Tolerance;

/**
 * Variable-order (1 to {@link #maxOrder()}), variable-step backward differentiation formulas, or their
 * numerical differentiation variant (NDF), in the quasi-constant step-size form of MATLAB's ode15s:
 * L. F. Shampine and M. W. Reichelt, <i>The MATLAB ODE Suite</i>, SIAM J. Sci. Comput. 18 (1997) 1–22,
 * §2. The history is the array of backward differences {@code D_j = ∇^j y_n}, {@code j = 0..q+2}, at
 * the spacing {@code h}; when the step size changes by {@code ρ = h_new / h} the differences are
 * interpolated to the new spacing ({@code D ← (R(ρ)·U)ᵀ D}, the matrices of Shampine–Reichelt's
 * "changing the step size"), so each step is a fixed-leading-coefficient formula of constant step.
 *
 * <p>One step of order {@code q}, with {@code γ_k = Σ_{j=1..k} 1/j}, {@code α_q = (1 − κ_q) γ_q}:
 * predictor {@code y⁽⁰⁾ = Σ_{j=0..q} D_j}; the corrector solves
 * {@code d = c f(t_{n+1}, y⁽⁰⁾ + d) − ψ} for the correction {@code d = y_{n+1} − y⁽⁰⁾} with
 * {@code c = h / α_q}, {@code ψ = Σ_{j=1..q} γ_j D_j / α_q}, by simplified Newton with the matrix
 * {@code I − c̄ J} of an earlier step: its LU is reused until {@code |c/c̄ − 1| > 0.3} or 20 steps
 * passed, the Jacobian until 50 steps passed or Newton fails with it, each correction scaled by
 * {@code 2 / (1 + c/c̄)} (the CVODE policies and correction: A. C. Hindmarsh et al., <i>SUNDIALS</i>,
 * ACM TOMS 31 (2005) 363–396, and the CVODE user guide, §2.1). Newton stops (CVODE's test) when
 * {@code errorConstant(q) · ‖Δ‖ · min(1, crate) ≤ 0.03}, {@code crate = max(0.3 crate, ‖Δ_k‖/‖Δ_{k−1}‖)} the
 * rate estimate carried across steps (1 after each factorization), so a well-predicted step takes one
 * iteration; it fails after 4 iterations or when a correction doubles. A failure with an old Jacobian
 * is retried with a fresh one; a failure with a fresh one gets 12 more iterations while they contract
 * by 0.9 (a fixed-step solve cannot shrink its step). The local error is
 * {@code (κ_q γ_q + 1/(q+1)) d}. After {@code q + 1} steps of equal size the next order and size
 * are chosen from the error estimates of orders {@code q − 1} ({@code D_q}), {@code q} and {@code q + 1}
 * ({@code D_{q+2} = d − D_{q+1}}, the difference of two successive corrections): the one allowing the
 * largest step, {@code ratio^(−1/(k+1))} times a safety {@code 0.8 (2·4 + 1)/(2·4 + iterations)},
 * growth at most 10×. A rejected step shrinks by {@code max(0.2, safety · ratio^(−1/(q+1)))}, a failed
 * Newton iteration by 0.25 (CVODE's {@code ETACF}). The stepper chooses its steps itself
 * ({@link Stepper#proposedStep()}); the driver bounds them by {@code maxStep} and clips them to
 * breakpoints (the history is then interpolated to the clipped size, and the step after a clipped one
 * resumes the size asked for before the clip).
 *
 * <p>NDF ({@code ndf = true}, the default of the registered {@code bdf}) adds {@code κ_q γ_q (y_{n+1} −
 * y⁽⁰⁾)} to the BDF with ode15s' {@code κ = (−0.1850, −1/9, −0.0823, −0.0415, 0)}: about 20 % larger steps
 * at orders 1–4 with a small loss of stability angle. Dense output: the history polynomial through
 * {@code y_{n+1}, y_n, ..., y_{n+1−q}}, of degree {@code q}.
 *
 * <p>The orders this method states ({@link #order()} and the others, all 1) are the guaranteed ones:
 * every solve, and every restart at a jump time or event, starts with one backward Euler step and
 * raises the order from the error estimates as it goes; fixed-step solves do the same at the driver's
 * steps.
 */
public final class Bdf implements Method {

    /** The highest order available. */
    public static final int MAX_ORDER = 5;

    /** ode15s' NDF coefficients {@code κ_1..κ_5} (index 0 and 6 unused: 0). */
    private static final double[] KAPPA_NDF = {0, -0.1850, -1.0 / 9, -0.0823, -0.0415, 0, 0};

    /** Newton iterations per attempt (CVODE's {@code maxcor} is 3, ode15s' 4). */
    static final int NEWTON_MAXIT = 4;

    /**
     * The Newton iteration has converged when {@code errorConstant(q) · ‖Δ‖ · min(1, crate)} is at most
     * this: its remaining error is 3 % of the local error test (CVODE's form of the test, whose
     * {@code nlscoef} is 0.1). With the safety 0.8 ({@code SAFETY}), against 0.1 and scipy's 0.9, the
     * rejected steps at rtol 1e-6 on ROBER, HIRES, Van der Pol and OREGO fall from 69, 47, 264, 328 to
     * 2, 11, 53, 67, the evaluations of f by 9–24 %, and the end points gain 0.2–0.7 digits.
     */
    static final double NEWTON_COEF = 0.03;

    /** The safety factor of the step-size choice (scipy's BDF: 0.9; 0.8 rejects fewer steps here). */
    static final double SAFETY = 0.8;

    /** CVODE's {@code CRDOWN}: the rate estimate decays at most by this factor per iteration. */
    static final double CRATE_DECAY = 0.3;

    /** CVODE's {@code RDIV}: a correction twice the previous one means divergence. */
    static final double NEWTON_RDIV = 2.0;

    /**
     * Further iterations granted, with a fresh Jacobian, to an iteration that failed the predictive test
     * but still contracts: a fixed-step solve cannot shrink the step, and an adaptive one would shrink it
     * by 4 when a few more iterations reach the same tolerance.
     */
    static final int NEWTON_RESCUE = 12;

    /** Steps after which the LU of {@code I − cJ} is formed anew (CVODE's {@code MSBP}). */
    static final int REFACTOR_STEPS = 20;

    /** Steps after which the Jacobian is formed anew (CVODE's {@code MSBJ}). */
    static final int JACOBIAN_STEPS = 50;

    /** Relative change of {@code c} above which the LU is formed anew (CVODE's {@code DGMAX}). */
    static final double MAX_C_CHANGE = 0.3;

    /**
     * Power-basis coefficients of {@code Π_{m=0..j−1} (θ − 1 + m)/(m + 1)}, the factor of {@code D_j}
     * in the history polynomial at {@code t = t_n + θ h}: {@code BASIS[j][k]} multiplies {@code θ^k}.
     */
    static final double[][] BASIS = new double[MAX_ORDER + 1][MAX_ORDER + 1];

    static {
        BASIS[0][0] = 1;
        for (int j = 1; j <= MAX_ORDER; j++) {
            double shift = j - 2;          // factor (θ + (j − 2)) / j
            for (int k = 0; k <= j; k++) {
                double v = shift * BASIS[j - 1][k] + (k > 0 ? BASIS[j - 1][k - 1] : 0);
                BASIS[j][k] = v / j;
            }
        }
    }

    private final String name;
    private final int maxOrder;
    private final boolean ndf;
    final double[] gammaSum = new double[MAX_ORDER + 2];
    final double[] alpha = new double[MAX_ORDER + 2];
    final double[] errorConstant = new double[MAX_ORDER + 2];

    /**
     * A BDF or NDF method of orders 1 to {@code maxOrder}.
     *
     * @param name     the registry name
     * @param maxOrder the highest order, 1 to 5
     * @param ndf      NDF (ode15s' κ) instead of the plain BDF
     */
    Bdf(String name, int maxOrder, boolean ndf) {
        if (maxOrder < 1 || maxOrder > MAX_ORDER) {
            throw new IllegalArgumentException("bdf: the maximum order must be in 1.." + MAX_ORDER + ", got "
                    + maxOrder);
        }
        this.name = name;
        this.maxOrder = maxOrder;
        this.ndf = ndf;
        for (int k = 1; k <= MAX_ORDER + 1; k++) {
            gammaSum[k] = gammaSum[k - 1] + 1.0 / k;
        }
        for (int k = 0; k <= MAX_ORDER + 1; k++) {
            double kappa = kappa(k);
            alpha[k] = (1 - kappa) * gammaSum[k];
            errorConstant[k] = kappa * gammaSum[k] + 1.0 / (k + 1);
        }
    }

    /**
     * The NDF coefficient of order {@code k}.
     *
     * @param k the order, 0 to {@code MAX_ORDER + 1}
     * @return {@code κ_k}; 0 for the BDF and for {@code k = 0, 5, 6}
     */
    public double kappa(int k) {
        return ndf ? KAPPA_NDF[k] : 0.0;
    }

    /**
     * The highest order the method uses.
     *
     * @return 1 to 5
     */
    public int maxOrder() {
        return maxOrder;
    }

    /**
     * Whether this is the NDF variant.
     *
     * @return {@code true} for ode15s' NDF, {@code false} for the BDF
     */
    public boolean isNdf() {
        return ndf;
    }

    /**
     * The error constant {@code κ_k γ_k + 1/(k+1)} of order {@code k}: the local error of a step is
     * this times the corrector's correction.
     *
     * @param k the order, 1 to {@code MAX_ORDER + 1}
     * @return the constant
     */
    public double errorConstant(int k) {
        return errorConstant[k];
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The guaranteed order: a solve starts at order 1 and raises it (to {@link #maxOrder()}).
     *
     * @return 1
     */
    @Override
    public int order() {
        return 1;
    }

    /** @return 1, the start-up order of the error estimate (the controller is the stepper's own) */
    @Override
    public int errorOrder() {
        return 1;
    }

    /** @return 1: the history polynomial of a start-up step is linear */
    @Override
    public int denseOrder() {
        return 1;
    }

    @Override
    public boolean isImplicit() {
        return true;
    }

    @Override
    public Stepper newStepper(OdeSystem f, int n) {
        return new BdfStepper(this, f, n);
    }

    @Override
    public String toString() {
        return name + " (" + (ndf ? "NDF" : "BDF") + " orders 1-" + maxOrder + ")";
    }

    /** One solve's BDF stepper: the difference array, the Newton workspace, the counters. */
    static final class BdfStepper implements Stepper {

        private final Bdf m;
        private final OdeSystem f;
        private final int n;
        private final JacobianEvaluator jac;
        private final IterationMatrix matrix;
        private final double[] dfdy;
        /** Backward differences D_0..D_{MAX_ORDER+2}, D_j at j·n. */
        final double[] diff;
        private final double[] diffTmp;
        private final double[] rMat = new double[(MAX_ORDER + 1) * (MAX_ORDER + 1)];
        private final double[] uMat = new double[(MAX_ORDER + 1) * (MAX_ORDER + 1)];
        private final double[] ruMat = new double[(MAX_ORDER + 1) * (MAX_ORDER + 1)];
        private double[] y;
        private final double[] yStart;
        private double[] yNew;
        private final double[] yPred;
        private final double[] psi;
        private final double[] d;
        private final double[] dy;
        private final double[] fy;
        private final double[] f0;
        private final double[] err;
        private final double[] work;
        private final double[] scratch;
        private final double[] coeff;
        private final View view = new View();

        private double t;
        private double evalTime;
        /** The spacing of the history. */
        private double h;
        private int q = 1;
        private int qStep = 1;
        private int nEqual;
        private boolean started;
        private boolean f0Ready;
        private boolean coeffReady;
        private double tEnd;
        private double tOne;
        private double tStartStep;
        private double hStep;
        private double cLu = Double.NaN;
        private double c;
        private int stepsSinceFactor;
        private int stepsSinceJacobian;
        private boolean jacobianReady;
        private boolean jacobianFresh;
        /** CVODE's convergence-rate estimate {@code crate}, 1 after each factorization. */
        private double crate = 1.0;
        private int iterations;
        private double ratio;
        private double proposed = Double.NaN;
        /** The stepper's proposal before the current attempt (NaN at a start). */
        private double wanted = Double.NaN;
        private boolean newtonFailed;
        private boolean singular;
        private int newtonFailRun;
        private int singularRun;
        private Tolerance tolerance;
        /** Test hook: keep the order fixed (after {@link #startFrom}). */
        boolean holdOrder;

        private long nfe;
        private long njac;
        private long newtonIterations;
        private long newtonFailures;

        BdfStepper(Bdf m, OdeSystem f, int n) {
            if (f == null) {
                throw new IllegalArgumentException(m.name + ": the ODE system must not be null");
            }
            if (n < 1) {
                throw new IllegalArgumentException(m.name + ": the state dimension must be at least 1, got " + n);
            }
            this.m = m;
            this.f = f;
            this.n = n;
            this.jac = new JacobianEvaluator(f, n);
            this.matrix = new IterationMatrix(n);
            this.dfdy = new double[n * n];
            this.diff = new double[(MAX_ORDER + 3) * n];
            this.diffTmp = new double[(MAX_ORDER + 1) * n];
            this.y = new double[n];
            this.yStart = new double[n];
            this.yNew = new double[n];
            this.yPred = new double[n];
            this.psi = new double[n];
            this.d = new double[n];
            this.dy = new double[n];
            this.fy = new double[n];
            this.f0 = new double[n];
            this.err = new double[n];
            this.work = new double[n];
            this.scratch = new double[n];
            this.coeff = new double[(MAX_ORDER + 1) * n];
        }

        @Override public Method method() { return m; }
        @Override public int dimension() { return n; }

        @Override
        public void tolerance(Tolerance tol) {
            this.tolerance = tol;
        }

        @Override
        public void reset(double t0, double[] y0, double evaluationTime) {
            System.arraycopy(y0, 0, y, 0, n);
            t = t0;
            evalTime = evaluationTime;
            started = false;
            f0Ready = false;
            jacobianReady = false;
            matrix.invalidate();
            cLu = Double.NaN;
            crate = 1.0;
            q = 1;
            nEqual = 0;
            newtonFailRun = 0;
            singularRun = 0;
            newtonFailed = false;
            singular = false;
            proposed = Double.NaN;
        }

        /**
         * Test hook: starts from an exact history {@code past[j] = y(t0 − j h)}, {@code j = 0..order},
         * at order {@code order} (the differences {@code ∇^j y}).
         */
        void startFrom(double t0, double step, int order, double[][] past, double evaluationTime) {
            reset(t0, past[0], evaluationTime);
            for (int j = 0; j <= order; j++) {
                System.arraycopy(past[j], 0, diff, j * n, n);
            }
            for (int k = 1; k <= order; k++) {            // ∇: D_j ← D_j − D_{j+1}, from the oldest
                for (int j = order; j >= k; j--) {
                    for (int i = 0; i < n; i++) {
                        diff[j * n + i] = diff[(j - 1) * n + i] - diff[j * n + i];
                    }
                }
            }
            java.util.Arrays.fill(diff, (order + 1) * n, diff.length, 0.0);
            h = step;
            q = order;
            nEqual = order + 1;
            started = true;
        }

        /** The current order (tests). */
        int order() {
            return q;
        }

        @Override public double time() { return t; }
        @Override public double[] state() { return y; }

        @Override
        public double[] derivative() {
            ensureF0();
            return f0;
        }

        @Override
        public void evaluate(double tt, double[] yy, double[] dydt) {
            f.derivative(tt, yy, dydt);
            nfe++;
        }

        @Override
        public long evaluations() {
            return nfe + jac.evaluations();
        }

        @Override
        public SolverStats stats(long accepted, long rejected) {
            return new SolverStats(evaluations(), accepted, rejected, njac, matrix.factorizations(),
                    newtonIterations, newtonFailures);
        }

        @Override
        public double proposedStep() {
            return proposed;
        }

        private void ensureF0() {
            if (!f0Ready) {
                evaluate(evalTime, y, f0);
                f0Ready = true;
            }
        }

        @Override
        public void attempt(double step, double end, boolean toJump) {
            if (!(step != 0) || !Double.isFinite(step)) {
                throw new IllegalArgumentException(m.name + ": the step size must be finite and non-zero, got "
                        + step + " at t = " + t);
            }
            if (!started) {
                ensureF0();
                System.arraycopy(y, 0, diff, 0, n);
                for (int i = 0; i < n; i++) {
                    diff[n + i] = step * f0[i];
                }
                java.util.Arrays.fill(diff, 2 * n, diff.length, 0.0);
                h = step;
                q = 1;
                nEqual = 0;
                started = true;
            } else if (step != h) {
                rescale(step / h);
                h = step;
                nEqual = 0;
            }
            wanted = proposed;
            hStep = step;
            tEnd = end;
            tOne = toJump ? Math.nextAfter(end, t) : end;
            newtonFailed = false;
            singular = false;
            coeffReady = false;
            predict();
            c = h / m.alpha[q];
            if (!jacobianReady || stepsSinceJacobian >= JACOBIAN_STEPS) {
                formJacobian();
            }
            boolean ok = false;
            for (int attempt = 0; attempt < 2; attempt++) {
                if (Double.isNaN(cLu) || Math.abs(c / cLu - 1) > MAX_C_CHANGE || stepsSinceFactor >= REFACTOR_STEPS) {
                    if (!factor()) {
                        return;
                    }
                }
                ok = newton(NEWTON_MAXIT, NEWTON_RDIV);
                if (ok) {
                    break;
                }
                newtonFailures++;
                if (jacobianFresh) {
                    ok = newton(NEWTON_RESCUE, 0.9);   // still contracting: a few more iterations
                    break;
                }
                formJacobian();                    // failed with an old Jacobian: retry with a fresh one
            }
            if (!ok) {
                newtonFailed = true;
                ratio = ImplicitStepper.SINGULAR_RATIO;
                proposed = 0.25 * h;
                if (++newtonFailRun >= ImplicitStepper.MAX_SINGULAR) {
                    throw new NewtonConvergenceException(m.name, t, h, newtonFailRun);
                }
                java.util.Arrays.fill(yNew, Double.NaN);
                return;
            }
            double ec = m.errorConstant[q];
            for (int i = 0; i < n; i++) {
                err[i] = ec * d[i];
            }
            ratio = norm(err, yNew);
            if (ratio > 1) {
                double factor = Math.max(0.2, safety() * Math.pow(ratio, -1.0 / (q + 1)));
                proposed = h * factor;
            } else {
                proposed = h;
            }
        }

        private double safety() {
            return SAFETY * (2 * NEWTON_MAXIT + 1) / (2 * NEWTON_MAXIT + iterations);
        }

        /** The solve's norm of {@code v} weighted by {@code atol + rtol · max(|y|, |other|)}. */
        private double norm(double[] v, double[] other) {
            if (tolerance == null) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    double w = v[i] / (1e-6 + 1e-3 * Math.max(Math.abs(y[i]), Math.abs(other[i])));
                    s += w * w;
                }
                return Math.sqrt(s / n);
            }
            return tolerance.ratio(v, y, other, scratch);
        }

        private void predict() {
            double[] a = diff;
            double inv = 1.0 / m.alpha[q];
            for (int i = 0; i < n; i++) {
                double s = a[i];
                double p = 0;
                for (int j = 1; j <= q; j++) {
                    double v = a[j * n + i];
                    s += v;
                    p += m.gammaSum[j] * v;
                }
                yPred[i] = s;
                psi[i] = p * inv;
            }
        }

        /**
         * Simplified Newton on {@code d = c f(t1, yPred + d) − ψ} (CVODE's test); writes yNew and d.
         *
         * @param maxit the iteration budget
         * @param rdiv  the growth of the correction's norm from one iteration to the next taken as divergence
         */
        private boolean newton(int maxit, double rdiv) {
            System.arraycopy(yPred, 0, yNew, 0, n);
            java.util.Arrays.fill(d, 0.0);
            double scale = 2.0 / (1.0 + c / cLu);
            double tau = NEWTON_COEF / m.errorConstant[q];
            double prevNorm = 0;
            for (int k = 0; k < maxit; k++) {
                evaluate(tOne, yNew, fy);
                newtonIterations++;
                for (int i = 0; i < n; i++) {
                    if (!Double.isFinite(fy[i])) {
                        return false;
                    }
                    dy[i] = c * fy[i] - psi[i] - d[i];
                }
                matrix.solve(dy);
                if (scale != 1.0) {
                    for (int i = 0; i < n; i++) {
                        dy[i] *= scale;
                    }
                }
                double dyNorm = norm(dy, yPred);
                if (!Double.isFinite(dyNorm)) {
                    return false;
                }
                for (int i = 0; i < n; i++) {
                    yNew[i] += dy[i];
                    d[i] += dy[i];
                }
                if (k > 0) {
                    crate = Math.max(CRATE_DECAY * crate, dyNorm / prevNorm);
                }
                if (dyNorm * Math.min(1.0, crate) <= tau || dyNorm == 0) {
                    iterations = k + 1;
                    return true;
                }
                if (k > 0 && dyNorm > rdiv * prevNorm) {
                    return false;
                }
                prevNorm = dyNorm;
            }
            return false;
        }

        private void formJacobian() {
            ensureF0();
            jac.jacobian(evalTime, y, f0, h, tolerance, dfdy);
            njac++;
            jacobianReady = true;
            jacobianFresh = true;
            stepsSinceJacobian = 0;
            matrix.invalidate();
            cLu = Double.NaN;
        }

        private boolean factor() {
            singular = !matrix.factor(dfdy, c);
            cLu = c;
            stepsSinceFactor = 0;
            crate = 1.0;
            if (singular) {
                cLu = Double.NaN;
                matrix.invalidate();
                ratio = ImplicitStepper.SINGULAR_RATIO;
                proposed = 0.5 * h;
                if (++singularRun >= ImplicitStepper.MAX_SINGULAR) {
                    throw new SingularIterationMatrixException(m.name, t, h, matrix.singularPivot(), singularRun);
                }
                java.util.Arrays.fill(yNew, Double.NaN);
                return false;
            }
            singularRun = 0;
            return true;
        }

        /**
         * Interpolates the differences {@code D_0..D_q} to the spacing {@code ρ h}: {@code D ← (R U)ᵀ D}
         * with {@code R_ij = Π_{l=1..i} (l − 1 − ρ j)/l} and {@code U = R(1)} (Shampine–Reichelt 1997).
         */
        void rescale(double rho) {
            int k = q + 1;
            fillR(rMat, k, rho);
            fillR(uMat, k, 1.0);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) {
                        s += rMat[i * k + l] * uMat[l * k + j];
                    }
                    ruMat[i * k + j] = s;
                }
            }
            double[] a = diff;
            for (int j = 0; j < k; j++) {
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) {
                        s += ruMat[l * k + j] * a[l * n + i];
                    }
                    diffTmp[j * n + i] = s;
                }
            }
            System.arraycopy(diffTmp, 0, a, 0, k * n);
        }

        private static void fillR(double[] r, int k, double rho) {
            for (int j = 0; j < k; j++) {
                r[j] = 1.0;
            }
            for (int i = 1; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    r[i * k + j] = r[(i - 1) * k + j] * (i - 1 - rho * j) / i;
                }
            }
        }

        @Override
        public double errorRatio(Tolerance tol) {
            return ratio;
        }

        @Override
        public double[] proposal() {
            return yNew;
        }

        @Override
        public void requireFinite() {
            if (singular) {
                throw new SingularIterationMatrixException(m.name, t, h, matrix.singularPivot(), singularRun);
            }
            if (newtonFailed) {
                throw new NewtonConvergenceException(m.name, t, h, newtonFailRun);
            }
            int bad = NonFiniteStateException.firstNonFinite(yNew);
            if (bad >= 0) {
                throw new NonFiniteStateException("state", tEnd, h, bad, yNew[bad]);
            }
            bad = NonFiniteStateException.firstNonFinite(err);
            if (bad >= 0) {
                throw new NonFiniteStateException("error estimate", tEnd, h, bad, err[bad]);
            }
        }

        @Override
        public int worstComponent(Tolerance tol) {
            if (singular || newtonFailed) {
                return -1;
            }
            int best = -1;
            double worst = -1;
            for (int i = 0; i < n; i++) {
                double v = Math.abs(err[i]) * tol.weight(i, y[i], yNew[i]);
                if (v > worst) {
                    worst = v;
                    best = i;
                }
            }
            return best;
        }

        @Override
        public StepInterpolator accept() {
            double[] a = diff;
            int o1 = (q + 1) * n;
            int o2 = (q + 2) * n;
            for (int i = 0; i < n; i++) {
                a[o2 + i] = d[i] - a[o1 + i];
                a[o1 + i] = d[i];
            }
            for (int j = q; j >= 0; j--) {
                for (int i = 0; i < n; i++) {
                    a[j * n + i] += a[(j + 1) * n + i];
                }
            }
            System.arraycopy(yNew, 0, a, 0, n);
            qStep = q;
            tStartStep = t;
            double[] sw = y;
            y = yNew;
            yNew = sw;
            System.arraycopy(sw, 0, yStart, 0, n);
            t = tEnd;
            evalTime = tEnd;
            f0Ready = false;
            jacobianFresh = false;
            stepsSinceFactor++;
            stepsSinceJacobian++;
            newtonFailRun = 0;
            nEqual++;
            proposed = h;
            if (!holdOrder && nEqual >= q + 1) {
                chooseOrder();
            }
            if (Math.abs(hStep) < Math.abs(wanted) && Math.abs(proposed) < Math.abs(wanted)) {
                proposed = wanted;             // the driver clipped the step to a breakpoint: resume the size
            }
            return view;
        }

        /** Order and step from the error estimates of orders q − 1, q, q + 1 (after q + 1 equal steps). */
        private void chooseOrder() {
            double[] a = diff;
            double errM = Double.POSITIVE_INFINITY;
            double errP = Double.POSITIVE_INFINITY;
            if (q > 1) {
                double ec = m.errorConstant[q - 1];
                for (int i = 0; i < n; i++) {
                    work[i] = ec * a[q * n + i];
                }
                errM = norm(work, yStart);
            }
            if (q < m.maxOrder) {
                double ec = m.errorConstant[q + 1];
                for (int i = 0; i < n; i++) {
                    work[i] = ec * a[(q + 2) * n + i];
                }
                errP = norm(work, yStart);
            }
            double fM = q > 1 ? Math.pow(errM, -1.0 / q) : 0;
            double fQ = Math.pow(ratio, -1.0 / (q + 1));
            double fP = q < m.maxOrder ? Math.pow(errP, -1.0 / (q + 2)) : 0;
            double best = fQ;
            int delta = 0;
            if (fM > best) {
                best = fM;
                delta = -1;
            }
            if (fP > best) {
                best = fP;
                delta = 1;
            }
            q += delta;
            double factor = Math.min(10.0, safety() * best);
            proposed = h * factor;
            nEqual = 0;
        }

        private void ensureCoefficients() {
            if (coeffReady) {
                return;
            }
            double[] a = diff;
            int deg = qStep;
            for (int k = 0; k <= deg; k++) {
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int j = k; j <= deg; j++) {
                        s += BASIS[j][k] * a[j * n + i];
                    }
                    coeff[k * n + i] = s;
                }
            }
            coeffReady = true;
        }

        /** The accepted step's history polynomial (valid until the next attempt). */
        private final class View implements StepInterpolator {
            @Override public int dimension() { return n; }
            @Override public double startTime() { return tStartStep; }
            @Override public double endTime() { return t; }
            @Override public double stepSize() { return hStep; }
            @Override public double[] startState() { return yStart; }
            @Override public double[] endState() { return y; }
            @Override public int degree() { return qStep; }

            @Override
            public void state(double tt, double[] out) {
                if (tt == t) {
                    System.arraycopy(y, 0, out, 0, n);
                    return;
                }
                if (tt == tStartStep) {
                    System.arraycopy(yStart, 0, out, 0, n);
                    return;
                }
                ensureCoefficients();
                double theta = (tt - tStartStep) / hStep;
                int deg = qStep;
                for (int i = 0; i < n; i++) {
                    double acc = coeff[deg * n + i];
                    for (int k = deg - 1; k >= 0; k--) {
                        acc = acc * theta + coeff[k * n + i];
                    }
                    out[i] = acc;
                }
            }

            @Override
            public void derivative(double tt, double[] out) {
                ensureCoefficients();
                double theta = (tt - tStartStep) / hStep;
                int deg = qStep;
                for (int i = 0; i < n; i++) {
                    double acc = deg * coeff[deg * n + i];
                    for (int k = deg - 1; k >= 1; k--) {
                        acc = acc * theta + k * coeff[k * n + i];
                    }
                    out[i] = acc / hStep;
                }
            }

            @Override
            public void coefficients(double[] dst, int offset) {
                ensureCoefficients();
                System.arraycopy(coeff, 0, dst, offset, (qStep + 1) * n);
            }
        }
    }
}
