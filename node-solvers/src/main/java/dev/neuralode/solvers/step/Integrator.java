package dev.neuralode.solvers.step;

import dev.neuralode.core.MaxStepsExceededException;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.SolverStats;
import dev.neuralode.core.StepSizeUnderflowException;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.StepController;

import java.util.Arrays;

/**
 * The one driver of every method: fixed-step and adaptive stepping over a {@link Stepper}, written
 * once and method-agnostic.
 *
 * <p>Adaptive stepping (the field's standard control, Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>,
 * §II.4): the first step from Hairer's two-evaluation heuristic (or {@code firstStep}); a step is
 * accepted when its error ratio is at most 1; the next step is {@code h · clamp(safety ·
 * controller(ratio, ...), minFactor, maxFactor)}, not growing right after a rejection (unless the controller says otherwise, {@link StepController#holdsAfterRejection()}; likewise {@link StepController#shrinksAcceptedSteps()}); a rejected
 * step shrinks by {@code max(minFactor, safety · ratio^(-1/(q+1)))}. A stepper that chooses its own next step
 * ({@link Stepper#proposedStep()}, the variable-order BDF) overrides both proposals. A step that would end within 1 %
 * of a breakpoint, or past it, is clipped to end <em>exactly</em> on it: the final time, the
 * {@code stepTimes} (derivative carried over, FSAL) and the {@code jumpTimes} (known discontinuities:
 * the next step starts with a fresh evaluation just past the jump). Fixed-step integration divides
 * each interval between breakpoints into {@code ceil(length / h)} steps, the last one ending exactly
 * on the breakpoint.
 *
 * <p>Handlers see each accepted step's interpolant (see {@link StepHandler}); the driver's view adds
 * the error ratio and whether the step was clipped. An optional {@link StepInterrupter} (events) sees
 * each step first and may cut it short: the handlers then see the step up to the cut, and the solve
 * stops there or restarts from the state the interrupter gives, as at a jump time (fresh evaluation,
 * FSAL dropped, the controller's proposed size kept). The loop allocates nothing.
 */
public final class Integrator {

    private final Stepper stepper;
    private final SolverOptions options;
    private final Tolerance tolerance;
    private final StepHandler[] handlers;
    private final View view = new View();
    private final StepInterrupter interrupter;
    private final Cut cut;
    private final double[] restartState;
    /** The time at which the interrupter cut the last delivered step, NaN if it did not. */
    private double cutTime = Double.NaN;
    /** The state handed to the handlers' finish when the interrupter stopped the solve. */
    private double[] stopState;
    private long accepted;
    private long rejected;
    /** Set after a restart at a jump time, until the next accepted step is delivered. */
    private boolean pendingJump;

    /**
     * Prepares an integration.
     *
     * @param stepper   the method's stepper for this solve
     * @param options   the step-control settings (fixed step size, controller, bounds, breakpoints)
     * @param tolerance the error control
     * @param handlers  the handlers, called in this order after each accepted step
     */
    public Integrator(Stepper stepper, SolverOptions options, Tolerance tolerance, StepHandler... handlers) {
        this(stepper, options, tolerance, null, handlers);
    }

    /**
     * Prepares an integration whose steps an interrupter (events) examines before the handlers.
     *
     * @param stepper     the method's stepper for this solve
     * @param options     the step-control settings
     * @param tolerance   the error control
     * @param interrupter sees each accepted step first and may cut it, stop or restart; may be null
     * @param handlers    the handlers, called in this order after each accepted step
     */
    public Integrator(Stepper stepper, SolverOptions options, Tolerance tolerance, StepInterrupter interrupter,
                      StepHandler... handlers) {
        this.stepper = stepper;
        this.options = options;
        this.tolerance = tolerance;
        this.handlers = handlers.clone();
        this.view.n = stepper.dimension();
        this.interrupter = interrupter;
        this.cut = interrupter == null ? null : new Cut(stepper.dimension());
        this.restartState = interrupter == null ? null : new double[stepper.dimension()];
        stepper.tolerance(tolerance);
    }

    /**
     * Integrates from {@code (t0, y0)} to {@code tEnd} (or until a handler stops).
     *
     * @param t0   the initial time
     * @param y0   the initial state. Not modified.
     * @param tEnd the final time, different from {@code t0}
     * @return the time reached: {@code tEnd}, or the end of the step at which a handler stopped
     * @throws NonFiniteStateException    if a derivative or a state becomes NaN or infinite
     * @throws MaxStepsExceededException  when the step budget is exhausted
     * @throws StepSizeUnderflowException when the step size underflows
     */
    public double integrate(double t0, double[] y0, double tEnd) {
        double dir = Math.signum(tEnd - t0);
        stepper.reset(t0, y0, t0);
        double[] f0 = stepper.derivative();
        int bad = NonFiniteStateException.firstNonFinite(f0);
        if (bad >= 0) {
            throw new NonFiniteStateException("derivative", t0, Double.NaN, bad, f0[bad]);
        }
        if (interrupter != null) {
            interrupter.start(t0, stepper.state(), tEnd);
        }
        for (StepHandler hd : handlers) {
            hd.start(t0, stepper.state(), tEnd);
        }
        stopState = null;
        Breakpoints bps = new Breakpoints(t0, tEnd, dir, options.stepTimes(), options.jumpTimes());
        boolean fixed = !Double.isNaN(options.stepSize()) || !stepper.method().isAdaptive();
        double reached = fixed ? runFixed(t0, dir, bps) : runAdaptive(t0, tEnd, dir, bps);
        double[] yEnd = stopState != null ? stopState : stepper.state();
        for (StepHandler hd : handlers) {
            hd.finish(reached, yEnd);
        }
        return reached;
    }

    /**
     * The work done so far: evaluations (all of them, including the initial-step heuristic's and
     * the interpolants' extra stages), accepted and rejected steps.
     *
     * @return the counters
     */
    public SolverStats stats() {
        return stepper.stats(accepted, rejected);
    }

    // ------------------------------------------------------------------ fixed step

    private double runFixed(double t0, double dir, Breakpoints bps) {
        double hAbs = options.stepSize();
        long maxSteps = options.maxSteps();
        double t = t0;
        for (int bi = 0; bi < bps.size(); bi++) {
            double tSeg = t;
            double tb = bps.time(bi);
            double ratio = Math.abs(tb - tSeg) / hAbs;
            long count = Math.max(1L, (long) Math.ceil(ratio - 1e-9));
            for (long i = 1; i <= count; i++) {
                double tNew = i == count ? tb : tSeg + dir * (i * hAbs);
                double h = tNew - t;
                if (accepted >= maxSteps) {
                    throw maxSteps(maxSteps, t, h, bps.last());
                }
                stepper.attempt(h, tNew, i == count && bps.isJump(bi));
                if (!finite(stepper.proposal())) {
                    stepper.requireFinite();
                }
                accepted++;
                boolean hit = i == count;
                boolean go = deliver(stepper.accept(), t, h, tNew, 0.0, hit);
                if (!Double.isNaN(cutTime)) {
                    if (!go) {
                        return cutTime;
                    }
                    t = cutTime;
                    restartAfterInterruption(t, tNew, hit && bps.isJump(bi), dir);
                    if (t != tNew) {
                        i--;                        // the same grid point again, from the cut
                    }
                    continue;
                }
                if (!go) {
                    return tNew;
                }
                t = tNew;
                if (hit && bps.isJump(bi)) {
                    restartAfterJump(t, dir);
                }
            }
        }
        return t;
    }

    // ------------------------------------------------------------------ adaptive

    private double runAdaptive(double t0, double tEnd, double dir, Breakpoints bps) {
        final long maxSteps = options.maxSteps();
        final double safety = options.safety();
        final double minFactor = options.minFactor();
        final double maxFactor = options.maxFactor();
        final double maxStep = options.maxStep();
        final StepController controller = options.controller();
        final int q = stepper.method().controlOrder();
        final double rejectExponent = -1.0 / (q + 1);
        final boolean shrinkOnAccept = controller.shrinksAcceptedSteps();
        final boolean holdAfterReject = controller.holdsAfterRejection();

        double h = Double.isNaN(options.firstStep())
                ? initialStep(t0, tEnd, dir) : dir * Math.min(options.firstStep(), maxStep);
        double t = t0;
        double prevRatio = 1.0;
        double olderRatio = 1.0;
        boolean lastRejected = false;
        int bi = 0;
        while (true) {
            double tb = bps.time(bi);
            double hStep = dir * Math.min(Math.abs(h), maxStep);
            boolean hit = false;
            if (dir * (t + 1.01 * hStep - tb) >= 0) {
                hStep = tb - t;
                hit = true;
            }
            if (accepted + rejected >= maxSteps) {
                throw maxSteps(maxSteps, t, hStep, tEnd);
            }
            double tNew = hit ? tb : t + hStep;
            stepper.attempt(hStep, tNew, hit && bps.isJump(bi));
            double ratio = stepper.errorRatio(tolerance);
            if (!(ratio <= 1.0)) {
                if (!(ratio < Double.POSITIVE_INFINITY)) {
                    stepper.requireFinite();
                    ratio = Double.POSITIVE_INFINITY;
                }
                rejected++;
                double fac = Math.max(minFactor, safety * Math.pow(ratio, rejectExponent));
                h = hStep * Math.min(1.0, fac);
                double own = stepper.proposedStep();
                if (!Double.isNaN(own)) {
                    h = own;
                }
                if (Math.abs(h) <= 4 * Math.ulp(t) || Math.abs(h) < Double.MIN_NORMAL) {
                    throw new StepSizeUnderflowException(t, h, stepper.worstComponent(tolerance));
                }
                lastRejected = true;
                continue;
            }
            accepted++;
            double fac;
            if (ratio == 0.0) {
                fac = maxFactor;
            } else {
                fac = safety * controller.factor(ratio, prevRatio, olderRatio, q);
                fac = fac < minFactor ? minFactor : (fac > maxFactor ? maxFactor : fac);
                if (fac < 1.0 && !shrinkOnAccept) {
                    fac = 1.0;
                }
            }
            if (lastRejected && fac > 1.0 && holdAfterReject) {
                fac = 1.0;
            }
            olderRatio = prevRatio;
            prevRatio = Math.max(ratio, 1e-4);
            lastRejected = false;
            boolean go = deliver(stepper.accept(), t, hStep, tNew, ratio, hit);
            h = hStep * fac;
            double own = stepper.proposedStep();
            if (!Double.isNaN(own)) {
                h = own;
            }
            if (!Double.isNaN(cutTime)) {
                if (!go) {
                    return cutTime;
                }
                t = cutTime;
                restartAfterInterruption(t, tNew, hit && bps.isJump(bi), dir);
                if (hit && t == tNew && ++bi == bps.size()) {
                    return t;
                }
                continue;
            }
            if (!go) {
                return tNew;
            }
            t = tNew;
            if (hit) {
                if (bps.isJump(bi)) {
                    restartAfterJump(t, dir);
                }
                bi++;
                if (bi == bps.size()) {
                    return t;
                }
            }
        }
    }

    /**
     * The exception for an exhausted step budget; when the stepper's stiffness estimate
     * ({@link Stepper#stiffnessEstimate()}) of the last attempt is at least half its stability limit,
     * the steps were bounded by stability, not accuracy: the message says the problem looks stiff and
     * names the registered implicit methods.
     */
    private MaxStepsExceededException maxSteps(long maxSteps, double t, double h, double tEnd) {
        String hint = null;
        if (!stepper.method().isImplicit()) {
            double est = stepper.stiffnessEstimate();
            double limit = stepper.stabilityLimit();
            if (est >= STIFF_FRACTION * limit) {
                StringBuilder names = new StringBuilder();
                for (String name : dev.neuralode.solvers.OdeSolvers.methods()) {
                    if (dev.neuralode.solvers.OdeSolvers.method(name).isImplicit()) {
                        names.append(names.length() == 0 ? "" : ", ").append(name);
                    }
                }
                hint = String.format(java.util.Locale.ROOT, "h*|lambda| ~ %.3g on the last step, against %s's"
                        + " stability limit %.3g: its steps are bounded by stability, not accuracy; use a stiff"
                        + " method: %s", est, stepper.method().name(), limit,
                        names.length() == 0 ? "none registered" : names);
            }
        }
        return new MaxStepsExceededException(maxSteps, t, h, tEnd, hint);
    }

    /** The fraction of the stability limit above which the last step's h·ρ counts as stiff. */
    private static final double STIFF_FRACTION = 0.5;

    private void restartAfterJump(double t, double dir) {
        stepper.reset(t, stepper.state().clone(), Math.nextAfter(t, dir * Double.POSITIVE_INFINITY));
        pendingJump = true;
    }

    /** After an interruption the interrupter continued: the stepper restarts from its state. */
    private void restartAfterInterruption(double t, double tNew, boolean atJump, double dir) {
        double evalTime = atJump && t == tNew ? Math.nextAfter(t, dir * Double.POSITIVE_INFINITY) : t;
        stepper.reset(t, restartState, evalTime);
        pendingJump = true;
    }

    /**
     * Hands an accepted step to the interrupter and the handlers; false when one of them stops the
     * solve. Sets {@link #cutTime} (NaN when the step stands).
     */
    private boolean deliver(StepInterpolator step, double t, double h, double tNew, double ratio, boolean clipped) {
        view.step = step;
        view.start = t;
        view.end = tNew;
        view.h = h;
        view.ratio = ratio;
        view.clipped = clipped;
        view.afterJump = pendingJump;
        pendingJump = false;
        cutTime = Double.NaN;
        StepInterpolator seen = view;
        if (interrupter != null) {
            double tc = interrupter.examine(view);
            if (!Double.isNaN(tc)) {
                if (!(h * (tc - t) > 0 && h * (tc - tNew) <= 0)) {
                    throw new IllegalStateException("the step interrupter cut the step [" + t + ", " + tNew
                            + "] at t=" + tc + ", outside (t, t + h]");
                }
                cutTime = tc;
                if (tc != tNew) {
                    cut.set(view, tc);
                    seen = cut;
                }
            }
        }
        boolean go = true;
        for (StepHandler hd : handlers) {
            go &= hd.handleStep(seen);
        }
        if (!Double.isNaN(cutTime)) {
            if (seen == cut) {
                System.arraycopy(cut.endState, 0, restartState, 0, restartState.length);
            } else {
                System.arraycopy(view.endState(), 0, restartState, 0, restartState.length);
            }
            boolean more = interrupter.resume(cutTime, restartState);
            if (!more || !go) {
                stopState = restartState;
                return false;
            }
        }
        return go;
    }

    /**
     * Hairer, Nørsett, Wanner I, §II.4: the starting step from two evaluations,
     * {@code h1 = (0.01 / max(d1, d2))^(1/(q+1))} with q the controller's order (as Hairer's
     * DOPRI5/DOP853 codes, scipy and torchdiffeq: 1/5 for dopri5, 1/8 for DOP853).
     */
    private double initialStep(double t0, double tEnd, double dir) {
        double[] y = stepper.state();
        double[] f0 = stepper.derivative();
        int n = y.length;
        double[] scaled = new double[n];
        double[] ytmp = new double[n];
        double[] f1 = new double[n];
        var norm = tolerance.norm();
        double rtol = tolerance.rtol();
        for (int i = 0; i < n; i++) {
            scaled[i] = y[i] / (tolerance.atol(i) + rtol * Math.abs(y[i]));
        }
        double d0 = norm.norm(scaled, n);
        for (int i = 0; i < n; i++) {
            scaled[i] = f0[i] / (tolerance.atol(i) + rtol * Math.abs(y[i]));
        }
        double d1 = norm.norm(scaled, n);
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.min(h0, Math.min(options.maxStep(), Math.abs(tEnd - t0)));
        for (int i = 0; i < n; i++) {
            ytmp[i] = y[i] + dir * h0 * f0[i];
        }
        // h0 <= |tEnd - t0|, but t0 + dir·h0 may still round past tEnd: f is never evaluated outside
        // the interval (a system defined only on it, such as an adjoint over a dense solution, fails)
        double tProbe = t0 + dir * h0;
        if (dir * (tProbe - tEnd) > 0) {
            tProbe = tEnd;
        }
        stepper.evaluate(tProbe, ytmp, f1);
        for (int i = 0; i < n; i++) {
            scaled[i] = (f1[i] - f0[i]) / (tolerance.atol(i) + rtol * Math.abs(y[i]));
        }
        double d2 = norm.norm(scaled, n) / h0;
        double dm = Math.max(d1, d2);
        double h1 = !(dm > 1e-15) ? Math.max(1e-6, h0 * 1e-3)
                : Math.pow(0.01 / dm, 1.0 / (stepper.method().controlOrder() + 1));
        if (!Double.isFinite(h1)) {
            h1 = h0;
        }
        double h = Math.min(100 * h0, h1);
        return dir * Math.min(h, options.maxStep());
    }

    private static boolean finite(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return Double.isFinite(sum) || NonFiniteStateException.firstNonFinite(v) < 0;
    }

    /** The driver's view of an accepted step: the stepper's interpolant plus the driver's facts. */
    private static final class View implements StepInterpolator {
        StepInterpolator step;
        double start;
        double end;
        double h;
        int n;
        double ratio;
        boolean clipped;
        boolean afterJump;

        // the times and the size are the driver's own (the stepper was given them), read without a call
        @Override public int dimension() { return n; }
        @Override public double startTime() { return start; }
        @Override public double endTime() { return end; }
        @Override public double stepSize() { return h; }
        @Override public double errorRatio() { return ratio; }
        @Override public boolean clipped() { return clipped; }
        @Override public boolean afterJump() { return afterJump; }
        @Override public double[] startState() { return step.startState(); }
        @Override public double[] endState() { return step.endState(); }
        @Override public void state(double t, double[] out) { step.state(t, out); }
        @Override public void derivative(double t, double[] out) { step.derivative(t, out); }
        @Override public int degree() { return step.degree(); }
        @Override public void coefficients(double[] dst, int offset) { step.coefficients(dst, offset); }
        @Override public int stageCount() { return step.stageCount(); }
        @Override public long stageEvaluation(int i) { return step.stageEvaluation(i); }
    }

    /**
     * A step cut short at {@code tc}: the same interpolant restricted to {@code [t, tc]}, its
     * power-basis coefficients rescaled to {@code θ' = (t_out - t) / (tc - t)}
     * ({@code P'_q = s^q P_q}, {@code s = (tc - t) / h}). It exposes no stages: they are those of the
     * full step, which a replaying gradient method could not use.
     */
    private static final class Cut implements StepInterpolator {
        final double[] endState;
        View full;
        double end;

        Cut(int n) {
            endState = new double[n];
        }

        void set(View step, double tc) {
            full = step;
            end = tc;
            step.state(tc, endState);
        }

        @Override public int dimension() { return full.n; }
        @Override public double startTime() { return full.start; }
        @Override public double endTime() { return end; }
        @Override public double stepSize() { return end - full.start; }
        @Override public double errorRatio() { return full.ratio; }
        @Override public boolean afterJump() { return full.afterJump; }
        @Override public double[] startState() { return full.startState(); }
        @Override public double[] endState() { return endState; }
        @Override public void state(double t, double[] out) { full.state(t, out); }
        @Override public void derivative(double t, double[] out) { full.derivative(t, out); }
        @Override public int degree() { return full.degree(); }

        @Override
        public void coefficients(double[] dst, int offset) {
            full.coefficients(dst, offset);
            int n = full.n;
            double s = (end - full.start) / full.h;
            double scale = 1.0;
            for (int q = 1; q <= full.degree(); q++) {
                scale *= s;
                int base = offset + q * n;
                for (int i = 0; i < n; i++) {
                    dst[base + i] *= scale;
                }
            }
        }
    }

    /** The breakpoints inside {@code (t0, tEnd)} in the direction of integration, then {@code tEnd}. */
    static final class Breakpoints {
        private final double[] times;
        private final boolean[] jump;

        Breakpoints(double t0, double tEnd, double dir, double[] stepTimes, double[] jumpTimes) {
            if ((stepTimes == null || stepTimes.length == 0) && (jumpTimes == null || jumpTimes.length == 0)) {
                this.times = new double[] {tEnd};
                this.jump = new boolean[1];
                return;
            }
            int cap = 1 + (stepTimes == null ? 0 : stepTimes.length) + (jumpTimes == null ? 0 : jumpTimes.length);
            double[] t = new double[cap];
            boolean[] j = new boolean[cap];
            int m = 0;
            for (int pass = 0; pass < 2; pass++) {
                double[] src = pass == 0 ? stepTimes : jumpTimes;
                if (src == null) {
                    continue;
                }
                for (double st : src) {
                    if (dir * (st - t0) > 0 && dir * (st - tEnd) < 0) {
                        t[m] = st;
                        j[m++] = pass == 1;
                    }
                }
            }
            Integer[] order = new Integer[m];
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(dir * t[a], dir * t[b]));
            double[] ts = new double[m + 1];
            boolean[] js = new boolean[m + 1];
            int u = 0;
            for (int i = 0; i < m; i++) {
                int k = order[i];
                if (u > 0 && ts[u - 1] == t[k]) {
                    js[u - 1] |= j[k];
                } else {
                    ts[u] = t[k];
                    js[u++] = j[k];
                }
            }
            ts[u] = tEnd;
            this.times = Arrays.copyOf(ts, u + 1);
            this.jump = Arrays.copyOf(js, u + 1);
        }

        int size() {
            return times.length;
        }

        double time(int i) {
            return times[i];
        }

        boolean isJump(int i) {
            return jump[i];
        }

        double last() {
            return times[times.length - 1];
        }
    }
}
