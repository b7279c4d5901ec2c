package dev.neuralode.core;

import java.util.Arrays;

/**
 * One occurrence of an event during a solve: the time {@code t*} at which the event function
 * {@code g_k(t, y)} crossed zero, which event {@code k} it was, and the state just before and just
 * after it (different only when the event resets the state, {@code y⁺ = r(t*, y⁻)}).
 *
 * <p>Immutable: the constructor copies the states and the accessors return copies.
 */
public final class EventOccurrence {

    private final double time;
    private final int eventIndex;
    private final double[] before;
    private final double[] after;
    private final boolean terminal;

    /**
     * Creates an occurrence.
     *
     * @param time        the event time {@code t*}, finite
     * @param eventIndex  the index of the event in the order the events were given, {@code >= 0}
     * @param stateBefore the state {@code y(t*⁻)}. Not modified (copied).
     * @param stateAfter  the state {@code y(t*⁺)} the solve continued from (equal to
     *                    {@code stateBefore} without a reset), same length. Not modified (copied).
     * @param terminal    whether the event ended the solve
     * @throws IllegalArgumentException if the time is not finite, the index negative, a state null
     *                                  or the lengths differ
     */
    public EventOccurrence(double time, int eventIndex, double[] stateBefore, double[] stateAfter,
                           boolean terminal) {
        if (!Double.isFinite(time) || eventIndex < 0 || stateBefore == null || stateAfter == null
                || stateBefore.length != stateAfter.length) {
            throw new IllegalArgumentException("EventOccurrence: needs a finite time and index >= 0 and two"
                    + " states of equal length, got t=" + time + ", index=" + eventIndex + ", lengths "
                    + (stateBefore == null ? "null" : stateBefore.length) + " and "
                    + (stateAfter == null ? "null" : stateAfter.length));
        }
        this.time = time;
        this.eventIndex = eventIndex;
        this.before = stateBefore.clone();
        this.after = stateAfter.clone();
        this.terminal = terminal;
    }

    /**
     * The event time.
     *
     * @return {@code t*}
     */
    public double time() {
        return time;
    }

    /**
     * Which event occurred.
     *
     * @return its index among the events given to the solve
     */
    public int eventIndex() {
        return eventIndex;
    }

    /**
     * The state at the event time, before any reset.
     *
     * @return a copy of {@code y(t*⁻)}
     */
    public double[] stateBefore() {
        return before.clone();
    }

    /**
     * The state the solve continued from (after the reset, if the event has one).
     *
     * @return a copy of {@code y(t*⁺)}
     */
    public double[] stateAfter() {
        return after.clone();
    }

    /**
     * Whether this occurrence ended the solve.
     *
     * @return the flag
     */
    public boolean terminal() {
        return terminal;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventOccurrence e && e.time == time && e.eventIndex == eventIndex
                && e.terminal == terminal && Arrays.equals(e.before, before) && Arrays.equals(e.after, after);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(time) + eventIndex;
    }

    @Override
    public String toString() {
        return "EventOccurrence[event " + eventIndex + " at t=" + time + (terminal ? ", terminal" : "")
                + ", before=" + Arrays.toString(before) + ", after=" + Arrays.toString(after) + "]";
    }
}
