package dev.neuralode.solvers;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.EventOccurrence;
import dev.neuralode.solvers.events.EventLocator;
import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.explicit.Tableaus;
import dev.neuralode.solvers.composite.AutoSwitch;
import dev.neuralode.solvers.implicit.ImplicitMethods;
import dev.neuralode.solvers.step.Integrator;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.StepHandler;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.Tolerance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The entry point: solve an ODE system {@code dy/dt = f(t, y)} at requested output times
 * ({@link #solve}) or as a dense solution ({@link #solveDense}), with any registered
 * {@link Method}; and the open method registry ({@link #register}, {@link #method}).
 *
 * <pre>{@code
 * OdeSystem decay = (t, y, dydt) -> dydt[0] = -0.5 * y[0];
 * OdeSolution sol = OdeSolvers.solve(decay, new double[] {1.0}, new double[] {0, 1, 2},
 *         SolverOptions.builder().method("dopri5").rtol(1e-8).atol(1e-10).build());
 * double y2 = sol.state(2)[0];   // ≈ exp(-1)
 * }</pre>
 *
 * <p>Every solve runs the method's {@link dev.neuralode.solvers.step.Stepper} under the one
 * driver, {@link Integrator}: the mixed error norm, Hairer's initial step selection, rejection and
 * retry with no growth right after a rejection, the chosen {@link StepController}, and steps that
 * end exactly on the final time, the {@code stepTimes} and the {@code jumpTimes}. Outputs at
 * requested times come from each step's interpolant (a {@link StepHandler}) and never change the
 * steps taken.
 *
 * <p>Stateless and thread-safe (the registry is synchronised): each call allocates its own
 * buffers once; the step loop allocates nothing.
 */
public final class OdeSolvers {

    private static final Map<String, Method> REGISTRY = new LinkedHashMap<>();

    static {
        for (ButcherTableau t : Tableaus.all()) {
            REGISTRY.put(t.name(), t);
        }
        for (Method m : ImplicitMethods.all()) {
            REGISTRY.put(m.name(), m);
        }
        REGISTRY.put(AutoSwitch.AUTO.name(), AutoSwitch.AUTO);
    }

    private OdeSolvers() {
    }

    /**
     * Solves {@code dy/dt = f(t, y)}, {@code y(times[0]) = y0}, and returns the states at
     * {@code times}.
     *
     * @param f        the system; called only from the calling thread
     * @param y0       the initial state, finite, length {@code n >= 1}. Not modified.
     * @param times    the output times, at least two, finite, strictly increasing or strictly
     *                 decreasing (backwards in time); {@code times[0]} is the initial time.
     *                 Not modified.
     * @param options  the method and its settings
     * @param handlers more step handlers for this solve only (after the options' own handler), for
     *                 example a {@link dev.neuralode.solvers.step.StepTrace}
     * @return the solution: {@code states()[0]} equals {@code y0}, row {@code i} is the state at
     *         {@code times[i]}; fewer rows only if a handler stopped the solve or a terminal event
     *         ended it (then the last row is the state at the event time, which is the last time,
     *         and {@link OdeSolution#terminated()} says so); the options' events' occurrences in
     *         {@link OdeSolution#events()}
     * @throws IllegalArgumentException for bad input (non-finite {@code y0}, too few or
     *                                  non-monotone times, a fixed-step method without a step
     *                                  size, an atol vector of the wrong length), before any work
     * @throws dev.neuralode.core.NonFiniteStateException     if the derivative becomes NaN or
     *                                                         infinite (names t and component)
     * @throws dev.neuralode.core.MaxStepsExceededException   when the step budget is exhausted
     * @throws dev.neuralode.core.StepSizeUnderflowException  when the step size underflows
     * @throws dev.neuralode.solvers.events.EventException    when an event function or reset fails
     *                                                         or events accumulate (Zeno)
     */
    public static OdeSolution solve(OdeSystem f, double[] y0, double[] times, SolverOptions options,
                                    StepHandler... handlers) {
        double[] ts = checkedTimes(f, y0, times, options);
        Outputs out = new Outputs(ts, y0);
        EventLocator events = locator(options, y0.length);
        Integrator driver = driver(f, y0, options, events, out, handlers);
        driver.integrate(ts[0], y0, ts[ts.length - 1]);
        int m = out.count;
        double[] outTimes = m == ts.length ? ts : Arrays.copyOf(ts, m);
        double[][] states = m == ts.length ? out.states : Arrays.copyOf(out.states, m);
        if (events == null) {
            return OdeSolution.ofOwned(outTimes, states, driver.stats());
        }
        List<EventOccurrence> occ = events.occurrences();
        if (!occ.isEmpty() && occ.get(occ.size() - 1).terminal()) {
            EventOccurrence last = occ.get(occ.size() - 1);
            if (outTimes[m - 1] != last.time()) {           // the solution ends at the event time
                outTimes = Arrays.copyOf(outTimes, m + 1);
                states = Arrays.copyOf(states, m + 1);
                outTimes[m] = last.time();
                states[m] = last.stateBefore();
            }
        }
        return OdeSolution.ofOwned(outTimes, states, driver.stats(), occ);
    }

    /**
     * Solves like {@link #solve} but writes the states at {@code times} row-major into the
     * caller's array instead of building an {@link OdeSolution}: row {@code i}, the state at
     * {@code times[i]}, fills {@code into[i·n, (i+1)·n)}. For callers that solve repeatedly into
     * buffers they own (the differentiable solves of node-adjoint write straight into the tape's
     * output value), so that the outputs cost no allocation and no copy.
     *
     * @param f        the system, dimension {@code n}
     * @param y0       the initial state, finite, length {@code n}. Not modified.
     * @param times    the output times, as for {@link #solve}. Not modified.
     * @param options  the method and its settings
     * @param into     receives the {@code m × n} states, length at least {@code times.length · n}.
     *                 Rows a stopped solve did not reach (a handler returned false) are set to NaN.
     * @param handlers more step handlers for this solve only
     * @return the work counters of the solve
     * @throws IllegalArgumentException for bad input (as {@link #solve}, and an {@code into}
     *                                  shorter than {@code times.length · n}), before any work
     * @throws dev.neuralode.core.OdeSolveException for failures during the solve (see {@link #solve})
     */
    public static dev.neuralode.core.SolverStats solveInto(OdeSystem f, double[] y0, double[] times,
                                                           SolverOptions options, double[] into,
                                                           StepHandler... handlers) {
        double[] ts = checkedTimes(f, y0, times, options);
        int n = y0.length;
        if (into == null || into.length < (long) ts.length * n) {
            throw new IllegalArgumentException("solveInto: the output array has length "
                    + (into == null ? "null" : into.length) + " but " + ts.length + " times x " + n
                    + " components need " + ((long) ts.length * n));
        }
        if (!options.events().isEmpty()) {
            throw new IllegalArgumentException("solveInto does not report events, but the options carry "
                    + options.events().size() + ": use solve, whose OdeSolution lists their occurrences");
        }
        Outputs out = new Outputs(ts, y0, into);
        Integrator driver = driver(f, y0, options, null, out, handlers);
        driver.integrate(ts[0], y0, ts[ts.length - 1]);
        if (out.count < ts.length) {
            Arrays.fill(into, out.count * n, ts.length * n, Double.NaN);
        }
        return driver.stats();
    }

    /** Validates a solve's arguments; returns a copy of the times. */
    private static double[] checkedTimes(OdeSystem f, double[] y0, double[] times, SolverOptions options) {
        validate(f, y0, options);
        if (times == null || times.length < 2) {
            throw new IllegalArgumentException("solve needs at least two times (the initial time and"
                    + " one output time), got " + (times == null ? "null" : times.length));
        }
        double dir = 0;
        for (int i = 0; i < times.length; i++) {
            if (!Double.isFinite(times[i])) {
                throw new IllegalArgumentException("times[" + i + "] is not finite: " + times[i]);
            }
            if (i > 0) {
                double d = Math.signum(times[i] - times[i - 1]);
                if (d == 0 || (dir != 0 && d != dir)) {
                    throw new IllegalArgumentException("times must be strictly increasing or strictly"
                            + " decreasing, but times[" + (i - 1) + "]=" + times[i - 1] + " and times["
                            + i + "]=" + times[i]);
                }
                dir = d;
            }
        }
        return times.clone();
    }

    /**
     * Solves {@code dy/dt = f(t, y)} from {@code t0} to {@code t1} and returns the dense
     * solution, which can be evaluated at any time in between.
     *
     * @param f        the system
     * @param y0       the initial state, finite, length {@code n >= 1}. Not modified.
     * @param t0       the initial time, finite
     * @param t1       the final time, finite, different from {@code t0} (smaller to integrate
     *                 backwards)
     * @param options  the method and its settings
     * @param handlers more step handlers for this solve only
     * @return the dense solution over {@code [t0, t1]} (up to the time a handler stopped it)
     * @throws IllegalArgumentException for bad input, before any work
     * @throws dev.neuralode.core.OdeSolveException for failures during the solve (see
     *                                               {@link #solve})
     */
    public static DenseSolution solveDense(OdeSystem f, double[] y0, double t0, double t1,
                                           SolverOptions options, StepHandler... handlers) {
        validate(f, y0, options);
        if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
            throw new IllegalArgumentException("solveDense needs finite t0 != t1, got t0=" + t0
                    + ", t1=" + t1);
        }
        DenseSolution.Recorder rec = new DenseSolution.Recorder(t0, y0);
        EventLocator events = locator(options, y0.length);
        Integrator driver = driver(f, y0, options, events, rec, handlers);
        double reached = driver.integrate(t0, y0, t1);
        return events == null ? rec.build(reached, driver.stats())
                : rec.build(reached, driver.stats(), events.occurrences());
    }

    private static EventLocator locator(SolverOptions options, int n) {
        return options.events().isEmpty() ? null : new EventLocator(options.events(), n);
    }

    private static Integrator driver(OdeSystem f, double[] y0, SolverOptions options, EventLocator events,
                                     StepHandler first, StepHandler[] more) {
        int n = y0.length;
        List<StepHandler> all = new ArrayList<>(2 + (more == null ? 0 : more.length));
        all.add(first);
        if (options.handler() != null) {
            all.add(options.handler());
        }
        if (more != null) {
            for (StepHandler h : more) {
                if (h == null) {
                    throw new IllegalArgumentException("a step handler passed to the solve is null");
                }
                all.add(h);
            }
        }
        return new Integrator(options.method().newStepper(f, n), options, tolerance(options, n), events,
                all.toArray(new StepHandler[0]));
    }

    /**
     * The error control of a solve with these options for a state of {@code n} components.
     *
     * @param options the options
     * @param n       the state dimension
     * @return the tolerance object the steppers use
     * @throws IllegalArgumentException if the options' atol vector does not have {@code n} entries
     */
    public static Tolerance tolerance(SolverOptions options, int n) {
        double[] av = options.atolVectorView();
        if (av != null && av.length != n) {
            throw new IllegalArgumentException("atol vector has length " + av.length
                    + " but the state has " + n + " components");
        }
        double[] atol = new double[n];
        for (int i = 0; i < n; i++) {
            atol[i] = av == null ? options.atol() : av[i];
        }
        return new Tolerance(options.rtol(), atol, options.errorNorm());
    }

    // ------------------------------------------------------------------ registry

    /**
     * Adds a method to the registry, so that {@code SolverOptions.builder().method(name)} and the
     * demos' {@code --method} find it; names are case-insensitive.
     *
     * @param method the method; its {@link Method#name()} must not be blank
     * @throws IllegalArgumentException if the method is null, its name blank, or the name already
     *                                  taken by a different method (re-registering the same one is
     *                                  allowed)
     */
    public static void register(Method method) {
        if (method == null) {
            throw new IllegalArgumentException("register: the method must not be null");
        }
        String name = method.name();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("register: the method's name must not be blank");
        }
        String key = name.toLowerCase(Locale.ROOT);
        synchronized (REGISTRY) {
            Method old = REGISTRY.get(key);
            if (old != null && !old.equals(method)) {
                throw new IllegalArgumentException("register: a different method is already registered as '"
                        + key + "'; registered methods: " + String.join(", ", REGISTRY.keySet()));
            }
            REGISTRY.put(key, method);
        }
    }

    /**
     * Looks up a registered method by name, ignoring case.
     *
     * @param name the method name, for example {@code "dopri5"}
     * @return the method
     * @throws IllegalArgumentException naming every registered method if {@code name} is unknown
     */
    public static Method method(String name) {
        synchronized (REGISTRY) {
            Method m = name == null ? null : REGISTRY.get(name.toLowerCase(Locale.ROOT));
            if (m == null) {
                throw new IllegalArgumentException("unknown ODE method '" + name + "'; valid methods: "
                        + String.join(", ", REGISTRY.keySet()));
            }
            return m;
        }
    }

    /**
     * Looks up a registered explicit Runge–Kutta method's tableau by name, ignoring case.
     *
     * @param name the method name, for example {@code "dopri5"}
     * @return the tableau
     * @throws IllegalArgumentException if {@code name} is unknown (naming the valid methods) or
     *                                  not a Butcher tableau
     */
    public static ButcherTableau tableau(String name) {
        Method m = method(name);
        if (m instanceof ButcherTableau t) {
            return t;
        }
        throw new IllegalArgumentException("method '" + name + "' is not an explicit Runge–Kutta tableau ("
                + m.getClass().getSimpleName() + ")");
    }

    /**
     * The registered method names: the built-ins, fixed-step first, then the user's in the order
     * registered.
     *
     * @return an unmodifiable snapshot: {@code euler, midpoint, heun2, heun3, ralston, rk4, rk38,
     *         adaptive_heun, fehlberg2, bosh3, rkf45, cash_karp, dopri5, tsit5, dopri8, dopri5_torchdiffeq, rosenbrock23, rodas5p, ...}
     */
    public static List<String> methods() {
        synchronized (REGISTRY) {
            return List.copyOf(REGISTRY.keySet());
        }
    }

    private static void validate(OdeSystem f, double[] y0, SolverOptions options) {
        if (f == null) {
            throw new IllegalArgumentException("the ODE system f must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use"
                    + " SolverOptions.defaults()");
        }
        if (y0 == null || y0.length == 0) {
            throw new IllegalArgumentException("y0 must have at least one component");
        }
        for (int i = 0; i < y0.length; i++) {
            if (!Double.isFinite(y0[i])) {
                throw new IllegalArgumentException("y0 is not finite: component " + i + " = " + y0[i]);
            }
        }
        double[] av = options.atolVectorView();
        if (av != null && av.length != y0.length) {
            throw new IllegalArgumentException("atol vector has length " + av.length
                    + " but the state has " + y0.length + " components");
        }
        if (!options.method().isAdaptive() && Double.isNaN(options.stepSize())) {
            throw new IllegalArgumentException("method '" + options.method().name() + "' is a fixed-step"
                    + " method: set the step size with SolverOptions.builder().stepSize(h)"
                    + " (or choose an adaptive method such as dopri5)");
        }
    }

    /**
     * Outputs at requested times: the step's end state or its interpolant, into one array per
     * row ({@link #solve}) or into the rows of the caller's flat array ({@link #solveInto}).
     */
    private static final class Outputs implements StepHandler {
        final double[] times;
        final double[][] states;
        final double[] flat;
        final double[] row;
        int count;

        Outputs(double[] times, double[] y0) {
            this.times = times;
            this.states = new double[times.length][];
            this.flat = null;
            this.row = null;
            states[0] = y0.clone();
            count = 1;
        }

        Outputs(double[] times, double[] y0, double[] flat) {
            this.times = times;
            this.states = null;
            this.flat = flat;
            this.row = new double[y0.length];
            System.arraycopy(y0, 0, flat, 0, y0.length);
            count = 1;
        }

        @Override
        public boolean handleStep(StepInterpolator step) {
            if (count < times.length && (times[count] - step.endTime()) * step.stepSize() <= 0) {
                write(step);
            }
            return true;
        }

        /** The outputs inside or at the end of this step (a method of its own: the check above is the hot path). */
        private void write(StepInterpolator step) {
            double tEnd = step.endTime();
            double h = step.stepSize();
            int n = step.dimension();
            while (count < times.length && (times[count] - tEnd) * h <= 0) {
                if (flat == null) {
                    double[] dst = new double[n];
                    step.state(times[count], dst);
                    states[count++] = dst;
                } else {
                    step.state(times[count], row);
                    System.arraycopy(row, 0, flat, count * n, n);
                    count++;
                }
            }
        }
    }
}
