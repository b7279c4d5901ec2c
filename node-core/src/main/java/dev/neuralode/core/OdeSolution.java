package dev.neuralode.core;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The result of an ODE solve: the states at the requested output times, and the work done.
 *
 * <p>A solve with events also carries the {@linkplain #events() occurrences} in time order; when a
 * terminal event ended it, {@link #terminated()} is true, the last output time is the event time and
 * the outputs requested after it are absent ({@link #size()} is then smaller than the number of
 * times requested).
 *
 * <p>Immutable: the constructor copies its arrays and every accessor returns a copy, so a
 * solution can be shared freely between threads.
 */
public final class OdeSolution {

    private final double[] times;
    private final double[][] states;
    private final SolverStats stats;
    private final List<EventOccurrence> events;

    /**
     * Creates a solution.
     *
     * @param times  the output times, length {@code m >= 1}. Not modified (copied).
     * @param states the states at those times, {@code m} rows of equal length {@code n}.
     *               Not modified (copied).
     * @param stats  the work counters
     * @throws IllegalArgumentException if the number of states differs from the number of
     *                                  times, or the rows have different lengths
     */
    public OdeSolution(double[] times, double[][] states, SolverStats stats) {
        this(times, states, stats, true);
    }

    /**
     * A solution that takes ownership of its arrays instead of copying them: for solver
     * implementations, which build fresh arrays for every solve (node-solvers' {@code OdeSolvers}).
     * The caller must not keep or modify {@code times} or {@code states} afterwards.
     *
     * @param times  the output times, length {@code m >= 1}. Owned from now on.
     * @param states the states, {@code m} rows of equal length. Owned from now on.
     * @param stats  the work counters
     * @return the solution
     * @throws IllegalArgumentException if a shape is inconsistent or an argument is null
     */
    public static OdeSolution ofOwned(double[] times, double[][] states, SolverStats stats) {
        return new OdeSolution(times, states, stats, false);
    }

    /**
     * A solution with event occurrences that takes ownership of its arrays (see
     * {@link #ofOwned(double[], double[][], SolverStats)}).
     *
     * @param times  the output times (ending at the terminal event's time if one occurred). Owned.
     * @param states the states at those times. Owned.
     * @param stats  the work counters
     * @param events the occurrences in time order; at most the last one terminal. Copied.
     * @return the solution
     * @throws IllegalArgumentException if a shape is inconsistent, the events are out of time order
     *                                  or a terminal occurrence is not the last
     */
    public static OdeSolution ofOwned(double[] times, double[][] states, SolverStats stats,
                                      List<EventOccurrence> events) {
        if (times == null || times.length == 0 || events == null) {
            throw new IllegalArgumentException("OdeSolution: times (at least one) and events must not be null");
        }
        List<EventOccurrence> ev = List.copyOf(events);
        double dir = Math.signum(times[times.length - 1] - times[0]);
        for (int i = 0; i < ev.size(); i++) {
            if (ev.get(i).terminal() && i != ev.size() - 1) {
                throw new IllegalArgumentException("OdeSolution: terminal event occurrence " + i
                        + " is not the last of " + ev.size());
            }
            if (i > 0 && dir * (ev.get(i).time() - ev.get(i - 1).time()) < 0) {
                throw new IllegalArgumentException("OdeSolution: event occurrences out of time order at "
                        + i + ": t=" + ev.get(i - 1).time() + " then t=" + ev.get(i).time());
            }
        }
        return new OdeSolution(times, states, stats, false, ev);
    }

    private OdeSolution(double[] times, double[][] states, SolverStats stats, boolean copy) {
        this(times, states, stats, copy, List.of());
    }

    private OdeSolution(double[] times, double[][] states, SolverStats stats, boolean copy,
                        List<EventOccurrence> events) {
        if (times == null || states == null || stats == null) {
            throw new IllegalArgumentException("times, states and stats must not be null");
        }
        if (times.length != states.length) {
            throw new IllegalArgumentException("OdeSolution: " + times.length + " times but "
                    + states.length + " states");
        }
        this.times = copy ? times.clone() : times;
        this.states = copy ? new double[states.length][] : states;
        for (int i = 0; i < states.length; i++) {
            if (states[i] == null || states[i].length != states[0].length) {
                throw new IllegalArgumentException("OdeSolution: state " + i + " has length "
                        + (states[i] == null ? "null" : states[i].length) + ", expected "
                        + states[0].length);
            }
            if (copy) {
                this.states[i] = states[i].clone();
            }
        }
        this.stats = stats;
        this.events = events;
    }

    /**
     * The output times.
     *
     * @return a copy of the output times, length {@code m}
     */
    public double[] times() {
        return times.clone();
    }

    /**
     * The states at the output times.
     *
     * @return a copy, {@code double[m][n]}; row {@code i} is the state at {@code times()[i]}
     */
    public double[][] states() {
        double[][] copy = new double[states.length][];
        for (int i = 0; i < states.length; i++) {
            copy[i] = states[i].clone();
        }
        return copy;
    }

    /**
     * The state at output time {@code i}.
     *
     * @param i the output index, {@code 0 <= i < size()}
     * @return a copy of the state, length {@code n}
     * @throws IndexOutOfBoundsException naming the index and the number of outputs
     */
    public double[] state(int i) {
        if (i < 0 || i >= states.length) {
            throw new IndexOutOfBoundsException("output index " + i + " out of range [0, "
                    + states.length + ")");
        }
        return states[i].clone();
    }

    /**
     * Copies the state at output time {@code i} into {@code dst} from {@code offset}, without
     * allocating.
     *
     * @param i      the output index, {@code 0 <= i < size()}
     * @param dst    receives the {@code n} values. Modified.
     * @param offset the first index written
     * @throws IndexOutOfBoundsException naming the index and the number of outputs, or if
     *                                   {@code dst} is too short
     */
    public void copyState(int i, double[] dst, int offset) {
        if (i < 0 || i >= states.length) {
            throw new IndexOutOfBoundsException("output index " + i + " out of range [0, "
                    + states.length + ")");
        }
        System.arraycopy(states[i], 0, dst, offset, states[i].length);
    }

    /**
     * The number of output times.
     *
     * @return {@code m}
     */
    public int size() {
        return times.length;
    }

    /**
     * The dimension of the state.
     *
     * @return {@code n}
     */
    public int dimension() {
        return states.length == 0 ? 0 : states[0].length;
    }

    /**
     * The work counters of the solve.
     *
     * @return function evaluations, accepted and rejected steps
     */
    public SolverStats stats() {
        return stats;
    }

    /**
     * The event occurrences of the solve, in the order of integration (time order).
     *
     * @return an unmodifiable list, empty for a solve without events
     */
    public List<EventOccurrence> events() {
        return events;
    }

    /**
     * Whether a terminal event ended the solve before the last requested time.
     *
     * @return the flag
     */
    public boolean terminated() {
        return !events.isEmpty() && events.get(events.size() - 1).terminal();
    }

    /**
     * The occurrence that ended the solve.
     *
     * @return the terminal occurrence, or empty if the solve reached its final time
     */
    public Optional<EventOccurrence> terminalEvent() {
        return terminated() ? Optional.of(events.get(events.size() - 1)) : Optional.empty();
    }

    @Override
    public String toString() {
        return "OdeSolution[times=" + times.length + " from " + times[0] + " to "
                + times[times.length - 1] + ", dim=" + dimension() + ", " + stats
                + (events.isEmpty() ? "" : ", events=" + events.size() + (terminated() ? " (terminated)" : ""))
                + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OdeSolution s && Arrays.equals(times, s.times)
                && Arrays.deepEquals(states, s.states) && stats.equals(s.stats) && events.equals(s.events);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(times) + Arrays.deepHashCode(states);
    }
}
