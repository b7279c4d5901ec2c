package dev.neuralode.solvers.events;

import dev.neuralode.core.EventOccurrence;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.StepInterrupter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the events of one solve on the accepted steps' interpolants and tells the driver to stop
 * or restart (a {@link StepInterrupter}; {@code OdeSolvers} creates one per solve with events).
 *
 * <p><b>Detection.</b> Each event's sign {@code σ_k} is the sign of its last non-zero value. On an
 * accepted step {@code [t_a, t_b]} with interpolant {@code u}, {@code g_k(τ, u(τ))} is evaluated at
 * the end of the step and at points at most {@code min_k maxCheckInterval_k} apart inside it; a
 * sub-interval whose end has the sign {@code -σ_k} (or is zero) brackets a crossing. Crossings in
 * the event's direction are located; the earliest is acted on (at a tie, every recording event is
 * recorded, then the first terminal or resetting one, in the order the events were given, acts; the
 * other terminal or resetting ones at that time are not reported); a crossing against the direction only updates {@code σ_k}. After a recorded,
 * non-terminal, non-resetting occurrence the scan goes on from its time in the same step, so several
 * events, and several crossings of one event, in one step are handled in time order.
 *
 * <p><b>Location.</b> The Illinois variant of regula falsi (Dowell &amp; Jarratt, "A modified
 * regula falsi method for computing the root of an equation", BIT 11, 1971): the secant point of
 * the bracket {@code [a, b]}, and when the same end is kept twice in a row the function value at the
 * other end is halved, which gives superlinear convergence (order ≈ 1.44) without the one-sided
 * stagnation of plain regula falsi; a bisection step is forced whenever two iterations have not
 * halved the bracket, so at most about {@code 2·log2(|b - a| / tol)} iterations are needed. It
 * stops when the bracket is narrower than the event's time tolerance (at least four ulps of
 * {@code t}) or {@code g} is exactly zero, and returns the secant point of the final bracket
 * (returning one end instead would make every located time late by up to the tolerance, a bias
 * that accumulates along a chain of resets); the event counts as crossed from that time on.
 *
 * <p><b>Actions.</b> A terminal event cuts the step at {@code t*} and ends the solve; a reset cuts
 * it and restarts from {@code r(t*, y(t*))} (fresh evaluation, FSAL dropped, the controller's step
 * size kept). Right after the initial time or a restart at {@code t_r}, a zero value does not
 * trigger and a crossing within the time tolerance of {@code t_r} is ignored. The per-step work is
 * one evaluation of each {@code g_k} per check point; nothing is allocated per step (only per
 * occurrence).
 *
 * <p>Not thread-safe: one locator serves one solve.
 */
public final class EventLocator implements StepInterrupter {

    private static final int STOP = 1;
    private static final int RESET = 2;
    private static final int MAX_CHECKS = 1_000_000;

    private final Event[] events;
    private final int n;
    private final double[] y;
    private final double[] gNow;
    private final double[] gEnd;
    private final int[] sign;
    private final boolean[] allZero;
    private final double[] lastTime;
    private final double[] lastGap;
    private final int[] run;
    private final boolean[] candidate;
    private final double[] root;
    private final double minCheck;
    private final List<EventOccurrence> occurrences = new ArrayList<>();
    private double restartTime;
    private double dir;
    private int pendingAction;
    private int pendingEvent;
    private long evaluations;

    /**
     * A locator for one solve.
     *
     * @param events the events, in the order their indices refer to
     * @param n      the state dimension
     * @throws IllegalArgumentException if the list is empty or holds a null
     */
    public EventLocator(List<Event> events, int n) {
        if (events == null || events.isEmpty()) {
            throw new IllegalArgumentException("EventLocator needs at least one event");
        }
        this.events = events.toArray(new Event[0]);
        for (int k = 0; k < this.events.length; k++) {
            if (this.events[k] == null) {
                throw new IllegalArgumentException("event " + k + " is null");
            }
        }
        int m = this.events.length;
        this.n = n;
        this.y = new double[n];
        this.gNow = new double[m];
        this.gEnd = new double[m];
        this.sign = new int[m];
        this.allZero = new boolean[m];
        this.lastTime = new double[m];
        this.lastGap = new double[m];
        this.run = new int[m];
        this.candidate = new boolean[m];
        this.root = new double[m];
        double mc = Double.POSITIVE_INFINITY;
        for (Event e : this.events) {
            mc = Math.min(mc, e.maxCheckInterval());
        }
        this.minCheck = mc;
    }

    /**
     * The occurrences so far, in time order.
     *
     * @return an unmodifiable copy
     */
    public List<EventOccurrence> occurrences() {
        return List.copyOf(occurrences);
    }

    /**
     * The number of evaluations of event functions (sign checks and root finding).
     *
     * @return the count
     */
    public long evaluations() {
        return evaluations;
    }

    @Override
    public void start(double t0, double[] y0, double tEnd) {
        occurrences.clear();
        dir = Math.signum(tEnd - t0);
        pendingAction = 0;
        Arrays.fill(run, 0);
        Arrays.fill(lastTime, Double.NaN);
        initialise(t0, y0);
    }

    /** Signs at the initial time or a restart: zero means "not known yet", never a trigger. */
    private void initialise(double t, double[] state) {
        restartTime = t;
        for (int k = 0; k < events.length; k++) {
            double v = g(k, t, state);
            gNow[k] = v;
            sign[k] = (int) Math.signum(v);
            allZero[k] = v == 0;
        }
    }

    private double g(int k, double t, double[] state) {
        evaluations++;
        double v = events[k].function().value(t, state);
        if (!Double.isFinite(v)) {
            throw new EventException(name(k) + ": g(t, y) is not finite at t=" + t + ": " + v
                    + " (y=" + Arrays.toString(state) + ")", k, t);
        }
        return v;
    }

    private String name(int k) {
        String l = events[k].label();
        return "event " + k + (l == null ? "" : " '" + l + "'");
    }

    private double tolerance(int k, double t) {
        return Math.max(events[k].timeTolerance(), 4 * Math.ulp(Math.abs(t)));
    }

    @Override
    public double examine(StepInterpolator step) {
        final double ta = step.startTime();
        final double tb = step.endTime();
        final double h = tb - ta;
        int checks = 1;
        if (minCheck < Math.abs(h)) {
            checks = (int) Math.min(MAX_CHECKS, Math.ceil(Math.abs(h) / minCheck));
        }
        double a = ta;
        int m = events.length;
        for (int k = 0; k < m; k++) {
            if (sign[k] == 0) {
                probeSign(step, k, ta, tb);
            }
        }
        for (int j = 1; j <= checks; j++) {
            double b = j == checks ? tb : ta + h * ((double) j / checks);
            while (true) {
                if (b == tb) {
                    System.arraycopy(step.endState(), 0, y, 0, n);
                } else {
                    step.state(b, y);
                }
                boolean any = false;
                for (int k = 0; k < m; k++) {
                    double v = g(k, b, y);
                    gEnd[k] = v;
                    candidate[k] = false;
                    int s = (int) Math.signum(v);
                    if (sign[k] == 0) {
                        continue;                       // sign not known yet: set below, no trigger
                    }
                    if (s != sign[k] && counts(k, sign[k])) {
                        candidate[k] = true;
                        any = true;
                    }
                }
                if (!any) {
                    updateSigns(b);
                    break;
                }
                // locate every candidate, keep the earliest actionable ones
                double best = Double.NaN;
                for (int k = 0; k < m; k++) {
                    if (!candidate[k]) {
                        continue;
                    }
                    double r = locate(step, k, a, gNow[k], b, gEnd[k]);
                    if (dir * (r - restartTime) <= tolerance(k, restartTime)) {
                        candidate[k] = false;       // the restart itself (or the initial time)
                        continue;
                    }
                    root[k] = r;
                    if (Double.isNaN(best) || dir * (r - best) < 0) {
                        best = r;
                    }
                }
                if (Double.isNaN(best)) {
                    updateSigns(b);
                    break;
                }
                step.state(best, y);
                if (best == tb) {
                    System.arraycopy(step.endState(), 0, y, 0, n);
                }
                // ties: the recording ones first (in index order), then the first that stops or resets
                int act = -1;
                for (int k = 0; k < m; k++) {
                    if (!candidate[k] || root[k] != best) {
                        continue;
                    }
                    Event e = events[k];
                    if (e.isTerminal() || e.resetMap() != null) {
                        act = act < 0 ? k : act;
                        continue;
                    }
                    record(k, best, y, y, false);
                    sign[k] = -sign[k];
                }
                if (act >= 0) {
                    pendingAction = events[act].isTerminal() ? STOP : RESET;
                    pendingEvent = act;
                    return best;
                }
                // continue the scan from the occurrence: the others' values there
                for (int k = 0; k < m; k++) {
                    boolean occurred = candidate[k] && root[k] == best;
                    double v = g(k, best, y);
                    // an occurrence keeps its flipped sign and restarts its bracket from zero (its
                    // value at the located time may still have the old sign, within the tolerance)
                    gNow[k] = occurred ? 0.0 : v;
                    if (v != 0 && !occurred) {
                        sign[k] = (int) Math.signum(v);
                    }
                    allZero[k] &= v == 0;
                }
                a = best;
                if (best == b) {
                    break;
                }
            }
            a = b;
            System.arraycopy(gEnd, 0, gNow, 0, m);
        }
        for (int k = 0; k < m; k++) {
            if (allZero[k]) {
                throw new EventException(name(k) + ": g is identically zero on [" + restartTime + ", " + tb
                        + "] (zero at every check since " + (occurrences.isEmpty() ? "the initial time" : "the last restart")
                        + "); an event function must change sign", k, tb);
            }
        }
        return Double.NaN;
    }

    /**
     * g is exactly zero at the start of the step (the initial time or a restart): its sign is the
     * one just after, at {@code ta + max(10⁻⁶·h, 2·tol)} (at most half the step), so that a
     * crossing later in the same step is not mistaken for the first sign.
     */
    private void probeSign(StepInterpolator step, int k, double ta, double tb) {
        double h = tb - ta;
        double off = Math.min(0.5 * Math.abs(h), Math.max(1e-6 * Math.abs(h), 2 * tolerance(k, ta)));
        double probe = ta + Math.signum(h) * off;
        step.state(probe, y);
        double v = g(k, probe, y);
        if (v != 0) {
            sign[k] = (int) Math.signum(v);
            allZero[k] = false;
        }
    }

    /** Signs from the values at the end of a sub-interval without an actionable crossing. */
    private void updateSigns(double b) {
        for (int k = 0; k < events.length; k++) {
            double v = gEnd[k];
            if (v != 0) {
                sign[k] = (int) Math.signum(v);
                allZero[k] = false;
            }
        }
    }

    /** Whether a crossing away from sign {@code before} is one the event reacts to. */
    private boolean counts(int k, int before) {
        return switch (events[k].crossingDirection()) {
            case RISING -> before < 0;
            case FALLING -> before > 0;
            case EITHER -> true;
        };
    }

    /**
     * The Illinois iteration on {@code φ(τ) = g_k(τ, u(τ))} over {@code [a, b]}, {@code φ(a)} of
     * the old sign (or zero at a restart of the scan), {@code φ(b)} of the new sign or zero.
     */
    private double locate(StepInterpolator step, int k, double a, double fa, double b, double fb) {
        if (fb == 0) {
            return b;
        }
        if (fa == 0) {
            // the scan restarted on the root of another event: nudge a one tolerance inside
            double probe = a + (b - a) * 1e-3;
            step.state(probe, y);
            fa = g(k, probe, y);
            if (Math.signum(fa) == Math.signum(fb)) {
                return probe;
            }
            a = probe;
        }
        double tol = tolerance(k, Math.max(Math.abs(a), Math.abs(b)));
        double ga = fa;                     // the true values at the ends (fa, fb get halved)
        double gb = fb;
        int side = 0;
        double width = Math.abs(b - a);
        int sinceHalved = 0;
        for (int it = 0; it < 400 && Math.abs(b - a) > tol; it++) {
            double c;
            if (sinceHalved >= 2) {
                c = 0.5 * (a + b);
                sinceHalved = 0;
            } else {
                c = b - fb * (b - a) / (fb - fa);
            }
            if (!(dir * (c - a) > 0 && dir * (b - c) > 0)) {
                c = 0.5 * (a + b);
            }
            if (c == a || c == b) {
                break;
            }
            step.state(c, y);
            double fc = g(k, c, y);
            if (fc == 0) {
                return c;
            }
            if (Math.signum(fc) == Math.signum(fb)) {
                b = c;
                fb = fc;
                gb = fc;
                if (side == 1) {
                    fa *= 0.5;
                }
                side = 1;
            } else {
                a = c;
                fa = fc;
                ga = fc;
                if (side == -1) {
                    fb *= 0.5;
                }
                side = -1;
            }
            double w = Math.abs(b - a);
            if (w <= 0.5 * width) {
                width = w;
                sinceHalved = 0;
            } else {
                sinceHalved++;
            }
        }
        // the secant point of the final bracket: unbiased, where the far end would be late by up
        // to the tolerance at every occurrence (a bias that accumulates over a chain of resets)
        double c = b - gb * (b - a) / (gb - ga);
        return dir * (c - a) > 0 && dir * (b - c) >= 0 ? c : b;
    }

    @Override
    public boolean resume(double t, double[] state) {
        int k = pendingEvent;
        int action = pendingAction;
        pendingAction = 0;
        Event e = events[k];
        double[] after = state.clone();
        if (e.resetMap() != null) {
            applyReset(k, t, state, after);
        }
        if (action == STOP) {
            record(k, t, state, after, true);
            return false;
        }
        record(k, t, state, after, false);
        System.arraycopy(after, 0, state, 0, n);
        initialise(t, state);
        return true;
    }

    private void applyReset(int k, double t, double[] before, double[] after) {
        try {
            events[k].resetMap().apply(t, before.clone(), after);
        } catch (Event.WrongLength w) {
            throw new EventException(name(k) + ": the reset at t=" + t + " returned a state of length "
                    + (w.length < 0 ? "null" : w.length) + ", the state has " + n + " components", k, t);
        } catch (IndexOutOfBoundsException ex) {
            throw new EventException(name(k) + ": the reset at t=" + t + " wrote outside the state of " + n
                    + " components (" + ex.getMessage() + ")", k, t);
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(after[i])) {
                throw new EventException(name(k) + ": the reset at t=" + t + " produced a non-finite state:"
                        + " component " + i + " = " + after[i] + " (from y=" + Arrays.toString(before) + ")", k, t);
            }
        }
    }

    private void record(int k, double t, double[] before, double[] after, boolean terminal) {
        double prev = lastTime[k];
        if (!Double.isNaN(prev)) {
            double gap = Math.abs(t - prev);
            boolean shrinking = !Double.isNaN(lastGap[k]) && gap < lastGap[k] || gap <= tolerance(k, t);
            run[k] = shrinking ? run[k] + 1 : 2;
            lastGap[k] = gap;
        } else {
            run[k] = 1;
            lastGap[k] = Double.NaN;
        }
        lastTime[k] = t;
        occurrences.add(new EventOccurrence(t, k, before, after, terminal));
        if (run[k] >= events[k].zenoLimit()) {
            throw new EventException(name(k) + " accumulates (Zeno): " + run[k] + " occurrences in a row with"
                    + " shrinking gaps, the last at t=" + t + " after a gap of " + lastGap[k]
                    + "; the limit is zenoLimit=" + events[k].zenoLimit(), k, t);
        }
    }
}
