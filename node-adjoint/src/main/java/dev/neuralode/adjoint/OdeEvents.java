package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.events.Event;
import dev.neuralode.solvers.events.EventFunction;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

/**
 * Differentiable solves until an event: the event time {@code t*} and the state there as tensors
 * on the tape, with gradients for {@code y0}, the start time, the dynamics' parameters {@code θ}
 * and the event function's parameters {@code φ}; and chains of events with resets (a bouncing
 * ball whose restitution and gravity are learned from its bounce times).
 *
 * <p><b>The gradient</b> (the implicit function theorem, as in Chen, Amos &amp; Nickel, "Learning
 * Neural Event Functions for Ordinary Differential Equations", ICLR 2021). The event time is defined
 * by {@code g(t*, y(t*; y0, θ), φ) = 0}, so
 * <pre>
 *   dt&#42;/dp = −(∂g/∂p + ∂g/∂y · ∂y/∂p) / (dg/dt),   dg/dt = ∂g/∂t + ∂g/∂y · f(t*, y*),
 *   dy(t*)/dp = ∂y/∂p + f(t*, y*) · dt&#42;/dp,
 * </pre>
 * with {@code ∂y/∂p} the sensitivity of the solve at the fixed end time. On the tape this is
 * arithmetic around one ordinary ODE-solve op ({@link OdeSolve}, any {@link GradientMethod}):
 * <pre>
 *   y_s = OdeSolve(f, y0, [t0, t*₀])                      (t*₀ the located time, a constant)
 *   T   = t*₀ − (g(t*₀, y_s; φ) − g₀) / D                  (g₀, D constants: value T = t*₀ exactly)
 *   y*  = y_s + f(t*₀, y*₀) · (T − t*₀)                    (value y_s; slope f in T)
 * </pre>
 * whose reverse sweep gives exactly the two formulas above: {@code T} receives {@code ∂L/∂t* +
 * ∂L/∂y*·f}, passes {@code −(that)/D · ∂g/∂y} to {@code y_s} (and so to {@code y0}, {@code t0},
 * {@code θ} through the solve op's own gradient method) and {@code −(that)/D · ∂g/∂φ} to {@code φ}.
 *
 * <p><b>The forward pass</b> locates {@code t*} with node-solvers' events (a terminal
 * {@link Event} in the chosen direction on the numeric value of {@code g}, the same options), then
 * re-solves {@code [t0, t*]} differentiably; the re-solve ends exactly at {@code t*}, its state
 * equals the located one within the solver's tolerance.
 *
 * <p>One trajectory at a time ({@code y0} is 1×n). Solves with events cannot go through
 * {@link OdeSolve} directly (it refuses options with events): the gradient methods differentiate
 * the steps of a plain solve.
 */
public final class OdeEvents {

    private OdeEvents() {
    }

    /**
     * Solves from {@code (t0, y0)} until the first crossing of {@code g} in {@code direction}.
     *
     * @param f         the dynamics
     * @param y0        the initial state, 1×n
     * @param t0        the initial time, 1×1 on the tape of {@code y0}; may require a gradient
     * @param g         the event function on the tape
     * @param direction which crossings count
     * @param tMax      the latest time searched (after, or before for a backwards solve, {@code t0})
     * @param options   the solver's options (without events)
     * @param method    how the gradient of the solve is computed
     * @return the event: its time and the state there
     * @throws IllegalArgumentException for bad shapes, tapes or times, or options that carry events
     * @throws IllegalStateException    if no event occurs before {@code tMax}, or the crossing is
     *                                  tangential ({@code dg/dt = 0} at {@code t*})
     */
    public static TapeEvent solveUntil(Dynamics f, Tensor y0, Tensor t0, EventCondition g, Event.Direction direction,
                                       double tMax, SolverOptions options, GradientMethod method) {
        return segment(f, y0, t0, g, direction, null, tMax, options, method, 0);
    }

    /**
     * Solves a chain of {@code count} events, each followed by {@code reset}: the state after
     * event {@code k} starts segment {@code k + 1} at the event's time (both on the tape).
     *
     * @param f         the dynamics
     * @param y0        the initial state, 1×n
     * @param t0        the initial time, 1×1 on the tape of {@code y0}
     * @param g         the event function on the tape
     * @param direction which crossings count
     * @param reset     the state reset on the tape
     * @param count     the number of events, {@code >= 1}
     * @param tMax      the latest time searched
     * @param options   the solver's options (without events)
     * @param method    how the gradient of each segment is computed
     * @return the events in time order
     * @throws IllegalArgumentException for bad input (see {@link #solveUntil}), {@code count < 1}
     *                                  or a null reset
     * @throws IllegalStateException    if fewer than {@code count} events occur before {@code tMax}
     */
    public static List<TapeEvent> solveChain(Dynamics f, Tensor y0, Tensor t0, EventCondition g,
                                             Event.Direction direction, StateReset reset, int count, double tMax,
                                             SolverOptions options, GradientMethod method) {
        if (reset == null) {
            throw new IllegalArgumentException("OdeEvents.solveChain: the reset must not be null");
        }
        if (count < 1) {
            throw new IllegalArgumentException("OdeEvents.solveChain: count must be >= 1, got " + count);
        }
        List<TapeEvent> out = new ArrayList<>(count);
        Tensor y = y0;
        Tensor t = t0;
        for (int k = 0; k < count; k++) {
            TapeEvent e = segment(f, y, t, g, direction, reset, tMax, options, method, k);
            out.add(e);
            y = e.stateAfter();
            t = e.time();
        }
        return out;
    }

    private static TapeEvent segment(Dynamics f, Tensor y0, Tensor t0, EventCondition g, Event.Direction direction,
                                     StateReset reset, double tMax, SolverOptions options, GradientMethod method,
                                     int index) {
        if (f == null || y0 == null || t0 == null || g == null || direction == null || options == null
                || method == null) {
            throw new IllegalArgumentException("OdeEvents: dynamics, y0, t0, event function, direction, options and"
                    + " method must not be null");
        }
        Tape tape = y0.tape();
        if (t0.tape() != tape) {
            throw new IllegalArgumentException("OdeEvents: t0 and y0 belong to different tapes");
        }
        if (y0.rows() != 1 || t0.rows() != 1 || t0.cols() != 1) {
            throw new IllegalArgumentException("OdeEvents: y0 must be 1xn (one trajectory) and t0 1x1, got y0 "
                    + y0.shapeString() + " and t0 " + t0.shapeString());
        }
        if (!options.events().isEmpty()) {
            throw new IllegalArgumentException("OdeEvents: the options already carry " + options.events().size()
                    + " event(s); pass the event function as an EventCondition instead");
        }
        double start = t0.item();
        if (!Double.isFinite(start) || !Double.isFinite(tMax) || start == tMax) {
            throw new IllegalArgumentException("OdeEvents: needs finite t0 != tMax, got t0=" + start + ", tMax=" + tMax);
        }
        int n = y0.cols();
        TapeOdeSystem system = new TapeOdeSystem(f, 1, n);
        double[] y0v = y0.value().data.clone();
        EventFunction gNum = new Scratch(g, n);
        OdeSolution located;
        try {
            located = OdeSolvers.solve(system, y0v, new double[] {start, tMax},
                    options.toBuilder().handler(null).events(Event.when(gNum).direction(direction).terminal()).build());
        } catch (dev.neuralode.core.NonFiniteStateException e) {
            throw e.inPass("forward event location of OdeEvents (segment " + index + ")");
        }
        if (!located.terminated()) {
            throw new IllegalStateException("OdeEvents: no " + direction.name().toLowerCase(java.util.Locale.ROOT)
                    + " crossing of the event function in segment " + index + " between t=" + start + " and tMax="
                    + tMax + " (g there: " + value(g, tMax, located.state(located.size() - 1), n) + ")");
        }
        double tStar = located.terminalEvent().orElseThrow().time();
        double[] yStar = located.terminalEvent().orElseThrow().stateBefore();
        // the differentiable re-solve to the located time
        Tensor times = Tensor.concatCols(t0, tape.scalar(tStar));
        OdeSolveResult solve = OdeSolve.solve(f, y0, times, options, method);
        Tensor ys = solve.at(1);
        // constants of the implicit-function step: f(t*, y*), dg/dt = ∂g/∂t + ∂g/∂y·f
        double[] fv = new double[n];
        system.derivative(tStar, ys.value().data, fv);
        double[] ysv = ys.value().data.clone();
        double dgdt = totalDerivative(g, tStar, ysv, fv);
        if (!(Math.abs(dgdt) > 0) || !Double.isFinite(dgdt)) {
            throw new IllegalStateException("OdeEvents: the crossing at t*=" + tStar + " in segment " + index
                    + " is tangential or undefined (dg/dt = " + dgdt + "): its time has no derivative");
        }
        Tensor tStarConst = tape.scalar(tStar);
        Tensor gv = g.apply(tStarConst, ys);
        if (gv.rows() != 1 || gv.cols() != 1) {
            throw new IllegalArgumentException("OdeEvents: the event function must return 1x1, got " + gv.shapeString());
        }
        Tensor time = tStarConst.sub(gv.sub(tape.scalar(gv.item())).scale(1.0 / dgdt));
        Tensor state = ys.add(time.sub(tape.scalar(tStar)).expand(1, n).mul(tape.constant(1, n, fv)));
        Tensor after = state;
        if (reset != null) {
            after = reset.apply(time, state);
            if (after == null || after.rows() != 1 || after.cols() != n) {
                throw new IllegalArgumentException("OdeEvents: the reset of segment " + index + " must return 1x" + n
                        + ", got " + (after == null ? "null" : after.shapeString()));
            }
        }
        return new TapeEvent(time, state, after, solve);
    }

    /**
     * The numeric event function of the location solve: {@code g} on a persistent no-grad scratch
     * tape whose inputs wrap reused buffers, recycled after each evaluation (as
     * {@link TapeOdeSystem#derivative}), so the location allocates nothing per step.
     */
    private static final class Scratch implements EventFunction {
        private final EventCondition g;
        private final Tape tape = new Tape();
        private final DMatrixRMaj tValue = new DMatrixRMaj(1, 1);
        private final DMatrixRMaj yValue;
        private final Tensor tIn;
        private final Tensor yIn;

        Scratch(EventCondition g, int n) {
            this.g = g;
            this.tape.noGrad();             // never closed: the scratch tape never records
            this.yValue = new DMatrixRMaj(1, n);
            this.tIn = tape.constant(tValue);
            this.yIn = tape.constant(yValue);
        }

        @Override
        public double value(double t, double[] y) {
            tValue.data[0] = t;
            System.arraycopy(y, 0, yValue.data, 0, yValue.numCols);
            try {
                Tensor v = g.apply(tIn, yIn);
                if (v.rows() != 1 || v.cols() != 1) {
                    throw new IllegalArgumentException("OdeEvents: the event function must return 1x1, got "
                            + v.shapeString());
                }
                return v.item();
            } finally {
                tape.recycle();
            }
        }
    }

    /** g evaluated on a private tape without recording. */
    private static double value(EventCondition g, double t, double[] y, int n) {
        Tape s = new Tape();
        try (Tape.Scope scope = s.noGrad()) {
            Tensor v = g.apply(s.scalar(t), s.constant(1, n, y));
            if (v.rows() != 1 || v.cols() != 1) {
                throw new IllegalArgumentException("OdeEvents: the event function must return 1x1, got "
                        + v.shapeString());
            }
            return v.item();
        }
    }

    /** {@code ∂g/∂t + ∂g/∂y · f} at {@code (t, y)}, from one reverse sweep of {@code g} on a private tape. */
    private static double totalDerivative(EventCondition g, double t, double[] y, double[] f) {
        Tape p = new Tape();
        Tensor tt = p.variable(new DMatrixRMaj(1, 1, true, t));
        Tensor yy = p.variable(new DMatrixRMaj(1, y.length, true, y));
        Tensor v = g.apply(tt, yy);
        Tensor[] d = p.gradients(v, null, false, tt, yy);
        double s = d[0].item();
        double[] gy = d[1].value().data;
        for (int i = 0; i < y.length; i++) {
            s += gy[i] * f[i];
        }
        return s;
    }
}
