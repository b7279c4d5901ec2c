package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.Linearization;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.StepTrace;
import java.util.Arrays;

/**
 * Backpropagation through the solver: see {@link GradientMethod#direct()}.
 *
 * <p>The forward pass is the plain solve (same steps, same evaluations) with a {@link StepTrace}
 * that keeps each accepted step's start time and state, size, end time, whether it was clipped to a
 * breakpoint or starts after a jump time, and the ordinal of every stage's evaluation. Within the
 * heap budget, the system is evaluated through {@link DifferentiableOdeSystem#linearize}, and the
 * linearizations are kept by ordinal, so the reverse sweep finds a step's forward stages by
 * {@link StepTrace#stageEvaluation} and only takes their vector–Jacobian products. For one explicit
 * Runge–Kutta step from {@code (t, y)} with step {@code h} (stages extended by the interpolant's
 * own, see {@link DenseWeights})
 * <pre>
 *   Y_i = y + h Σ_{j&lt;i} a_ij K_j,   K_i = f(τ_i, Y_i),   y1 = y + h Σ_i b_i K_i,
 *   y(t_o) = y + h Σ_i w_i(θ_o) K_i,  θ_o = (t_o - t) / h        (outputs inside the step)
 * </pre>
 * with stage times {@code τ_i = t + c_i h} as the solver takes them ({@code ButcherTableau.stageTime}:
 * a node of 1 is the step's end exactly, the last double before it when the step ends on a jump
 * time; the first stage after a jump time just past it), the
 * reverse sweep, given {@code ȳ1 = dL/dy1} and the output cotangents {@code g_o}, visits the stages
 * last to first:
 * <pre>
 *   K̄_i = h (b_i ȳ1 + Σ_o w_i(θ_o) g_o + Σ_{l&gt;i} a_li Ȳ_l),  (Ȳ_i, θ̄_i, τ̄_i) = K̄_iᵀ ∂f/∂(Y, θ, t) at stage i
 *   ȳ = ȳ1 + Σ_o g_o + Σ_i Ȳ_i,   θ̄ = Σ_i θ̄_i,
 *   d_o = g_oᵀ Σ_i w_i'(θ_o) K_i   (= dL/dt_o),     t̄ = Σ_i τ̄_i - Σ_o d_o,
 *   h̄ = Σ_i c_i τ̄_i + Σ_i b_i ȳ1·K_i + Σ_o (g_o·Σ_i w_i K_i - θ_o d_o) + Σ_l Ȳ_l·Σ_{j&lt;l} a_lj K_j
 * </pre>
 * A stage that was not kept is recomputed from the traced state at the start of the step (only the
 * stages the step's result depends on, all of them when an output lies inside the step) and
 * linearized once; it costs an evaluation of the dynamics plus a product, a kept one the product
 * only. Both are counted in the backward evaluations.
 *
 * <p>Times. Step sizes are constants except where the solver clipped a step to land on a breakpoint
 * ({@code stepTimes}, {@code jumpTimes} or the final time; {@link StepTrace#clipped}): that step's
 * size is {@code t_break - t}. The steps up to the first clipped one start at {@code t_0 + Σ h}, so
 * they move with {@code t_0}; the final step moves its end with {@code t_{m-1}}; an interior output
 * time enters only through {@code θ_o} (or, when it is exactly a step boundary, gets
 * {@code g_o·f(t_o, y(t_o))}).
 */
final class DirectGradient implements GradientMethod {

    private static final String PASS = "backward pass of backprop through the solver";
    private static final String FORWARD = "forward pass of the ODE solve";

    /**
     * Default heap budget of the recorded forward evaluations (see {@link GradientMethod#direct()}):
     * a thirty-second of the maximum heap, between 8 MiB and 1 GiB.
     */
    static final long DEFAULT_RECORD_BYTES = Math.max(8L << 20, Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 32));

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
        return forward(system, y0, times, options, keep, new double[times.length * system.dimension()]);
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep, double[] into) {
        DenseWeights dw = DenseWeights.of(options.method()); // a method direct() cannot replay fails here
        if (!keep) {
            return new Pass(system, times, into, Passes.solveInto(system, y0, times, options, FORWARD, into),
                    options, dw, null, null);
        }
        StepTrace trace = new StepTrace(true);
        Recording rec = recordBytes > 0 ? new Recording(system, recordBytes) : null;
        SolverStats sol;
        try {
            sol = Passes.solveInto(rec == null ? system : rec, y0, times, options, FORWARD, into, trace);
        } catch (RuntimeException e) {
            if (rec != null) {
                rec.releaseAll();
            }
            throw e;
        }
        if (rec != null) {
            rec.keepOnlyTraced(trace);
        }
        return new Pass(system, times, into, sol, options, dw, trace, rec);
    }

    /**
     * The system as the forward solve sees it while recording: every evaluation is counted (its count
     * is the solver's evaluation ordinal) and, within the heap budget, linearized and kept by
     * ordinal (each linearization holds its value).
     */
    static final class Recording implements OdeSystem {
        private final DifferentiableOdeSystem system;
        private final long budget;
        private Linearization[] kept = new Linearization[64];
        private int calls;
        private int recorded;
        private int held;
        private int cap = Integer.MAX_VALUE;
        /** The heap of one recording (measured on the first one). */
        long bytesEach;

        Recording(DifferentiableOdeSystem system, long budget) {
            this.system = system;
            this.budget = budget;
        }

        @Override
        public void derivative(double t, double[] y, double[] dydt) {
            int ord = calls++;
            if (recorded >= cap) {
                system.derivative(t, y, dydt);
                return;
            }
            if (ord >= kept.length) {
                int len = Math.max(kept.length * 2, ord + 1);
                kept = Arrays.copyOf(kept, len);
            }
            if (recorded == 0) {
                // the first recording's heap allocation sizes them all: the budget gives the cap
                long before = allocatedBytes();
                kept[ord] = system.linearize(t, y, dydt);
                long measured = before < 0 ? -1 : allocatedBytes() - before;
                // arrays reused from the thread's pool are not new allocations, but are held all the same
                long bytes = Math.max(measured, kept[ord].sizeBytes());
                bytesEach = bytes > 0 ? bytes : 8L * (4L * dydt.length + system.parameterCount());
                cap = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / bytesEach));
            } else {
                kept[ord] = system.linearize(t, y, dydt);
            }
            recorded++;
            held++;
        }

        /** The kept linearization of evaluation {@code ord}, or null. */
        Linearization linearization(long ord) {
            return ord >= 0 && ord < kept.length ? kept[(int) ord] : null;
        }

        /** Releases evaluation {@code ord}'s linearization, if still held. */
        void release(long ord) {
            if (ord >= 0 && ord < kept.length && kept[(int) ord] != null) {
                kept[(int) ord].release();
                kept[(int) ord] = null;
                held--;
            }
        }

        /** Releases the evaluations no accepted step refers to (rejected attempts, the initial-step heuristic's). */
        void keepOnlyTraced(StepTrace trace) {
            boolean[] used = new boolean[Math.min(calls, kept.length)];
            int stages = trace.stageCount();
            for (int k = 0; k < trace.size(); k++) {
                for (int i = 0; i < stages; i++) {
                    long ord = trace.stageEvaluation(k, i);
                    if (ord >= 0 && ord < used.length) {
                        used[(int) ord] = true;
                    }
                }
            }
            for (int ord = 0; ord < used.length; ord++) {
                if (!used[ord]) {
                    release(ord);
                }
            }
        }

        void releaseAll() {
            for (int ord = 0; ord < kept.length; ord++) {
                release(ord);
            }
        }

        /** The evaluations recorded during the forward solve. */
        int recorded() {
            return recorded;
        }

        /** The recordings still held. */
        int held() {
            return held;
        }

        private static long allocatedBytes() {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            if (mx instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemoryEnabled()) {
                return sun.getCurrentThreadAllocatedBytes();
            }
            return -1;
        }
    }

    private static final class Pass extends SolvedPass {
        private final DenseWeights dw;
        private final StepTrace trace;
        private final Recording rec;
        /** The doubles one recording counts for (its heap, its value copy). */
        private final long recordDoubles;
        private final long forwardPeak;
        /** The doubles kept for the backward pass when the forward pass ended. */
        private final long stored;

        Pass(DifferentiableOdeSystem system, double[] times, double[] states, SolverStats sol, SolverOptions options,
             DenseWeights dw, StepTrace trace, Recording rec) {
            super(system, times, states, sol, options);
            this.dw = dw;
            this.trace = trace;
            this.rec = rec;
            this.recordDoubles = rec == null ? 0 : (rec.bytesEach + 7) / 8;
            long base = states.length + times.length + (trace == null ? 0 : trace.storedDoubles());
            this.forwardPeak = base + (rec == null ? 0 : rec.recorded() * recordDoubles);
            this.stored = base + (rec == null ? 0 : rec.held() * recordDoubles);
        }

        /**
         * The trace (start states, times, sizes, flags, stage ordinals), the outputs, and the forward
         * recordings the accepted steps refer to, each counted as the heap its first one took.
         */
        @Override
        public long storedDoubles() {
            return stored;
        }

        @Override
        public BackwardResult backward(double[] g) {
            try {
                return sweep(g);
            } finally {
                // the forward recordings have served: their arrays go back to the thread's pool for
                // the next solve (a second backward of this pass recomputes the stages instead)
                if (rec != null) {
                    rec.releaseAll();
                }
            }
        }

        private BackwardResult sweep(double[] g) {
            int m = times.length;
            if (trace == null || trace.size() == 0) {
                throw new IllegalStateException("backprop through the solver: no steps were recorded "
                        + "(the forward pass ran without a tape that requires gradients)");
            }
            int steps = trace.size();
            int n = system.dimension();
            int p = system.parameterCount();
            long peakBefore = Math.max(forwardPeak, stored);
            double t0 = times[0];
            if (trace.endTime(steps - 1) != times[m - 1]) {
                throw new IllegalStateException("backprop through the solver: the recorded steps end at t="
                        + trace.endTime(steps - 1) + ", not at the last output time " + times[m - 1]
                        + "; was the solve stopped early (by a step handler)?");
            }
            int firstClipped = steps - 1;
            for (int k = 0; k < steps; k++) {
                if (trace.clipped(k)) {
                    firstClipped = k;
                    break;
                }
            }
            // outputs: the step each lies in, whether it is that step's end, its θ
            int[] outStep = new int[m];
            boolean[] atEnd = new boolean[m];
            double[] theta = new double[m];
            int o = 1;
            for (int k = 0; k < steps && o < m; k++) {
                double start = trace.startTime(k);
                double end = trace.endTime(k);
                double h = trace.stepSize(k);
                while (o < m && (times[o] - end) * h <= 0) {
                    outStep[o] = k;
                    atEnd[o] = times[o] == end;
                    theta[o] = (times[o] - start) / h;
                    o++;
                }
            }
            if (o < m) {
                throw new IllegalStateException("backprop through the solver: output time " + times[o]
                        + " lies beyond the recorded steps");
            }

            Reverse r = new Reverse(g, n, p, m, steps - 1, outStep, atEnd, theta);
            for (int st = steps - 1; st >= 0; st--) {
                r.step(st);
                // times: steps up to the first clipped one start at t_0 + Σh; a clipped step ends on
                // its breakpoint, h = t_break - t
                if (st <= firstClipped) {
                    r.dtimes[0] += r.tBar;
                    if (trace.clipped(st)) {
                        r.dtimes[0] -= r.hBar;
                    }
                }
                if (st == steps - 1 && trace.clipped(st)) {
                    r.dtimes[m - 1] += r.hBar;
                }
                r.checkFinite(st);
            }
            double[] ybar = r.ybar;
            for (int i = 0; i < n; i++) {
                ybar[i] += g[i];
            }
            int total = dw.total;
            long peak = peakBefore + 3L * total * n + 4L * n + 2L * p + 2L * m * total;
            return new BackwardResult(ybar, r.thBar, r.dtimes, new SolverStats(r.evals, steps, 0), Double.NaN, Double.NaN,
                    peak);
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
            private final int total;
            private final double[][] a;
            private final double[] b;
            private final double[] c;
            private final int[] outStep;
            private final boolean[] atEnd;
            private final double[] theta;
            /** Whether the trace has the ordinal of every extended stage. */
            private final boolean ordinals;
            private final Linearization[] lin;
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

            Reverse(double[] g, int n, int p, int m, int lastStep, int[] outStep, boolean[] atEnd, double[] theta) {
                this.g = g;
                this.n = n;
                this.p = p;
                this.lastStep = lastStep;
                this.total = dw.total;
                this.a = dw.a;
                this.b = dw.b;
                this.c = dw.c;
                this.outStep = outStep;
                this.atEnd = atEnd;
                this.theta = theta;
                this.ordinals = rec != null && trace.stageCount() == total;
                this.lin = new Linearization[total];
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
             * Throws if, after the reverse sweep of step {@code st}, the state cotangent ȳ, the
             * parameter gradient θ̄ or the time gradient of {@code t_0} is not finite, naming the pass,
             * the part (as the adjoint methods name it: {@code adjoint state a[i]},
             * {@code parameter adjoint aθ[i]}, {@code time adjoint at}) and the step's start time.
             */
            void checkFinite(int st) {
                int bad = NonFiniteStateException.firstNonFinite(ybar);
                if (bad >= 0) {
                    throw new NonFiniteStateException(PASS, "adjoint state a[" + bad + "]", trace.startTime(st),
                            trace.stepSize(st), bad, ybar[bad]);
                }
                bad = NonFiniteStateException.firstNonFinite(thBar);
                if (bad >= 0) {
                    throw new NonFiniteStateException(PASS, "parameter adjoint aθ[" + bad + "]", trace.startTime(st),
                            trace.stepSize(st), bad, thBar[bad]);
                }
                if (!Double.isFinite(dtimes[0])) {
                    throw new NonFiniteStateException(PASS, "time adjoint at", trace.startTime(st),
                            trace.stepSize(st), 0, dtimes[0]);
                }
            }

            /** Step {@code st} of the trace: ȳ, θ̄, the output time gradients, t̄ and h̄. */
            void step(int st) {
                double t = trace.startTime(st);
                double h = trace.stepSize(st);
                double tEnd = trace.endTime(st);
                boolean afterJump = trace.afterJump(st);
                boolean beforeJump = trace.endsAtJump(st);
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
                trace.startState(st, y);
                int count = interp ? total : dw.s;
                recomputeStages(st, t, h, tEnd, afterJump, beforeJump, count, interp);
                reverseStages(count, inLo, h);
                stepSizeFromStages(count);
                interiorOutputs(inLo);
                startCotangent(count, inLo);
                oHi = oLo;
                System.arraycopy(kk[0], 0, nextK0, 0, n);
                releaseKept(st);
            }

            /**
             * Hands back the forward recordings step {@code st} used, except its first stage, which
             * is the previous step's last (FSAL, or {@code f(t + h, y1)}), and the next step's first.
             */
            private void releaseKept(int st) {
                if (!ordinals) {
                    return;
                }
                long first = trace.stageEvaluation(st, 0);
                for (int i = 1; i < total; i++) {
                    long ord = trace.stageEvaluation(st, i);
                    if (ord != first) {
                        rec.release(ord);
                    }
                }
                if (st < lastStep) {
                    rec.release(trace.stageEvaluation(st + 1, 0));
                }
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

            /** Forward: the stage derivatives, kept from the forward solve or recomputed and linearized. */
            private void recomputeStages(int st, double t, double h, double tEnd, boolean afterJump,
                                         boolean beforeJump, int count, boolean interp) {
                for (int i = 0; i < count; i++) {
                    done[i] = interp || dw.neededForStep[i];
                    if (!done[i]) {
                        continue;
                    }
                    fresh[i] = false;
                    long ord = ordinals ? trace.stageEvaluation(st, i) : -1;
                    Linearization kept = ord >= 0 ? rec.linearization(ord) : null;
                    if (kept != null) {
                        lin[i] = kept;
                        System.arraycopy(kept.value(), 0, kk[i], 0, n);
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
                    lin[i] = system.linearize(dw.stageTime(i, t, h, tEnd, afterJump, beforeJump), yi, kk[i]);
                    fresh[i] = true;
                    evals++;
                }
            }

            /** Reverse: the stages last to first, K̄_i and its vector–Jacobian product. */
            private void reverseStages(int count, int inLo, double h) {
                for (int i = count - 1; i >= 0; i--) {
                    if (!done[i]) {
                        continue;
                    }
                    if (!stageCotangent(i, count, inLo, h)) {
                        Arrays.fill(yBar[i], 0.0);
                    } else {
                        lin[i].vectorJacobianProduct(kBar, yBar[i], p > 0 ? thTmp : null, tau);
                        evals++;
                        for (int q = 0; q < p; q++) {
                            thBar[q] += thTmp[q];
                        }
                        tBar += tau[0];
                        hBar += c[i] * tau[0];
                    }
                    if (fresh[i]) {
                        lin[i].release(); // recomputed here, used once
                    }
                    lin[i] = null;
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
