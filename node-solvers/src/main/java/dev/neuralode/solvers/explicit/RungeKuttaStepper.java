package dev.neuralode.solvers.explicit;

import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.Stepper;
import dev.neuralode.solvers.step.Tolerance;

/**
 * The explicit Runge–Kutta stepper of any {@link ButcherTableau} (package-private; obtained from
 * {@link ButcherTableau#newStepper}). It owns one solve's buffers, allocated here once: the extended
 * stages {@code K_j}, the start and proposed states, scratch and the interpolant's coefficients.
 *
 * <p>An accepted step stays in the buffers until the next attempt, so its interpolant can be
 * evaluated by the handlers; the next attempt then makes the proposal the start state and the
 * step's last derivative the next first stage (FSAL), or, for non-FSAL methods, evaluates
 * {@code f(t + h, y1)} unless the interpolant already did.
 */
final class RungeKuttaStepper implements Stepper {

    private final ButcherTableau tab;
    private final OdeSystem f;
    private final int n;
    private final int s;
    private final boolean fsal;
    private final int base;
    private final int total;
    private final Kernel kernel;
    /**
     * States of this many components and more run on the generic stepper even with a kernel
     * (system property {@code dev.neuralode.solvers.kernelMaxDimension}, default 64; node-benchmarks'
     * {@code KernelSweep} sets it to measure the kernels at every size).
     */
    static final int KERNEL_MAX_DIMENSION = Integer.getInteger("dev.neuralode.solvers.kernelMaxDimension", 64);
    private final boolean adaptive;
    private final double[] c;

    private final double[][] k;
    /**
     * Evaluation ordinals: stage i (1 <= i < s) of the current attempt is evaluation
     * {@code firstCall + i - 1} (the stages are evaluated in order); stage 0, {@code f(t + h, y1)}
     * and the extra stages keep their own (-1 until evaluated).
     */
    private long firstCall;
    private long k0Call;
    private long f1Call;
    private long extraCall;
    private double[] y;
    private double[] y1;
    private final double[] ytmp;
    private final double[] scaled;
    private final double[] scaled2;

    // the interpolant: power-basis coefficients and the sparse weight lists per power
    private final int degree;
    private final double[] coeff;
    private final int[][] wIdx;
    private final double[][] wVal;
    private final int[][] xIdx;
    private final double[][] xVal;
    private final boolean needsF1;

    private double t;
    private double h;
    private double tEnd;
    private boolean beforeJump;
    private double k0Time;
    private boolean k0Ready;
    private boolean pending;
    /** What of the accepted step's interpolant is built: bits {@link #F1}, {@link #EXTRAS}, {@link #COEFF}. */
    private int built;
    private static final int F1 = 1;
    private static final int EXTRAS = 2;
    private static final int COEFF = 4;
    private long nfe;
    private final Interpolant interpolant = new Interpolant();

    RungeKuttaStepper(ButcherTableau tab, OdeSystem f, int n) {
        this.tab = tab;
        this.f = f;
        this.n = n;
        this.s = tab.stages();
        this.fsal = tab.isFsal();
        this.base = fsal ? s : s + 1;
        ContinuousExtension ext = tab.continuousExtension();
        this.total = ext.stageCount();
        // the fused kernels pay for small states: up to 16 components they save 9-50 % of a solve
        // (the generic stepper's loop and indirection overhead dominates there); at 32 the two are
        // level, and from 128 on the generic stepper's blocked combinations are faster (3-23 % at
        // 128-512 components; node-benchmarks' KernelSweep)
        this.kernel = n < KERNEL_MAX_DIMENSION ? tab.kernel : null;
        this.adaptive = tab.isAdaptive();
        this.c = tab.c();
        this.k = new double[total][n];
        this.y = new double[n];
        this.y1 = new double[n];
        this.ytmp = new double[n];
        this.scaled = new double[n];
        this.scaled2 = tab.e2Idx == null ? null : new double[n];
        this.degree = ext.degree();
        this.coeff = new double[(degree + 1) * n];
        this.wIdx = ext.powerIdx;
        this.wVal = ext.powerVal;
        this.xIdx = ext.extraIdx;
        this.xVal = ext.extraVal;
        boolean usesF1 = false;
        for (int[] row : xIdx) {
            for (int j : row) {
                usesF1 |= !fsal && j == s;
            }
        }
        double[][] w = ext.weightsView();
        boolean weighted = false;
        if (!fsal) {
            for (double v : w[s]) {
                weighted |= v != 0.0;
            }
        }
        this.needsF1 = !fsal && (weighted || usesF1);
    }

    @Override
    public Method method() {
        return tab;
    }

    @Override
    public int dimension() {
        return n;
    }

    @Override
    public void reset(double t0, double[] y0, double evaluationTime) {
        System.arraycopy(y0, 0, y, 0, n);
        t = t0;
        k0Time = evaluationTime;
        k0Ready = false;
        pending = false;
    }

    @Override
    public double time() {
        return pending ? tEnd : t;
    }

    @Override
    public double[] state() {
        return pending ? y1 : y;
    }

    @Override
    public double[] derivative() {
        commit();
        ensureK0();
        return k[0];
    }

    @Override
    public void evaluate(double tt, double[] yy, double[] dydt) {
        f.derivative(tt, yy, dydt);
        nfe++;
    }

    @Override
    public long evaluations() {
        return nfe;
    }

    @Override
    public double[] proposal() {
        return y1;
    }

    // ------------------------------------------------------------------ one attempt

    @Override
    public void attempt(double step, double end, boolean toJump) {
        commit();
        ensureK0();
        this.h = step;
        this.tEnd = end;
        this.beforeJump = toJump;
        built = 0;
        firstCall = nfe;
        if (kernel == Kernel.DOPRI5) {
            Dopri5Kernel.stages(f, t, h, beforeJump ? Math.nextAfter(tEnd, t) : tEnd, y, k, ytmp, y1, n);
            nfe += s - 1;
            return;
        }
        if (kernel == Kernel.DOP853) {
            Dop853Kernel.stages(f, t, h, beforeJump ? Math.nextAfter(tEnd, t) : tEnd, y, k, ytmp, y1, n);
            nfe += s - 1;
            return;
        }
        genericStages();
    }

    /**
     * Stages 2..s and the proposal for any tableau (kept out of {@link #attempt}, so that the
     * driver's loop can inline the attempt and its kernel dispatch).
     */
    private void genericStages() {
        final int[][] aIdx = tab.aIdx;
        final double[][] aVal = tab.aVal;
        final double tOne = beforeJump ? Math.nextAfter(tEnd, t) : tEnd;
        for (int i = 1; i < s; i++) {
            double[] dst = (fsal && i == s - 1) ? y1 : ytmp;
            combine(y, h, aIdx[i], aVal[i], k, dst);
            // ButcherTableau.stageTime's rule, written out (it runs once per stage)
            double ci = c[i];
            double ti = ci == 1.0 ? tOne : t + ci * h;
            f.derivative((ti - tEnd) * h > 0 ? tEnd : ti, dst, k[i]);
            nfe++;
        }
        if (!fsal) {
            combine(y, h, tab.bIdx, tab.bVal, k, y1);
        }
    }

    private void ensureK0() {
        if (!k0Ready) {
            k0Call = nfe;
            f.derivative(k0Time, y, k[0]);
            nfe++;
            k0Ready = true;
        }
    }

    /** Makes an accepted step's end the current point (deferred so its interpolant stays valid). */
    private void commit() {
        if (!pending) {
            return;
        }
        pending = false;
        double[] tmp = y;
        y = y1;
        y1 = tmp;
        t = tEnd;
        int last = fsal ? s - 1 : s;
        if (fsal || (built & F1) != 0) {
            double[] k0 = k[0];
            k[0] = k[last];
            k[last] = k0;
            k0Call = fsal ? firstCall + s - 2 : f1Call;
            k0Ready = true;
        } else {
            k0Time = t;
            k0Ready = false;
        }
    }

    /** {@code dst = base + h · Σ_q val[q] · ks[idx[q]]}, summed in stage order. */
    private void combine(double[] b0, double hh, int[] idx, double[] val, double[][] ks, double[] dst) {
        final int nn = n;
        final int nz = idx.length;
        if (nz == 0) {
            System.arraycopy(b0, 0, dst, 0, nn);
            return;
        }
        if (nz == 1) {
            double v0 = val[0];
            double[] k0 = ks[idx[0]];
            for (int m = 0; m < nn; m++) {
                dst[m] = b0[m] + hh * (v0 * k0[m]);
            }
            return;
        }
        double v0 = val[0];
        double v1 = val[1];
        double[] k0 = ks[idx[0]];
        double[] k1 = ks[idx[1]];
        if (nz == 2) {
            for (int m = 0; m < nn; m++) {
                dst[m] = b0[m] + hh * (v0 * k0[m] + v1 * k1[m]);
            }
            return;
        }
        if (nz == 3) {
            double v2 = val[2];
            double[] k2 = ks[idx[2]];
            for (int m = 0; m < nn; m++) {
                dst[m] = b0[m] + hh * (v0 * k0[m] + v1 * k1[m] + v2 * k2[m]);
            }
            return;
        }
        double v2 = val[2];
        double v3 = val[3];
        double[] k2 = ks[idx[2]];
        double[] k3 = ks[idx[3]];
        for (int m = 0; m < nn; m++) {
            dst[m] = v0 * k0[m] + v1 * k1[m] + v2 * k2[m] + v3 * k3[m];
        }
        for (int q = 4; q < nz; q++) {
            double v = val[q];
            double[] kq = ks[idx[q]];
            for (int m = 0; m < nn; m++) {
                dst[m] += v * kq[m];
            }
        }
        for (int m = 0; m < nn; m++) {
            dst[m] = b0[m] + hh * dst[m];
        }
    }

    // ------------------------------------------------------------------ stiffness

    /**
     * {@code h·ρ ≈ ‖K_s − K_{s−1}‖ / ‖Σ_j (a_sj − a_{s−1,j}) K_j‖} from the last two stages of the last
     * attempt (Hairer, Wanner II, §IV.2): the ratio of the change of {@code f} to the change of its
     * argument, times {@code h} (which cancels).
     */
    @Override
    public double stiffnessEstimate() {
        if (s < 2) {
            return Double.NaN;
        }
        double num = 0;
        double den = 0;
        for (int m = 0; m < n; m++) {
            double dk = k[s - 1][m] - k[s - 2][m];
            double dy = 0;
            for (int j = 0; j < s - 1; j++) {
                dy += (tab.a(s - 1, j) - tab.a(s - 2, j)) * k[j][m];
            }
            num += dk * dk;
            den += dy * dy;
        }
        return den > 0 ? Math.sqrt(num / den) : Double.NaN;
    }

    /**
     * The estimate of {@link #stiffnessEstimate()} with every component divided by its error weight
     * {@code atol_i + rtol · max(|y_i|, |y1_i|)} (Hairer and Wanner's test in the error control's
     * scaling); valid after an attempt and after its acceptance, until the next attempt.
     */
    @Override
    public double stiffnessEstimate(Tolerance tol) {
        if (s < 2) {
            return Double.NaN;
        }
        double rtol = tol.rtol();
        double num = 0;
        double den = 0;
        for (int m = 0; m < n; m++) {
            double w = tol.atol(m) + rtol * Math.max(Math.abs(y[m]), Math.abs(y1[m]));
            double inv = w > 0 ? 1.0 / w : 1.0;
            double dk = (k[s - 1][m] - k[s - 2][m]) * inv;
            double dy = 0;
            for (int j = 0; j < s - 1; j++) {
                dy += (tab.a(s - 1, j) - tab.a(s - 2, j)) * k[j][m];
            }
            dy *= inv;
            num += dk * dk;
            den += dy * dy;
        }
        return den > 0 ? Math.sqrt(num / den) : Double.NaN;
    }

    /**
     * The real stability limit of the tableau: the largest {@code x} with {@code |R(−ξ)| ≤ 1} for all
     * {@code 0 < ξ ≤ x}, {@code R(z) = 1 + z bᵀ(I − zA)⁻¹1} the stability function, scanned in steps of
     * 0.01 up to 100 (2 for Euler, about 2.8 for rk4, 3.3 for dopri5).
     */
    @Override
    public double stabilityLimit() {
        double[] g = new double[s];
        double[] b = tab.b();
        for (int step = 1; step <= 10_000; step++) {
            double z = -0.01 * step;
            double r = 1;
            for (int i = 0; i < s; i++) {
                double acc = 0;
                for (int j = 0; j < i; j++) {
                    acc += tab.a(i, j) * g[j];
                }
                g[i] = 1 + z * acc;
                r += z * b[i] * g[i];
            }
            if (Math.abs(r) > 1) {
                return -z - 0.01;
            }
        }
        return Double.NaN;
    }

    // ------------------------------------------------------------------ error

    @Override
    public double errorRatio(Tolerance tol) {
        if (!adaptive) {
            return 0.0;
        }
        if (kernel != null && tol.isRms()) {
            return kernel == Kernel.DOPRI5 ? Dopri5Kernel.errorRatioRms(h, y, y1, k, tol.atolView(), tol.rtol(), n)
                    : Dop853Kernel.errorRatioRms(h, y, y1, k, tol.atolView(), tol.rtol(), n);
        }
        return genericErrorRatio(tol);
    }

    /** The error ratio for any tableau and norm; leaves the scaled estimate in scaled[]. */
    private double genericErrorRatio(Tolerance tol) {
        accumulate(tab.eIdx, tab.eVal, scaled);
        if (scaled2 != null) {
            accumulate(tab.e2Idx, tab.e2Val, scaled2);
        }
        final double[] yy = y;
        final double[] yn = y1;
        final double[] sc = scaled;
        final double[] atol = tol.atolView();
        final double rtol = tol.rtol();
        double sum = 0.0;
        double sum2 = 0.0;
        for (int m = 0; m < n; m++) {
            double w = h / (atol[m] + rtol * Math.max(Math.abs(yy[m]), Math.abs(yn[m])));
            double v = sc[m] * w;
            sc[m] = v;
            sum += v * v;
            if (scaled2 != null) {
                double v2 = scaled2[m] * w;
                scaled2[m] = v2;
                sum2 += v2 * v2;
            }
        }
        double n5;
        double n3 = 0;
        if (tol.isRms()) {
            n5 = Math.sqrt(sum / n);
            if (scaled2 != null) {
                n3 = Math.sqrt(sum2 / n);
            }
        } else {
            n5 = tol.norm().norm(sc, n);
            if (scaled2 != null) {
                n3 = tol.norm().norm(scaled2, n);
            }
        }
        if (scaled2 == null) {
            return n5;
        }
        double deno = n5 * n5 + 0.01 * n3 * n3;
        if (!(deno > 0)) {
            return deno == 0 ? 0.0 : Double.NaN;
        }
        return n5 * n5 / Math.sqrt(deno);
    }

    private void accumulate(int[] idx, double[] val, double[] dst) {
        final int nn = n;
        double v0 = val[0];
        double[] k0 = k[idx[0]];
        if (idx.length == 1) {
            for (int m = 0; m < nn; m++) {
                dst[m] = v0 * k0[m];
            }
            return;
        }
        double v1 = val[1];
        double[] k1 = k[idx[1]];
        for (int m = 0; m < nn; m++) {
            dst[m] = v0 * k0[m] + v1 * k1[m];
        }
        for (int q = 2; q < idx.length; q++) {
            double v = val[q];
            double[] kq = k[idx[q]];
            for (int m = 0; m < nn; m++) {
                dst[m] += v * kq[m];
            }
        }
    }

    @Override
    public int worstComponent(Tolerance tol) {
        if (!adaptive) {
            return -1;
        }
        genericErrorRatio(tol);
        int best = -1;
        double m = -1;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(scaled[i]);
            if (a > m || a != a) {
                m = a;
                best = i;
                if (a != a) {
                    break;
                }
            }
        }
        return best;
    }

    @Override
    public void requireFinite() {
        for (int i = 0; i < s; i++) {
            int bad = NonFiniteStateException.firstNonFinite(k[i]);
            if (bad >= 0) {
                throw new NonFiniteStateException("derivative", i == 0 ? t : tab.stageTime(i, t, h, tEnd, beforeJump), h, bad,
                        k[i][bad]);
            }
        }
        int bad = NonFiniteStateException.firstNonFinite(y1);
        if (bad >= 0) {
            throw new NonFiniteStateException("state", tEnd, h, bad, y1[bad]);
        }
    }

    @Override
    public StepInterpolator accept() {
        pending = true;
        return interpolant;
    }

    // ------------------------------------------------------------------ interpolant

    /** Evaluates {@code f(t + h, y1)} and the extension's extra stages, once per step, if needed. */
    private void ensureExtendedStages() {
        if (needsF1 && (built & F1) == 0) {
            f1Call = nfe;
            f.derivative(tEnd, y1, k[s]);
            nfe++;
            built |= F1;
        }
        if ((built & EXTRAS) == 0) {
            extraCall = nfe;
            for (int r = 0; r < xIdx.length; r++) {
                combine(y, h, xIdx[r], xVal[r], k, ytmp);
                int j = base + r;
                f.derivative(tab.stageTime(j, t, h, tEnd, beforeJump), ytmp, k[j]);
                nfe++;
            }
            built |= EXTRAS;
        }
    }

    private void ensureCoefficients() {
        if ((built & COEFF) != 0) {
            return;
        }
        ensureExtendedStages();
        System.arraycopy(y, 0, coeff, 0, n);
        for (int q = 0; q < degree; q++) {
            int[] idx = wIdx[q];
            double[] val = wVal[q];
            int off = (q + 1) * n;
            for (int m = 0; m < n; m++) {
                double acc = 0;
                for (int z = 0; z < idx.length; z++) {
                    acc += val[z] * k[idx[z]][m];
                }
                coeff[off + m] = h * acc;
            }
        }
        built |= COEFF;
    }

    /** The accepted step's view (valid until the next attempt). */
    private final class Interpolant implements StepInterpolator {

        @Override
        public int dimension() {
            return n;
        }

        @Override
        public double startTime() {
            return t;
        }

        @Override
        public double endTime() {
            return tEnd;
        }

        @Override
        public double stepSize() {
            return h;
        }

        @Override
        public double[] startState() {
            return y;
        }

        @Override
        public double[] endState() {
            return y1;
        }

        @Override
        public void state(double tq, double[] out) {
            if (tq == tEnd) {
                System.arraycopy(y1, 0, out, 0, n);
                return;
            }
            if (tq == t) {
                System.arraycopy(y, 0, out, 0, n);
                return;
            }
            ensureCoefficients();
            double theta = (tq - t) / h;
            final int d = degree;
            for (int m = 0; m < n; m++) {
                double acc = coeff[d * n + m];
                for (int q = d - 1; q >= 0; q--) {
                    acc = coeff[q * n + m] + theta * acc;
                }
                out[m] = acc;
            }
        }

        @Override
        public void derivative(double tq, double[] out) {
            ensureCoefficients();
            double theta = (tq - t) / h;
            final int d = degree;
            for (int m = 0; m < n; m++) {
                double acc = d * coeff[d * n + m];
                for (int q = d - 1; q >= 1; q--) {
                    acc = q * coeff[q * n + m] + theta * acc;
                }
                out[m] = acc / h;
            }
        }

        @Override
        public int degree() {
            return degree;
        }

        @Override
        public void coefficients(double[] dst, int offset) {
            ensureCoefficients();
            System.arraycopy(coeff, 0, dst, offset, (degree + 1) * n);
        }

        @Override
        public int stageCount() {
            return total;
        }

        @Override
        public long stageEvaluation(int i) {
            if (i < 0 || i >= total) {
                throw new IndexOutOfBoundsException("stage " + i + " of " + total + " (" + tab.name() + ")");
            }
            if (i == 0) {
                return k0Call;
            }
            if (i < s) {
                return firstCall + i - 1;
            }
            if (i < base) {
                return (built & F1) != 0 ? f1Call : -1;
            }
            return (built & EXTRAS) != 0 ? extraCall + (i - base) : -1;
        }
    }
}
