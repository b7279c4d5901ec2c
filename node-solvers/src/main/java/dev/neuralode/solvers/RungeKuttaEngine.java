package dev.neuralode.solvers;

import dev.neuralode.core.MaxStepsExceededException;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.core.StepSizeUnderflowException;

import java.util.Arrays;

/**
 * The two engines (fixed step and adaptive) that run any {@link ButcherTableau}. One instance
 * serves exactly one solve call: it owns that call's buffers, allocated once in the constructor,
 * so the step loop allocates nothing (dense-output storage grows by doubling). Package-private.
 */
final class RungeKuttaEngine {

    // DOP853 dense output: nonzero positions and values of the extra stages' rows and of d4..d7
    private static final int[][] DENSE_A = new int[3][];
    private static final double[][] DENSE_AV = new double[3][];
    private static final int[][] DENSE_D = new int[4][];
    private static final double[][] DENSE_DV = new double[4][];

    static {
        double[][] rows = {Dop853.A14, Dop853.A15, Dop853.A16};
        for (int r = 0; r < 3; r++) {
            DENSE_A[r] = nonzeroIndices(rows[r]);
            DENSE_AV[r] = valuesAt(rows[r], DENSE_A[r]);
        }
        for (int r = 0; r < 4; r++) {
            DENSE_D[r] = nonzeroIndices(Dop853.D[r]);
            DENSE_DV[r] = valuesAt(Dop853.D[r], DENSE_D[r]);
        }
    }

    private static int[] nonzeroIndices(double[] row) {
        return java.util.stream.IntStream.range(0, row.length).filter(i -> row[i] != 0).toArray();
    }

    private static double[] valuesAt(double[] row, int[] idx) {
        double[] v = new double[idx.length];
        for (int q = 0; q < idx.length; q++) {
            v[q] = row[idx[q]];
        }
        return v;
    }

    private final OdeSystem f;
    private final ButcherTableau tab;
    private final SolverOptions opt;
    private final int n;
    private final int s;
    private final boolean fsal;
    private final double[] c;
    private final double rtol;
    private final double[] atol;
    private final ErrorNorm norm;
    private final boolean rmsNorm;
    /** The registered DOP853 tableau runs through {@link Dop853Kernel} (same arithmetic). */
    private final boolean dop853Kernel;
    /** The registered dopri5 tableau runs through {@link Dopri5Kernel} (same arithmetic). */
    private final boolean dopri5Kernel;

    private final double[][] k;
    private double[] y;
    private double[] y1;
    private final double[] ytmp;
    private double[] fNew;
    private final double[] scaled;
    private final double[] scaled2;
    private final double[][] kx;

    // interpolation
    private final ButcherTableau.Interpolant interp;
    private final int nc;
    private final boolean power;
    private final double[] coeff;

    // counters
    private long nfe;
    private long accepted;
    private long rejected;

    // solve() outputs
    private double[] outTimes;
    private double[][] outStates;
    private int nextOut;

    // solveDense() storage
    private final boolean denseMode;
    private double[] bounds;
    private double[] store;
    private int steps;

    private double tReached;

    RungeKuttaEngine(OdeSystem f, double[] y0, SolverOptions opt, boolean denseMode) {
        this.f = f;
        this.opt = opt;
        this.tab = opt.tableau();
        this.n = y0.length;
        this.s = tab.stages();
        this.fsal = tab.isFsal();
        this.c = tab.c();
        this.rtol = opt.rtol();
        this.atol = new double[n];
        double[] av = opt.atolVectorView();
        for (int i = 0; i < n; i++) {
            atol[i] = av == null ? opt.atol() : av[i];
        }
        this.norm = opt.errorNorm();
        this.rmsNorm = norm == ErrorNorm.RMS;
        this.dop853Kernel = tab == Tableaus.DOPRI8;
        this.dopri5Kernel = tab == Tableaus.DOPRI5;
        this.k = new double[s][n];
        this.y = y0.clone();
        this.y1 = new double[n];
        this.ytmp = new double[n];
        this.fNew = new double[n];
        this.scaled = new double[n];
        this.scaled2 = tab.e2Idx == null ? null : new double[n];
        this.interp = tab.interpolant();
        switch (interp) {
            case DOPRI5 -> { nc = 5; power = false; }
            case TSIT5 -> { nc = 5; power = true; }
            case DOP853 -> { nc = 8; power = false; }
            default -> { nc = 4; power = false; }
        }
        this.coeff = new double[nc * n];
        this.kx = interp == ButcherTableau.Interpolant.DOP853 ? new double[16][] : null;
        if (kx != null) {
            kx[13] = new double[n];
            kx[14] = new double[n];
            kx[15] = new double[n];
        }
        this.denseMode = denseMode;
        if (denseMode) {
            bounds = new double[64];
            store = new double[64 * nc * n];
        }
    }

    // ------------------------------------------------------------------ entry points

    double[][] solve(double[] times) {
        this.outTimes = times;
        this.outStates = new double[times.length][];
        outStates[0] = y.clone();
        this.nextOut = 1;
        run(times[0], times[times.length - 1]);
        return nextOut == times.length ? outStates : Arrays.copyOf(outStates, nextOut);
    }

    DenseSolution solveDense(double t0, double t1) {
        double[] start = y.clone();
        bounds[0] = t0;
        run(t0, t1);
        return new DenseSolution(t0, tReached, n, nc, power, steps, bounds, store, start,
                y.clone(), stats());
    }

    SolverStats stats() {
        return new SolverStats(nfe, accepted, rejected);
    }

    // ------------------------------------------------------------------ driver

    private void run(double t0, double tEnd) {
        double dir = Math.signum(tEnd - t0);
        double[] bps = breakpoints(t0, tEnd, dir, opt.stepTimesView());
        f.derivative(t0, y, k[0]);
        nfe++;
        int bad = NonFiniteStateException.firstNonFinite(k[0]);
        if (bad >= 0) {
            throw new NonFiniteStateException("derivative", t0, Double.NaN, bad, k[0][bad]);
        }
        try {
            if (!Double.isNaN(opt.stepSize()) || !tab.isAdaptive()) {
                runFixed(t0, dir, bps);
            } else {
                runAdaptive(t0, tEnd, dir, bps);
            }
        } catch (StopIntegration stop) {
            // the observer ended the solve after a completed step; tReached is set
        }
    }

    private static double[] breakpoints(double t0, double tEnd, double dir, double[] stepTimes) {
        if (stepTimes == null || stepTimes.length == 0) {
            return new double[] {tEnd};
        }
        double[] inside = new double[stepTimes.length + 1];
        int m = 0;
        for (double st : stepTimes) {
            if (dir * (st - t0) > 0 && dir * (st - tEnd) < 0) {
                inside[m++] = st;
            }
        }
        double[] r = Arrays.copyOf(inside, m);
        Arrays.sort(r);
        int u = 0;
        for (int i = 0; i < m; i++) {
            if (u == 0 || r[i] != r[u - 1]) {
                r[u++] = r[i];
            }
        }
        double[] out = new double[u + 1];
        for (int i = 0; i < u; i++) {
            out[i] = dir > 0 ? r[i] : r[u - 1 - i];
        }
        out[u] = tEnd;
        return out;
    }

    // ------------------------------------------------------------------ fixed step

    private void runFixed(double t0, double dir, double[] bps) {
        double hAbs = opt.stepSize();
        long maxSteps = opt.maxSteps();
        StepObserver obs = opt.observer();
        double t = t0;
        for (int bi = 0; bi < bps.length; bi++) {
            double tSeg = t;
            double tb = bps[bi];
            double ratio = Math.abs(tb - tSeg) / hAbs;
            long count = Math.max(1L, (long) Math.ceil(ratio - 1e-9));
            for (long i = 1; i <= count; i++) {
                double tNew = i == count ? tb : tSeg + dir * (i * hAbs);
                double h = tNew - t;
                if (accepted >= maxSteps) {
                    throw new MaxStepsExceededException(maxSteps, t, h, bps[bps.length - 1]);
                }
                stages(t, h);
                if (!finiteSum(y1)) {
                    failNonFinite(t, h, tNew);
                }
                accepted++;
                boolean last = i == count && bi == bps.length - 1;
                finishStep(t, h, tNew, last);
                swap();
                t = tNew;
                if (obs != null) {
                    obs.onStep(tNew, h, y, 0.0);
                }
            }
        }
    }

    // ------------------------------------------------------------------ adaptive

    private void runAdaptive(double t0, double tEnd, double dir, double[] bps) {
        final long maxSteps = opt.maxSteps();
        final double safety = opt.safety();
        final double minFactor = opt.minFactor();
        final double maxFactor = opt.maxFactor();
        final double maxStep = opt.maxStep();
        final StepController controller = opt.controller();
        final StepObserver obs = opt.observer();
        final int q = tab.controlOrder();
        final double rejectExponent = -1.0 / (q + 1);

        double h = Double.isNaN(opt.firstStep())
                ? initialStep(t0, tEnd, dir) : dir * Math.min(opt.firstStep(), maxStep);
        double t = t0;
        double prevRatio = 1.0;
        boolean lastRejected = false;
        int bi = 0;
        while (true) {
            double tb = bps[bi];
            double hAbs = Math.min(Math.abs(h), maxStep);
            double hStep = dir * hAbs;
            boolean hit = false;
            if (dir * (t + 1.01 * hStep - tb) >= 0) {
                hStep = tb - t;
                hit = true;
            }
            if (accepted + rejected >= maxSteps) {
                throw new MaxStepsExceededException(maxSteps, t, hStep, tEnd);
            }
            stages(t, hStep);
            double ratio = errorRatio(hStep);
            if (!(ratio <= 1.0)) {
                if (!(ratio < Double.POSITIVE_INFINITY)) {
                    checkStagesFinite(t, hStep, t + hStep);
                    ratio = Double.POSITIVE_INFINITY;
                }
                rejected++;
                double fac = Math.max(minFactor, safety * Math.pow(ratio, rejectExponent));
                h = hStep * Math.min(1.0, fac);
                if (Math.abs(h) <= 4 * Math.ulp(t) || Math.abs(h) < Double.MIN_NORMAL) {
                    genericErrorRatio(hStep);   // fills scaled[] to name the worst component
                    throw new StepSizeUnderflowException(t, h, argMaxAbs(scaled));
                }
                lastRejected = true;
                continue;
            }
            accepted++;
            double fac;
            if (ratio == 0.0) {
                fac = maxFactor;
            } else {
                fac = safety * controller.factor(ratio, prevRatio, q);
                fac = fac < minFactor ? minFactor : (fac > maxFactor ? maxFactor : fac);
            }
            if (lastRejected && fac > 1.0) {
                fac = 1.0;
            }
            prevRatio = Math.max(ratio, 1e-4);
            lastRejected = false;
            double tNew = hit ? tb : t + hStep;
            boolean last = hit && bi == bps.length - 1;
            finishStep(t, hStep, tNew, last);
            swap();
            t = tNew;
            if (obs != null) {
                obs.onStep(tNew, hStep, y, ratio);
            }
            h = hStep * fac;
            if (hit) {
                bi++;
                if (bi == bps.length) {
                    return;
                }
            }
        }
    }

    /**
     * Hairer, Nørsett, Wanner I, §II.4: the starting step from two evaluations,
     * {@code h1 = (0.01 / max(d1, d2))^(1/(q+1))} with q the order the controller uses (as
     * Hairer's DOPRI5/DOP853 codes, scipy and torchdiffeq: 1/5 for dopri5, 1/8 for DOP853).
     */
    private double initialStep(double t0, double tEnd, double dir) {
        double[] f0 = k[0];
        for (int i = 0; i < n; i++) {
            scaled[i] = y[i] / (atol[i] + rtol * Math.abs(y[i]));
        }
        double d0 = norm.norm(scaled, n);
        for (int i = 0; i < n; i++) {
            scaled[i] = f0[i] / (atol[i] + rtol * Math.abs(y[i]));
        }
        double d1 = norm.norm(scaled, n);
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.min(h0, Math.min(opt.maxStep(), Math.abs(tEnd - t0)));
        double[] f1 = fNew;
        for (int i = 0; i < n; i++) {
            ytmp[i] = y[i] + dir * h0 * f0[i];
        }
        f.derivative(t0 + dir * h0, ytmp, f1);
        nfe++;
        for (int i = 0; i < n; i++) {
            scaled[i] = (f1[i] - f0[i]) / (atol[i] + rtol * Math.abs(y[i]));
        }
        double d2 = norm.norm(scaled, n) / h0;
        double dm = Math.max(d1, d2);
        double h1 = !(dm > 1e-15) ? Math.max(1e-6, h0 * 1e-3)
                : Math.pow(0.01 / dm, 1.0 / (tab.controlOrder() + 1));
        if (!Double.isFinite(h1)) {
            h1 = h0;
        }
        double h = Math.min(100 * h0, h1);
        return dir * Math.min(h, opt.maxStep());
    }

    // ------------------------------------------------------------------ one step

    /** Computes stages 2..s and y1 from y and k[0]. */
    private void stages(double t, double h) {
        if (dop853Kernel) {
            Dop853Kernel.stages(f, t, h, y, k, ytmp, y1, n);
            nfe += 11;
            return;
        }
        if (dopri5Kernel) {
            Dopri5Kernel.stages(f, t, h, y, k, ytmp, y1, n);
            nfe += 6;
            return;
        }
        final int[][] aIdx = tab.aIdx;
        final double[][] aVal = tab.aVal;
        for (int i = 1; i < s; i++) {
            double[] dst = (fsal && i == s - 1) ? y1 : ytmp;
            combine(y, h, aIdx[i], aVal[i], k, dst);
            f.derivative(t + c[i] * h, dst, k[i]);
        }
        nfe += s - 1;
        if (!fsal) {
            combine(y, h, tab.bIdx, tab.bVal, k, y1);
        }
    }

    /** {@code dst = base + h · Σ_q val[q] · ks[idx[q]]}, summed in stage order. */
    private void combine(double[] base, double h, int[] idx, double[] val, double[][] ks,
                         double[] dst) {
        final int nn = n;
        final int nz = idx.length;
        if (nz == 0) {
            System.arraycopy(base, 0, dst, 0, nn);
            return;
        }
        if (nz == 1) {
            double v0 = val[0];
            double[] k0 = ks[idx[0]];
            for (int m = 0; m < nn; m++) {
                dst[m] = base[m] + h * (v0 * k0[m]);
            }
            return;
        }
        double v0 = val[0];
        double v1 = val[1];
        double[] k0 = ks[idx[0]];
        double[] k1 = ks[idx[1]];
        if (nz == 2) {
            for (int m = 0; m < nn; m++) {
                dst[m] = base[m] + h * (v0 * k0[m] + v1 * k1[m]);
            }
            return;
        }
        if (nz == 3) {
            double v2 = val[2];
            double[] k2 = ks[idx[2]];
            for (int m = 0; m < nn; m++) {
                dst[m] = base[m] + h * (v0 * k0[m] + v1 * k1[m] + v2 * k2[m]);
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
            dst[m] = base[m] + h * dst[m];
        }
    }

    /** The error ratio of the step just computed (y → y1 with stages k). */
    private double errorRatio(double h) {
        if (dop853Kernel && rmsNorm) {
            return Dop853Kernel.errorRatioRms(h, y, y1, k, atol, rtol, n);
        }
        if (dopri5Kernel && rmsNorm) {
            return Dopri5Kernel.errorRatioRms(h, y, y1, k, atol, rtol, n);
        }
        return genericErrorRatio(h);
    }

    /** {@link #errorRatio} for any tableau and norm; leaves the scaled estimate in scaled[]. */
    private double genericErrorRatio(double h) {
        accumulate(tab.eIdx, tab.eVal, scaled);
        if (scaled2 != null) {
            accumulate(tab.e2Idx, tab.e2Val, scaled2);
        }
        final double[] yy = y;
        final double[] yn = y1;
        final double[] sc = scaled;
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
        if (rmsNorm) {
            n5 = Math.sqrt(sum / n);
            if (scaled2 != null) {
                n3 = Math.sqrt(sum2 / n);
            }
        } else {
            n5 = norm.norm(sc, n);
            if (scaled2 != null) {
                n3 = norm.norm(scaled2, n);
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

    /** After an accepted step: the new derivative, outputs or dense storage. */
    private void finishStep(double t, double h, double tNew, boolean last) {
        tReached = tNew;
        boolean interior = !denseMode && nextOut < outTimes.length
                && (outTimes[nextOut] - tNew) * (tNew - t) < 0;
        if (!fsal) {
            if (!last || denseMode || interior) {
                f.derivative(tNew, y1, fNew);
                nfe++;
            }
        }
        if (denseMode) {
            if (steps + 2 > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
                store = Arrays.copyOf(store, bounds.length * nc * n);
            }
            computeCoefficients(t, h, store, steps * nc * n);
            steps++;
            bounds[steps] = tNew;
            return;
        }
        boolean ready = false;
        double[] times = outTimes;
        while (nextOut < times.length && (times[nextOut] - tNew) * h <= 0) {
            double to = times[nextOut];
            double[] dst = new double[n];
            if (to == tNew) {
                System.arraycopy(y1, 0, dst, 0, n);
            } else {
                if (!ready) {
                    computeCoefficients(t, h, coeff, 0);
                    ready = true;
                }
                Interpolation.evaluate(power, nc, coeff, 0, n, (to - t) / h, dst);
            }
            outStates[nextOut++] = dst;
        }
    }

    /** Writes the interpolant of the step [t, t + h] (from y, y1, k, fNew) at dst[off...]. */
    private void computeCoefficients(double t, double h, double[] dst, int off) {
        final double[] y0 = y;
        final double[] yn = y1;
        final double[] f0 = k[0];
        final double[] f1 = fsal ? k[s - 1] : fNew;
        final int nn = n;
        if (power) {
            // tsit5: P0 = y0, P_d = h Σ_i r_{i,d} k_i
            System.arraycopy(y0, 0, dst, off, nn);
            for (int d = 0; d < 4; d++) {
                int o = off + (d + 1) * nn;
                for (int m = 0; m < nn; m++) {
                    double acc = 0;
                    for (int i = 0; i < 7; i++) {
                        acc += DenseOutputCoefficients.TSIT5_R[i][d] * k[i][m];
                    }
                    dst[o + m] = h * acc;
                }
            }
            return;
        }
        for (int m = 0; m < nn; m++) {
            double r2 = yn[m] - y0[m];
            double r3 = h * f0[m] - r2;
            dst[off + m] = y0[m];
            dst[off + nn + m] = r2;
            dst[off + 2 * nn + m] = r3;
            dst[off + 3 * nn + m] = r2 - h * f1[m] - r3;
        }
        if (interp == ButcherTableau.Interpolant.DOPRI5) {
            int o = off + 4 * nn;
            for (int m = 0; m < nn; m++) {
                double acc = 0;
                for (int i = 0; i < 7; i++) {
                    acc += DenseOutputCoefficients.DOPRI5_D[i] * k[i][m];
                }
                dst[o + m] = h * acc;
            }
        } else if (interp == ButcherTableau.Interpolant.DOP853) {
            for (int i = 0; i < 12; i++) {
                kx[i] = k[i];
            }
            kx[12] = f1;
            combineDense(h, DENSE_A[0], DENSE_AV[0], ytmp);
            f.derivative(t + Dop853.C14 * h, ytmp, kx[13]);
            combineDense(h, DENSE_A[1], DENSE_AV[1], ytmp);
            f.derivative(t + Dop853.C15 * h, ytmp, kx[14]);
            combineDense(h, DENSE_A[2], DENSE_AV[2], ytmp);
            f.derivative(t + Dop853.C16 * h, ytmp, kx[15]);
            nfe += 3;
            for (int r = 0; r < 4; r++) {
                int[] idx = DENSE_D[r];
                double[] val = DENSE_DV[r];
                int o = off + (4 + r) * nn;
                for (int m = 0; m < nn; m++) {
                    double acc = 0;
                    for (int q = 0; q < idx.length; q++) {
                        acc += val[q] * kx[idx[q]][m];
                    }
                    dst[o + m] = h * acc;
                }
            }
        }
    }

    /** {@code dst = y + h · Σ val[q] · kx[idx[q]]}, the nonzero terms in stage order. */
    private void combineDense(double h, int[] idx, double[] val, double[] dst) {
        for (int m = 0; m < n; m++) {
            double acc = 0;
            for (int q = 0; q < idx.length; q++) {
                acc += val[q] * kx[idx[q]][m];
            }
            dst[m] = y[m] + h * acc;
        }
    }

    /** The accepted step becomes the current state; FSAL or the new derivative becomes k[0]. */
    private void swap() {
        double[] tmp = y;
        y = y1;
        y1 = tmp;
        if (fsal) {
            double[] k0 = k[0];
            k[0] = k[s - 1];
            k[s - 1] = k0;
        } else {
            double[] k0 = k[0];
            k[0] = fNew;
            fNew = k0;
        }
    }

    // ------------------------------------------------------------------ failures

    private static boolean finiteSum(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        if (Double.isFinite(sum)) {
            return true;
        }
        return NonFiniteStateException.firstNonFinite(v) < 0;
    }

    private void failNonFinite(double t, double h, double tNew) {
        checkStagesFinite(t, h, tNew);
        int bad = NonFiniteStateException.firstNonFinite(y1);
        throw new NonFiniteStateException("state", tNew, h, bad, bad >= 0 ? y1[bad] : Double.NaN);
    }

    /** Throws NonFiniteStateException for the first stage whose derivative is not finite. */
    private void checkStagesFinite(double t, double h, double tNew) {
        for (int i = 0; i < s; i++) {
            int bad = NonFiniteStateException.firstNonFinite(k[i]);
            if (bad >= 0) {
                throw new NonFiniteStateException("derivative", t + c[i] * h, h, bad, k[i][bad]);
            }
        }
        int bad = NonFiniteStateException.firstNonFinite(y1);
        if (bad >= 0) {
            throw new NonFiniteStateException("state", tNew, h, bad, y1[bad]);
        }
    }

    private int argMaxAbs(double[] v) {
        int best = -1;
        double m = -1;
        for (int i = 0; i < n; i++) {
            double a = Math.abs(v[i]);
            if (a > m) {
                m = a;
                best = i;
            }
        }
        return best;
    }
}
