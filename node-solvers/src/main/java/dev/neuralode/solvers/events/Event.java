package dev.neuralode.solvers.events;

/**
 * An event of a solve: a scalar function {@code g(t, y)}, the direction of the zero crossings that
 * count, and what happens at one: the solve continues (the occurrence is recorded), stops
 * ({@link #terminal()}), or continues from a reset state {@code y⁺ = r(t*, y⁻)} ({@link #reset}).
 *
 * <pre>{@code
 * Event bounce = Event.when((t, y) -> y[0]).falling()
 *         .reset((t, y, yNew) -> { yNew[0] = 0; yNew[1] = -0.9 * y[1]; });
 * Event stop = Event.when((t, y) -> y[1] - 2.0).rising().terminal();
 * }</pre>
 *
 * <p>Immutable: every method returns a new event. Location (see {@link EventLocator}): the sign of
 * {@code g} is checked at the end of every accepted step and, inside a step, at points at most
 * {@link #maxCheckInterval()} apart (two crossings between two checks cancel out and are missed);
 * a sign change is bracketed and its root found on the step's interpolant to
 * {@link #timeTolerance()}. The reported time is the secant point of the final bracket, within the
 * tolerance of the interpolant's root; the event counts as crossed from then on. An exact zero of {@code g}
 * at the initial time or right after a reset does not trigger, nor does a crossing within the time
 * tolerance of it; the sign is then taken from the first non-zero value.
 *
 * <p>Directions are along the integration: {@link #rising()} counts crossings from {@code g < 0}
 * to {@code g > 0} as the solve advances (as {@code t} decreases, for a solve backwards in time).
 */
public final class Event {

    /** Which zero crossings count. */
    public enum Direction {
        /** From negative to positive, along the integration. */
        RISING,
        /** From positive to negative, along the integration. */
        FALLING,
        /** Both. */
        EITHER
    }

    /** The default time tolerance of the root finder, absolute (raised to a few ulps of t). */
    public static final double DEFAULT_TIME_TOLERANCE = 1e-12;
    /** The default limit of accumulating occurrences (see {@link #zenoLimit()}). */
    public static final int DEFAULT_ZENO_LIMIT = 100;

    private final EventFunction g;
    private final Direction direction;
    private final boolean terminal;
    private final ResetMap reset;
    private final double timeTolerance;
    private final double maxCheckInterval;
    private final int zenoLimit;
    private final String label;

    private Event(EventFunction g, Direction direction, boolean terminal, ResetMap reset, double timeTolerance,
                  double maxCheckInterval, int zenoLimit, String label) {
        this.g = g;
        this.direction = direction;
        this.terminal = terminal;
        this.reset = reset;
        this.timeTolerance = timeTolerance;
        this.maxCheckInterval = maxCheckInterval;
        this.zenoLimit = zenoLimit;
        this.label = label;
    }

    /**
     * An event on the zero crossings of {@code g} in either direction that continues the solve
     * (its occurrences are recorded).
     *
     * @param g the event function
     * @return the event
     * @throws IllegalArgumentException if {@code g} is null
     */
    public static Event when(EventFunction g) {
        if (g == null) {
            throw new IllegalArgumentException("Event.when: the event function g must not be null");
        }
        return new Event(g, Direction.EITHER, false, null, DEFAULT_TIME_TOLERANCE, Double.POSITIVE_INFINITY,
                DEFAULT_ZENO_LIMIT, null);
    }

    /**
     * Only crossings from {@code g < 0} to {@code g > 0} count.
     *
     * @return a new event
     */
    public Event rising() {
        return direction(Direction.RISING);
    }

    /**
     * Only crossings from {@code g > 0} to {@code g < 0} count.
     *
     * @return a new event
     */
    public Event falling() {
        return direction(Direction.FALLING);
    }

    /**
     * Crossings in both directions count (the default).
     *
     * @return a new event
     */
    public Event either() {
        return direction(Direction.EITHER);
    }

    /**
     * Sets the direction.
     *
     * @param d the direction
     * @return a new event
     * @throws IllegalArgumentException if {@code d} is null
     */
    public Event direction(Direction d) {
        if (d == null) {
            throw new IllegalArgumentException("Event.direction: must be one of " + java.util.Arrays.toString(
                    Direction.values()) + ", got null");
        }
        return new Event(g, d, terminal, reset, timeTolerance, maxCheckInterval, zenoLimit, label);
    }

    /**
     * The solve ends at the first occurrence: the solution's last time is the event time.
     *
     * @return a new event
     */
    public Event terminal() {
        return new Event(g, direction, true, reset, timeTolerance, maxCheckInterval, zenoLimit, label);
    }

    /**
     * The solve continues from {@code y⁺ = r(t*, y⁻)} after each occurrence, restarting as at a
     * jump time (fresh evaluation of {@code f}, FSAL dropped).
     *
     * @param r the reset, written in place ({@code yNew} arrives holding a copy of {@code y})
     * @return a new event
     * @throws IllegalArgumentException if {@code r} is null
     */
    public Event reset(ResetMap r) {
        if (r == null) {
            throw new IllegalArgumentException("Event.reset: the reset map must not be null");
        }
        return new Event(g, direction, terminal, r, timeTolerance, maxCheckInterval, zenoLimit, label);
    }

    /**
     * As {@link #reset(ResetMap)}, with a reset that returns the new state.
     *
     * @param r the reset; its result must have the state's length and be finite
     * @return a new event
     * @throws IllegalArgumentException if {@code r} is null
     */
    public Event reset(ResetFunction r) {
        if (r == null) {
            throw new IllegalArgumentException("Event.reset: the reset function must not be null");
        }
        return reset(new Returning(r));
    }

    /**
     * Sets the root finder's time tolerance: the located time is within it of the crossing of the
     * interpolant.
     *
     * @param tol the tolerance, finite and {@code > 0} (raised to four ulps of the time if smaller)
     * @return a new event
     * @throws IllegalArgumentException if {@code tol} is not finite and positive
     */
    public Event timeTolerance(double tol) {
        if (!(tol > 0) || !Double.isFinite(tol)) {
            throw new IllegalArgumentException("Event.timeTolerance must be finite and > 0, got " + tol);
        }
        return new Event(g, direction, terminal, reset, tol, maxCheckInterval, zenoLimit, label);
    }

    /**
     * Sets the largest time between two sign checks inside a step (by default only the step's ends
     * are checked, so a step over which {@code g} crosses zero twice misses both crossings).
     *
     * @param dt the interval, {@code > 0} ({@code +∞} for the step ends only)
     * @return a new event
     * @throws IllegalArgumentException if {@code dt} is not positive
     */
    public Event maxCheckInterval(double dt) {
        if (!(dt > 0)) {
            throw new IllegalArgumentException("Event.maxCheckInterval must be > 0, got " + dt);
        }
        return new Event(g, direction, terminal, reset, timeTolerance, dt, zenoLimit, label);
    }

    /**
     * Sets the Zeno limit: a solve fails with an {@link EventException} when this event occurs this
     * many times in a row with each gap between occurrences shorter than the one before (or within
     * the time tolerance), the signature of accumulating events (a ball bouncing ever faster to rest).
     *
     * @param count the count, {@code >= 2}
     * @return a new event
     * @throws IllegalArgumentException if {@code count < 2}
     */
    public Event zenoLimit(int count) {
        if (count < 2) {
            throw new IllegalArgumentException("Event.zenoLimit must be >= 2, got " + count);
        }
        return new Event(g, direction, terminal, reset, timeTolerance, maxCheckInterval, count, label);
    }

    /**
     * Names the event in error messages.
     *
     * @param name the label
     * @return a new event
     */
    public Event named(String name) {
        return new Event(g, direction, terminal, reset, timeTolerance, maxCheckInterval, zenoLimit, name);
    }

    /**
     * The event function.
     *
     * @return {@code g}
     */
    public EventFunction function() {
        return g;
    }

    /**
     * Which crossings count.
     *
     * @return the direction
     */
    public Direction crossingDirection() {
        return direction;
    }

    /**
     * Whether the event ends the solve.
     *
     * @return the flag
     */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * The reset, if any.
     *
     * @return the reset map, or {@code null} when the state carries over
     */
    public ResetMap resetMap() {
        return reset;
    }

    /**
     * The root finder's time tolerance.
     *
     * @return the tolerance
     */
    public double timeTolerance() {
        return timeTolerance;
    }

    /**
     * The largest time between two sign checks inside a step.
     *
     * @return the interval ({@code +∞}: the step ends only)
     */
    public double maxCheckInterval() {
        return maxCheckInterval;
    }

    /**
     * The number of accumulating occurrences after which the solve fails.
     *
     * @return the limit
     */
    public int zenoLimit() {
        return zenoLimit;
    }

    /**
     * The label given with {@link #named}.
     *
     * @return the label, or {@code null}
     */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return "Event[" + (label == null ? "" : label + ", ") + direction.name().toLowerCase(java.util.Locale.ROOT)
                + (terminal ? ", terminal" : "") + (reset != null ? ", reset" : "") + ", tol=" + timeTolerance
                + (Double.isFinite(maxCheckInterval) ? ", maxCheck=" + maxCheckInterval : "") + "]";
    }

    /** A returning reset seen as an in-place one; the locator checks the returned length. */
    static final class Returning implements ResetMap {
        final ResetFunction r;

        Returning(ResetFunction r) {
            this.r = r;
        }

        @Override
        public void apply(double t, double[] y, double[] yNew) {
            double[] out = r.apply(t, y);
            if (out == null || out.length != yNew.length) {
                throw new WrongLength(out == null ? -1 : out.length);
            }
            System.arraycopy(out, 0, yNew, 0, yNew.length);
        }
    }

    /** Thrown by {@link Returning} and turned into an {@link EventException} by the locator. */
    static final class WrongLength extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int length;

        WrongLength(int length) {
            super(null, null, false, false);
            this.length = length;
        }
    }
}
