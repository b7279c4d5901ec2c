package dev.neuralode.solvers;

import dev.neuralode.solvers.events.Event;
import dev.neuralode.solvers.explicit.Tableaus;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.StepHandler;

import java.util.Arrays;
import java.util.List;

/**
 * Immutable options of an ODE solve, created with {@link #builder()} and copied with
 * {@link #toBuilder()}.
 *
 * <pre>{@code
 * SolverOptions opts = SolverOptions.builder().method("dopri5").rtol(1e-8).atol(1e-10).build();
 * SolverOptions fixed = opts.toBuilder().method("rk4").stepSize(0.01).build();
 * }</pre>
 *
 * <p>Defaults (those of torchdiffeq and Hairer's codes): method {@code dopri5}, {@code rtol 1e-7},
 * {@code atol 1e-9}, RMS error norm, safety 0.9, minFactor 0.2, maxFactor 10, the I controller
 * with Hairer's DOPRI5 stabilisation ({@link StepController#STABILIZED}), no maximum step, at
 * most 1,000,000 steps, initial step by Hairer's algorithm.
 *
 * <p>Adaptive control: a step from {@code y0} to {@code y1} with error estimate {@code err} is
 * accepted when {@code ratio = norm(err_i / (atol_i + rtol · max(|y0_i|, |y1_i|))) <= 1}; the next
 * step is {@code h · clamp(safety · controller(ratio), minFactor, maxFactor)}, not growing right
 * after a rejection.
 *
 * <p>Fixed-step integration: fixed-step methods need {@link Builder#stepSize(double)}; an adaptive
 * method given a step size also runs at that fixed step, without error control.
 */
public final class SolverOptions {

    /** The default step budget. */
    public static final long DEFAULT_MAX_STEPS = 1_000_000L;

    private final Method method;
    private final double rtol;
    private final double atol;
    private final double[] atolVector;
    private final double stepSize;
    private final double firstStep;
    private final double maxStep;
    private final long maxSteps;
    private final ErrorNorm errorNorm;
    private final double safety;
    private final double minFactor;
    private final double maxFactor;
    private final StepController controller;
    private final double[] stepTimes;
    private final double[] jumpTimes;
    private final StepHandler handler;
    private final List<Event> events;

    private SolverOptions(Builder b) {
        this.method = b.method;
        this.rtol = b.rtol;
        this.atol = b.atol;
        this.atolVector = b.atolVector == null ? null : b.atolVector.clone();
        this.stepSize = b.stepSize;
        this.firstStep = b.firstStep;
        this.maxStep = b.maxStep;
        this.maxSteps = b.maxSteps;
        this.errorNorm = b.errorNorm;
        this.safety = b.safety;
        this.minFactor = b.minFactor;
        this.maxFactor = b.maxFactor;
        this.controller = b.controller;
        this.stepTimes = b.stepTimes == null ? null : b.stepTimes.clone();
        this.jumpTimes = b.jumpTimes == null ? null : b.jumpTimes.clone();
        this.handler = b.handler;
        this.events = b.events;
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default options ({@code dopri5}, rtol 1e-7, atol 1e-9).
     *
     * @return options with every default
     */
    public static SolverOptions defaults() {
        return new Builder().build();
    }

    /**
     * A builder initialised with these options.
     *
     * @return a new builder holding a copy of every setting
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.method = method;
        b.rtol = rtol;
        b.atol = atol;
        b.atolVector = atolVector == null ? null : atolVector.clone();
        b.stepSize = stepSize;
        b.firstStep = firstStep;
        b.maxStep = maxStep;
        b.maxSteps = maxSteps;
        b.errorNorm = errorNorm;
        b.safety = safety;
        b.minFactor = minFactor;
        b.maxFactor = maxFactor;
        b.controller = controller;
        b.stepTimes = stepTimes == null ? null : stepTimes.clone();
        b.jumpTimes = jumpTimes == null ? null : jumpTimes.clone();
        b.handler = handler;
        b.events = events;
        return b;
    }

    /**
     * The method.
     *
     * @return the method whose steppers the driver runs
     */
    public Method method() {
        return method;
    }

    /**
     * The relative tolerance.
     *
     * @return {@code rtol > 0}
     */
    public double rtol() {
        return rtol;
    }

    /**
     * The scalar absolute tolerance (used when no per-component vector is set).
     *
     * @return {@code atol > 0}
     */
    public double atol() {
        return atol;
    }

    /**
     * The per-component absolute tolerances.
     *
     * @return a copy, or {@code null} when the scalar {@link #atol()} applies to every component
     */
    public double[] atolVector() {
        return atolVector == null ? null : atolVector.clone();
    }

    double[] atolVectorView() {
        return atolVector;
    }

    /**
     * The fixed step size.
     *
     * @return the step size, or {@code NaN} when not set (adaptive stepping)
     */
    public double stepSize() {
        return stepSize;
    }

    /**
     * The first step of an adaptive solve.
     *
     * @return the magnitude of the first step, or {@code NaN} for Hairer's automatic choice
     */
    public double firstStep() {
        return firstStep;
    }

    /**
     * The largest step magnitude allowed.
     *
     * @return the bound, {@code +∞} when unbounded
     */
    public double maxStep() {
        return maxStep;
    }

    /**
     * The step budget (accepted plus rejected steps).
     *
     * @return the maximum number of steps
     */
    public long maxSteps() {
        return maxSteps;
    }

    /**
     * The error norm.
     *
     * @return the norm applied to the scaled error
     */
    public ErrorNorm errorNorm() {
        return errorNorm;
    }

    /**
     * The safety factor.
     *
     * @return the factor in {@code (0, 1]} applied to the controller's proposal
     */
    public double safety() {
        return safety;
    }

    /**
     * The smallest step-size factor.
     *
     * @return the lower clamp in {@code (0, 1]}
     */
    public double minFactor() {
        return minFactor;
    }

    /**
     * The largest step-size factor.
     *
     * @return the upper clamp, at least 1
     */
    public double maxFactor() {
        return maxFactor;
    }

    /**
     * The step-size controller.
     *
     * @return the controller, {@link StepController#STABILIZED} by default
     */
    public StepController controller() {
        return controller;
    }

    /**
     * The times the solver must step to exactly (known discontinuities).
     *
     * @return a copy, or {@code null} when none
     */
    public double[] stepTimes() {
        return stepTimes == null ? null : stepTimes.clone();
    }

    /**
     * The known discontinuities of {@code f}: the solver steps to each exactly and restarts there
     * (the first stage after it is evaluated afresh, just past it, instead of reusing the last
     * stage of the step before).
     *
     * @return a copy, or {@code null} when none
     */
    public double[] jumpTimes() {
        return jumpTimes == null ? null : jumpTimes.clone();
    }

    /**
     * The user's step handler, called after every accepted step of every solve with these options.
     *
     * @return the handler, or {@code null}
     */
    public StepHandler handler() {
        return handler;
    }

    /**
     * The events of every solve with these options (see {@link dev.neuralode.solvers.events}).
     *
     * @return an unmodifiable list, empty when none
     */
    public List<Event> events() {
        return events;
    }

    @Override
    public String toString() {
        return "SolverOptions[method=" + method.name() + ", rtol=" + rtol + ", atol="
                + (atolVector == null ? Double.toString(atol) : Arrays.toString(atolVector))
                + (Double.isNaN(stepSize) ? "" : ", stepSize=" + stepSize)
                + (Double.isNaN(firstStep) ? "" : ", firstStep=" + firstStep)
                + (maxStep == Double.POSITIVE_INFINITY ? "" : ", maxStep=" + maxStep)
                + ", maxSteps=" + maxSteps + ", safety=" + safety + ", minFactor=" + minFactor
                + ", maxFactor=" + maxFactor + (events.isEmpty() ? "" : ", events=" + events) + "]";
    }

    /**
     * Mutable builder of {@link SolverOptions}; every setter validates its argument at once and
     * {@link #build()} checks the combination. Not thread-safe.
     */
    public static final class Builder {
        private Method method = Tableaus.DOPRI5;
        private double rtol = 1e-7;
        private double atol = 1e-9;
        private double[] atolVector;
        private double stepSize = Double.NaN;
        private double firstStep = Double.NaN;
        private double maxStep = Double.POSITIVE_INFINITY;
        private long maxSteps = DEFAULT_MAX_STEPS;
        private ErrorNorm errorNorm = ErrorNorm.RMS;
        private double safety = 0.9;
        private double minFactor = 0.2;
        private double maxFactor = 10.0;
        private StepController controller = StepController.STABILIZED;
        private double[] stepTimes;
        private double[] jumpTimes;
        private StepHandler handler;
        private List<Event> events = List.of();

        private Builder() {
        }

        /**
         * Selects a registered method by name (case-insensitive), see {@link OdeSolvers#methods()}.
         *
         * @param name the method name
         * @return this builder
         * @throws IllegalArgumentException listing the valid names if {@code name} is unknown
         */
        public Builder method(String name) {
            this.method = OdeSolvers.method(name);
            return this;
        }

        /**
         * Uses a method object directly (a {@link dev.neuralode.solvers.explicit.ButcherTableau} or
         * any other {@link Method}, registered or not).
         *
         * @param method the method; must not be {@code null}
         * @return this builder
         */
        public Builder method(Method method) {
            if (method == null) {
                throw new IllegalArgumentException("method must not be null");
            }
            this.method = method;
            return this;
        }

        /**
         * Sets the relative tolerance.
         *
         * @param rtol a finite value {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if not finite and positive
         */
        public Builder rtol(double rtol) {
            this.rtol = positive("rtol", rtol);
            return this;
        }

        /**
         * Sets one absolute tolerance for every component (clears a per-component vector).
         *
         * @param atol a finite value {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if not finite and positive
         */
        public Builder atol(double atol) {
            this.atol = positive("atol", atol);
            this.atolVector = null;
            return this;
        }

        /**
         * Sets one absolute tolerance per component; its length must equal the state dimension.
         *
         * @param atol the tolerances, each finite and {@code > 0}. Not modified (copied).
         * @return this builder
         * @throws IllegalArgumentException if empty or an entry is not finite and positive
         */
        public Builder atol(double[] atol) {
            if (atol == null || atol.length == 0) {
                throw new IllegalArgumentException("atol vector must not be null or empty");
            }
            for (int i = 0; i < atol.length; i++) {
                if (!(atol[i] > 0) || !Double.isFinite(atol[i])) {
                    throw new IllegalArgumentException("atol[" + i + "] must be finite and > 0, got "
                            + atol[i]);
                }
            }
            this.atolVector = atol.clone();
            return this;
        }

        /**
         * Sets a fixed step size (required by fixed-step methods; an adaptive method given one also
         * runs fixed-step). The last step of each interval between step times is shortened to
         * land exactly on it.
         *
         * @param h the step magnitude, finite and {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if not finite and positive
         */
        public Builder stepSize(double h) {
            this.stepSize = positive("stepSize", h);
            return this;
        }

        /**
         * Sets the magnitude of the first adaptive step instead of Hairer's automatic choice.
         *
         * @param h finite and {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if not finite and positive
         */
        public Builder firstStep(double h) {
            this.firstStep = positive("firstStep", h);
            return this;
        }

        /**
         * Bounds the step magnitude.
         *
         * @param h {@code > 0} ({@code +∞} for no bound)
         * @return this builder
         * @throws IllegalArgumentException if not positive or NaN
         */
        public Builder maxStep(double h) {
            if (!(h > 0)) {
                throw new IllegalArgumentException("maxStep must be > 0, got " + h);
            }
            this.maxStep = h;
            return this;
        }

        /**
         * Sets the step budget (accepted plus rejected steps).
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder maxSteps(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxSteps must be at least 1, got " + n);
            }
            this.maxSteps = n;
            return this;
        }

        /**
         * Sets the error norm ({@link ErrorNorm#RMS} by default).
         *
         * @param norm the norm; must not be {@code null}
         * @return this builder
         */
        public Builder errorNorm(ErrorNorm norm) {
            if (norm == null) {
                throw new IllegalArgumentException("errorNorm must not be null");
            }
            this.errorNorm = norm;
            return this;
        }

        /**
         * Sets the safety factor (0.9 by default).
         *
         * @param safety in {@code (0, 1]}
         * @return this builder
         * @throws IllegalArgumentException if outside {@code (0, 1]}
         */
        public Builder safety(double safety) {
            if (!(safety > 0 && safety <= 1)) {
                throw new IllegalArgumentException("safety must be in (0, 1], got " + safety);
            }
            this.safety = safety;
            return this;
        }

        /**
         * Sets the smallest step-size factor (0.2 by default).
         *
         * @param f in {@code (0, 1]}
         * @return this builder
         * @throws IllegalArgumentException if outside {@code (0, 1]}
         */
        public Builder minFactor(double f) {
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("minFactor must be in (0, 1], got " + f);
            }
            this.minFactor = f;
            return this;
        }

        /**
         * Sets the largest step-size factor (10 by default).
         *
         * @param f finite, at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1 or not finite
         */
        public Builder maxFactor(double f) {
            if (!(f >= 1) || !Double.isFinite(f)) {
                throw new IllegalArgumentException("maxFactor must be finite and >= 1, got " + f);
            }
            this.maxFactor = f;
            return this;
        }

        /**
         * Sets the step-size controller: {@link StepController#STABILIZED} (default),
         * {@link StepController#I}, {@link StepController#PI} or your own.
         *
         * @param controller the controller; must not be {@code null}
         * @return this builder
         */
        public Builder controller(StepController controller) {
            if (controller == null) {
                throw new IllegalArgumentException("controller must not be null");
            }
            this.controller = controller;
            return this;
        }

        /**
         * Sets times the solver must step to exactly (for known discontinuities of {@code f});
         * times outside the solved interval are ignored.
         *
         * @param times finite times, any order. Not modified (copied).
         * @return this builder
         * @throws IllegalArgumentException if a time is not finite
         */
        public Builder stepTimes(double... times) {
            this.stepTimes = finiteTimes("stepTimes", times);
            return this;
        }

        /**
         * Sets known discontinuities of {@code f} (in {@code t}, or of a forcing term): the solver
         * steps to each exactly, and the step after it starts with a fresh evaluation of {@code f}
         * just past it (at the next representable time in the direction of integration) instead of
         * reusing the last stage (FSAL) of the step before, as torchdiffeq's {@code jump_t} and
         * Diffrax's {@code jump_ts} do; times outside the solved interval are ignored.
         *
         * @param times finite times, any order. Not modified (copied).
         * @return this builder
         * @throws IllegalArgumentException if a time is not finite
         */
        public Builder jumpTimes(double... times) {
            this.jumpTimes = finiteTimes("jumpTimes", times);
            return this;
        }

        private static double[] finiteTimes(String what, double[] times) {
            if (times == null) {
                return null;
            }
            for (int i = 0; i < times.length; i++) {
                if (!Double.isFinite(times[i])) {
                    throw new IllegalArgumentException(what + "[" + i + "] must be finite, got " + times[i]);
                }
            }
            return times.clone();
        }

        /**
         * Sets a handler called after each accepted step of every solve with these options
         * ({@code null} for none); it may stop the solve (see {@link StepHandler}). Code that
         * solves on a user's behalf (the gradient methods) passes its own handlers to the solve
         * call instead of changing the options.
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder handler(StepHandler handler) {
            this.handler = handler;
            return this;
        }

        /**
         * Sets the events of the solve (replacing any set before): their zero crossings are located
         * on each step's interpolant and stop the solve, are recorded, or reset the state; the
         * solution lists them ({@code OdeSolution.events()}, {@link DenseSolution#events()}).
         * Indices in the occurrences are positions in this list.
         *
         * @param events the events, none to clear
         * @return this builder
         * @throws IllegalArgumentException if an event is null (naming its index)
         */
        public Builder events(Event... events) {
            if (events == null) {
                throw new IllegalArgumentException("events must not be null (pass none to clear)");
            }
            for (int i = 0; i < events.length; i++) {
                if (events[i] == null) {
                    throw new IllegalArgumentException("events[" + i + "] is null");
                }
            }
            this.events = List.of(events);
            return this;
        }

        /**
         * Sets the events from a list (see {@link #events(Event...)}).
         *
         * @param events the events
         * @return this builder
         * @throws IllegalArgumentException if the list or an event is null
         */
        public Builder events(List<Event> events) {
            if (events == null) {
                throw new IllegalArgumentException("events must not be null (pass an empty list to clear)");
            }
            return events(events.toArray(new Event[0]));
        }

        /**
         * Builds the immutable options.
         *
         * @return the options
         * @throws IllegalArgumentException if {@code minFactor > maxFactor}
         */
        public SolverOptions build() {
            if (minFactor > maxFactor) {
                throw new IllegalArgumentException("minFactor " + minFactor + " exceeds maxFactor "
                        + maxFactor);
            }
            return new SolverOptions(this);
        }

        private static double positive(String what, double v) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " must be finite and > 0, got " + v);
            }
            return v;
        }
    }
}
