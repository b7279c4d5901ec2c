package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.SolverOptions;
import java.util.Arrays;

/**
 * Backpropagation through the solver: see {@link GradientMethod#direct()}.
 *
 * <p>The forward pass is the plain solve (same steps, same evaluations) with an observer that
 * records each accepted step's end time, size and end state. For one explicit Runge–Kutta step
 * from {@code (t, y)} with step {@code h} (stages extended by the interpolant's own, see
 * {@link DenseWeights})
 * <pre>
 *   Y_i = y + h Σ_{j&lt;i} a_ij K_j,   K_i = f(t + c_i h, Y_i),   y1 = y + h Σ_i b_i K_i,
 *   y(t_o) = y + h Σ_i w_i(θ_o) K_i,  θ_o = (t_o - t) / h        (outputs inside the step)
 * </pre>
 * the reverse sweep, given {@code ȳ1 = dL/dy1} and the output cotangents {@code g_o}, visits the
 * stages last to first:
 * <pre>
 *   K̄_i = h (b_i ȳ1 + Σ_o w_i(θ_o) g_o + Σ_{l&gt;i} a_li Ȳ_l),  (Ȳ_i, θ̄_i, τ̄_i) = K̄_iᵀ ∂f/∂(Y, θ, t) at stage i
 *   ȳ = ȳ1 + Σ_o g_o + Σ_i Ȳ_i,   θ̄ = Σ_i θ̄_i,
 *   d_o = g_oᵀ Σ_i w_i'(θ_o) K_i   (= dL/dt_o),     t̄ = Σ_i τ̄_i - Σ_o d_o,
 *   h̄ = Σ_i c_i τ̄_i + Σ_i b_i ȳ1·K_i + Σ_o (g_o·Σ_i w_i K_i - θ_o d_o) + Σ_l Ȳ_l·Σ_{j&lt;l} a_lj K_j
 * </pre>
 * Stages are recomputed from the stored state at the start of the step; only the stages the
 * step's result depends on (all of them when an output lies inside the step). For a
 * {@link TapeOdeSystem} each recomputed stage is recorded on its own small tape and swept once
 * with its cotangent, so a stage costs one evaluation of the dynamics plus one reverse sweep
 * (other systems: a derivative and a vector–Jacobian product). Both are counted in the backward
 * evaluations.
 *
 * <p>Times. Step sizes are constants except where the solver clips a step to land on a
 * breakpoint ({@code stepTimes} or the final time): that step's size is {@code t_break - t}. The
 * steps before the first breakpoint start at {@code t_0 + Σ h}, so they move with {@code t_0};
 * the final step moves its end with {@code t_{m-1}}; an interior output time enters only through
 * {@code θ_o} (or, when it is exactly a step boundary, gets {@code g_o·f(t_o, y(t_o))}).
 */
final class DirectGradient implements GradientMethod {

    private static final String PASS = "backward pass of backprop through the solver";

    /** Default heap budget of the recorded forward evaluations (see {@link GradientMethod#direct(long)}). */
    static final long DEFAULT_RECORD_BYTES = 8L << 20;

    private final long recordBytes;

    DirectGradient(long recordBytes) {
        if (recordBytes < 0) {
            throw new IllegalArgumentException("direct: the heap budget of recorded evaluations must be >= 0 bytes, "
                    + "got " + recordBytes);
        }
        this.recordBytes = recordBytes;
    }

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep) {
        int n = y0.length;
        Passes.DoubleList stepEnd = new Passes.DoubleList(64);
        Passes.DoubleList stepH = new Passes.DoubleList(64);
        Passes.DoubleList stepStates = new Passes.DoubleList(64 * n);
        SolverOptions o = options;
        TapeOdeSystem recorder = keep && recordBytes > 0 && system instanceof TapeOdeSystem ts ? ts : null;
        java.util.List<TapeOdeSystem.Recorded> calls = recorder == null ? null : new java.util.ArrayList<>();
        Passes.DoubleList callEnd = new Passes.DoubleList(64);
        if (keep) {
            stepStates.addAll(y0, n);
            o = Passes.withObserver(options, (t, h, y, r) -> {
                stepEnd.add(t);
                stepH.add(h);
                stepStates.addAll(y, n);
                if (calls != null) {
                    callEnd.add(calls.size());
                }
            });
        }
        OdeSolution sol;
        if (recorder != null) {
            recorder.startRecording(calls, recordBytes);
            try {
                sol = Passes.solve(system, y0, times, o, "forward pass of the ODE solve");
            } finally {
                recorder.stopRecording();
            }
        } else {
            sol = Passes.solve(system, y0, times, o, "forward pass of the ODE solve");
        }
        long each = recorder == null ? 0 : recorder.recordedBytesEach();
        return new Pass(system, times, sol, options, stepEnd, stepH, stepStates, calls, callEnd, each);
    }

    private static final class Pass extends SolvedPass {
        private final Passes.DoubleList stepEnd;
        private final Passes.DoubleList stepH;
        private final Passes.DoubleList stepStates;
        private final java.util.List<TapeOdeSystem.Recorded> calls;
        private final Passes.DoubleList callEnd;
        private final long recordedBytesEach;

        Pass(DifferentiableOdeSystem system, double[] times, OdeSolution sol, SolverOptions options,
             Passes.DoubleList stepEnd, Passes.DoubleList stepH, Passes.DoubleList stepStates,
             java.util.List<TapeOdeSystem.Recorded> calls, Passes.DoubleList callEnd, long recordedBytesEach) {
            super(system, times, sol, options);
            this.recordedBytesEach = recordedBytesEach;
            this.calls = calls;
            this.callEnd = callEnd;
            this.stepEnd = stepEnd;
            this.stepH = stepH;
            this.stepStates = stepStates;
        }

        @Override
        public long storedDoubles() {
            // a recording (the evaluation's tape with its inputs and intermediate values) counted by
            // the heap its first instance allocated
            long recorded = calls == null ? 0 : calls.size() * ((recordedBytesEach + 7) / 8) + callEnd.size;
            return states.length + times.length + stepEnd.size + stepH.size + stepStates.size + recorded;
        }

        /**
         * The forward evaluation of step {@code st}'s stage at time {@code t} and state {@code y}, if it
         * was recorded: searched among the calls since the observer saw step {@code st - 2}, latest first,
         * matching the time and the state to rounding.
         */
        private TapeOdeSystem.Recorded recorded(int st, double t, double[] y) {
            if (calls == null) {
                return null;
            }
            int hi = st < callEnd.size ? (int) callEnd.data[st] : calls.size();
            int lo = st >= 2 ? (int) callEnd.data[st - 2] : 0;
            double tTol = 1e-13 * Math.max(1.0, Math.abs(t));
            for (int k = Math.min(hi, calls.size()) - 1; k >= lo; k--) {
                TapeOdeSystem.Recorded r = calls.get(k);
                if (r.discarded() || Math.abs(r.time - t) > tTol) {
                    continue;
                }
                double[] in = r.input;
                boolean same = true;
                for (int q = 0; q < y.length && same; q++) {
                    same = Math.abs(in[q] - y[q]) <= 1e-12 * (1.0 + Math.abs(y[q]));
                }
                if (same) {
                    return r;
                }
            }
            return null;
        }

        /** The breakpoints of the solve: step times strictly inside, then the final time. */
        private double[] breakpoints() {
            double t0 = times[0];
            double tEnd = times[times.length - 1];
            double dir = Math.signum(tEnd - t0);
            double[] user = options.stepTimes();
            if (user == null) {
                return new double[] {tEnd};
            }
            double[] inside = Arrays.stream(user).filter(st -> dir * (st - t0) > 0 && dir * (st - tEnd) < 0)
                    .sorted().distinct().toArray();
            if (dir < 0) {
                for (int i = 0, j = inside.length - 1; i < j; i++, j--) {
                    double tmp = inside[i];
                    inside[i] = inside[j];
                    inside[j] = tmp;
                }
            }
            double[] out = Arrays.copyOf(inside, inside.length + 1);
            out[inside.length] = tEnd;
            return out;
        }

        @Override
        public BackwardResult backward(double[] g) {
            try {
                return sweep(g);
            } finally {
                // the forward recordings have served: their arrays go back to the thread's pool for
                // the next solve (a second backward of this pass recomputes the stages instead)
                if (calls != null) {
                    for (TapeOdeSystem.Recorded r : calls) {
                        r.discard();
                    }
                }
            }
        }

        private BackwardResult sweep(double[] g) {
            int m = times.length;
            int steps = stepEnd.size;
            if (steps == 0) {
                throw new IllegalStateException("backprop through the solver: no steps were recorded "
                        + "(the forward pass ran without a tape that requires gradients)");
            }
            int n = system.dimension();
            int p = system.parameterCount();
            DenseWeights dw = DenseWeights.of(options.tableau());
            double[] ends = stepEnd.data;
            double[] hs = stepH.data;
            double t0 = times[0];

            // breakpoint hits: the steps whose size was clipped
            double[] bps = breakpoints();
            boolean[] hit = new boolean[steps];
            int firstHit = -1;
            for (int k = 0, bi = 0; k < steps && bi < bps.length; k++) {
                if (ends[k] == bps[bi]) {
                    hit[k] = true;
                    bi++;
                    if (firstHit < 0) {
                        firstHit = k;
                    }
                }
            }
            if (firstHit < 0 || ends[steps - 1] != times[m - 1]) {
                throw new IllegalStateException("backprop through the solver: the recorded steps end at t="
                        + ends[steps - 1] + ", not at the last output time " + times[m - 1]
                        + "; was the solve stopped early?");
            }
            // outputs: the step each lies in, whether it is that step's end, its θ
            int[] outStep = new int[m];
            boolean[] atEnd = new boolean[m];
            double[] theta = new double[m];
            int o = 1;
            for (int k = 0; k < steps && o < m; k++) {
                double start = k == 0 ? t0 : ends[k - 1];
                while (o < m && (times[o] - ends[k]) * hs[k] <= 0) {
                    outStep[o] = k;
                    atEnd[o] = times[o] == ends[k];
                    theta[o] = (times[o] - start) / hs[k];
                    o++;
                }
            }
            if (o < m) {
                throw new IllegalStateException("backprop through the solver: output time " + times[o]
                        + " lies beyond the recorded steps");
            }

            Reverse r = new Reverse(g, n, p, m, steps - 1, dw, outStep, atEnd, theta);
            for (int st = steps - 1; st >= 0; st--) {
                double t = st == 0 ? t0 : ends[st - 1];
                double h = hs[st];
                r.step(st, t, h);
                // times: steps up to the first breakpoint start at t_0 + Σh; clipped steps end on it
                if (st <= firstHit) {
                    r.dtimes[0] += r.tBar;
                    if (hit[st]) {
                        r.dtimes[0] -= r.hBar;
                    }
                }
                if (st == steps - 1) {
                    r.dtimes[m - 1] += r.hBar;
                }
                int bad = NonFiniteStateException.firstNonFinite(r.ybar);
                if (bad >= 0) {
                    throw new NonFiniteStateException(PASS + ": adjoint state a[" + bad + "]", t, h, bad,
                            r.ybar[bad]);
                }
            }
            double[] ybar = r.ybar;
            for (int i = 0; i < n; i++) {
                ybar[i] += g[i];
            }
            int total = dw.total;
            long peak = storedDoubles() + 3L * total * n + 4L * n + 2L * p + 2L * m * total;
            return new BackwardResult(ybar, r.thBar, r.dtimes, new SolverStats(r.evals, steps, 0), Double.NaN, peak);
        }

        /**
         * The reverse sweep's workspace and its parts, one step at a time (the formulas of the class
         * comment). Kept as small methods on purpose: written as one method of two hundred lines that
         * loops over the steps, the sweep was compiled on-stack (OSR) by HotSpot three times before
         * its normal compilation, about 1.3 s of C2 time in a 2.2 s run of the spiral demo, during
         * which it ran slower code.
         */
        private final class Reverse {
            private final double[] g;
            private final int n;
            private final int p;
            private final int lastStep;
            private final DenseWeights dw;
            private final int total;
            private final double[][] a;
            private final double[] b;
            private final double[] c;
            private final int[] outStep;
            private final boolean[] atEnd;
            private final double[] theta;
            /** Tape-backed dynamics: forward-recorded stages are only swept, others recorded here once. */
            private final TapeOdeSystem recorder;
            private final TapeOdeSystem.Recorded[] rec;
            private final double[][] kk;
            private final double[][] yStage;
            private final double[][] yBar;
            private final boolean[] done;
            private final boolean[] fresh;
            private final double[] kBar;
            private final double[] y;
            private final double[] ybar;
            private final double[] nextK0;
            private final double[] thBar;
            private final double[] thTmp;
            private final double[] tau = new double[1];
            private final double[] dtimes;
            private final double[][] w;
            private final double[][] wd;
            private long evals;
            /** Outputs with index above this are processed. */
            private int oHi;
            /** The current step's t̄ and h̄. */
            private double tBar;
            private double hBar;

            Reverse(double[] g, int n, int p, int m, int lastStep, DenseWeights dw, int[] outStep,
                    boolean[] atEnd, double[] theta) {
                this.g = g;
                this.n = n;
                this.p = p;
                this.lastStep = lastStep;
                this.dw = dw;
                this.total = dw.total;
                this.a = dw.a;
                this.b = dw.b;
                this.c = dw.c;
                this.outStep = outStep;
                this.atEnd = atEnd;
                this.theta = theta;
                this.recorder = system instanceof TapeOdeSystem ts ? ts : null;
                this.rec = new TapeOdeSystem.Recorded[total];
                this.kk = new double[total][n];
                this.yStage = new double[total][n];
                this.yBar = new double[total][n];
                this.done = new boolean[total];
                this.fresh = new boolean[total];
                this.kBar = new double[n];
                this.y = new double[n];
                this.ybar = new double[n];
                this.nextK0 = new double[n];
                this.thBar = new double[p];
                this.thTmp = new double[p];
                this.dtimes = new double[m];
                this.w = new double[m][total];
                this.wd = new double[m][total];
                this.oHi = m - 1;
            }

            /**
             * Step {@code st} from {@code (t, stored state)} with size {@code h}: ȳ, θ̄, the output
             * time gradients, t̄ and h̄.
             */
            void step(int st, double t, double h) {
                tBar = 0;
                hBar = 0;
                endOutputs(st);
                // outputs strictly inside this step
                int oLo = oHi;
                while (oLo >= 1 && outStep[oLo] == st) {
                    oLo--;
                }
                int inLo = oLo + 1;
                boolean interp = inLo <= oHi;
                for (int oi = inLo; oi <= oHi; oi++) {
                    dw.weights(theta[oi], w[oi], wd[oi]);
                }
                System.arraycopy(stepStates.data, st * n, y, 0, n);
                int count = interp ? total : dw.s;
                recomputeStages(st, t, h, count, interp);
                reverseStages(t, h, count, inLo);
                stepSizeFromStages(count);
                interiorOutputs(inLo);
                startCotangent(count, inLo);
                oHi = oLo;
                System.arraycopy(kk[0], 0, nextK0, 0, n);
            }

            /**
             * Outputs at the end of step {@code st}: their cotangent enters ȳ1; as θ = 1 of the step,
             * they move with t_o and against t and h, with y'(t_o) = f(t_o, y(t_o)) = next K_0 (for the
             * final output these terms cancel).
             */
            private void endOutputs(int st) {
                while (oHi >= 1 && outStep[oHi] == st && atEnd[oHi]) {
                    int off = oHi * n;
                    double d = 0;
                    for (int q = 0; q < n; q++) {
                        ybar[q] += g[off + q];
                        d += g[off + q] * nextK0[q];
                    }
                    if (st < lastStep) {
                        dtimes[oHi] += d;
                        tBar -= d;
                        hBar -= d;
                    }
                    oHi--;
                }
            }

            /** Forward: the stage inputs and derivatives, recorded or found among the forward recordings. */
            private void recomputeStages(int st, double t, double h, int count, boolean interp) {
                for (int i = 0; i < count; i++) {
                    done[i] = interp || dw.neededForStep[i];
                    if (!done[i]) {
                        continue;
                    }
                    double[] yi = yStage[i];
                    System.arraycopy(y, 0, yi, 0, n);
                    double[] ai = a[i];
                    for (int j = 0; j < i; j++) {
                        double aij = ai[j];
                        if (aij != 0.0) {
                            double wgt = h * aij;
                            double[] kj = kk[j];
                            for (int q = 0; q < n; q++) {
                                yi[q] += wgt * kj[q];
                            }
                        }
                    }
                    rec[i] = null;
                    fresh[i] = false;
                    TapeOdeSystem.Recorded kept = recorded(st, t + c[i] * h, yi);
                    if (kept != null) {
                        rec[i] = kept;
                        System.arraycopy(kept.output(), 0, kk[i], 0, n);
                        continue;
                    }
                    if (recorder != null) {
                        rec[i] = recorder.record(t + c[i] * h, yi, kk[i], true, p > 0, true);
                        fresh[i] = true;
                    } else {
                        system.derivative(t + c[i] * h, yi, kk[i]);
                    }
                    evals++;
                }
            }

            /** Reverse: the stages last to first, K̄_i and its vector–Jacobian product. */
            private void reverseStages(double t, double h, int count, int inLo) {
                for (int i = count - 1; i >= 0; i--) {
                    if (!done[i]) {
                        continue;
                    }
                    if (!stageCotangent(i, count, inLo, h)) {
                        Arrays.fill(yBar[i], 0.0);
                        continue;
                    }
                    if (rec[i] != null) {
                        rec[i].vectorJacobianProduct(kBar, yBar[i], p > 0 ? thTmp : null, tau);
                        if (fresh[i]) {
                            rec[i].discard(); // recomputed here, used once
                        }
                    } else {
                        system.vectorJacobianProduct(t + c[i] * h, yStage[i], kBar, null, yBar[i], thTmp, tau);
                    }
                    evals++;
                    for (int q = 0; q < p; q++) {
                        thBar[q] += thTmp[q];
                    }
                    tBar += tau[0];
                    hBar += c[i] * tau[0];
                }
            }

            /** K̄_i into {@code kBar}; false when it is zero by construction (no term reaches stage i). */
            private boolean stageCotangent(int i, int count, int inLo, double h) {
                double bi = b[i];
                boolean any = bi != 0.0;
                for (int q = 0; q < n; q++) {
                    kBar[q] = bi * ybar[q];
                }
                for (int oi = inLo; oi <= oHi; oi++) {
                    double wi = w[oi][i];
                    if (wi != 0.0) {
                        any = true;
                        int off = oi * n;
                        for (int q = 0; q < n; q++) {
                            kBar[q] += wi * g[off + q];
                        }
                    }
                }
                for (int l = i + 1; l < count; l++) {
                    double ali = a[l][i];
                    if (ali != 0.0 && done[l]) {
                        any = true;
                        double[] yl = yBar[l];
                        for (int q = 0; q < n; q++) {
                            kBar[q] += ali * yl[q];
                        }
                    }
                }
                if (any) {
                    for (int q = 0; q < n; q++) {
                        kBar[q] *= h;
                    }
                }
                return any;
            }

            /** h̄ from y1 and the stage inputs. */
            private void stepSizeFromStages(int count) {
                for (int i = 0; i < count; i++) {
                    if (!done[i]) {
                        continue;
                    }
                    double[] ki = kk[i];
                    double bi = b[i];
                    if (bi != 0.0) {
                        double d = 0;
                        for (int q = 0; q < n; q++) {
                            d += ybar[q] * ki[q];
                        }
                        hBar += bi * d;
                    }
                    double[] yl = yBar[i];
                    double[] ai = a[i];
                    for (int j = 0; j < i; j++) {
                        double aij = ai[j];
                        if (aij != 0.0) {
                            double d = 0;
                            double[] kj = kk[j];
                            for (int q = 0; q < n; q++) {
                                d += yl[q] * kj[q];
                            }
                            hBar += aij * d;
                        }
                    }
                }
            }

            /** Interior outputs: h̄, t̄ and their own time gradients. */
            private void interiorOutputs(int inLo) {
                for (int oi = inLo; oi <= oHi; oi++) {
                    int off = oi * n;
                    double vw = 0;
                    double vd = 0;
                    double[] woi = w[oi];
                    double[] wdoi = wd[oi];
                    for (int i = 0; i < total; i++) {
                        double[] ki = kk[i];
                        double wi = woi[i];
                        double di = wdoi[i];
                        if (wi == 0.0 && di == 0.0) {
                            continue;
                        }
                        double sw = 0;
                        for (int q = 0; q < n; q++) {
                            sw += g[off + q] * ki[q];
                        }
                        vw += sw * wi;
                        vd += sw * di;
                    }
                    dtimes[oi] += vd;
                    tBar -= vd;
                    hBar += vw - theta[oi] * vd;
                }
            }

            /** ȳ of the step start: ȳ1 plus the stage and interior-output cotangents. */
            private void startCotangent(int count, int inLo) {
                for (int i = 0; i < count; i++) {
                    if (!done[i]) {
                        continue;
                    }
                    double[] yi = yBar[i];
                    for (int q = 0; q < n; q++) {
                        ybar[q] += yi[q];
                    }
                }
                for (int oi = inLo; oi <= oHi; oi++) {
                    int off = oi * n;
                    for (int q = 0; q < n; q++) {
                        ybar[q] += g[off + q];
                    }
                }
            }
        }
    }
}
