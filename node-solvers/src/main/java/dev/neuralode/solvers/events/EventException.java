package dev.neuralode.solvers.events;

import dev.neuralode.core.OdeSolveException;

/**
 * A solve with events failed because of an event: its function was not finite or identically zero,
 * its reset produced a state of the wrong length or a non-finite one, or it accumulated (Zeno).
 * The message names the event (index and label), the time and the numbers.
 */
public final class EventException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final int eventIndex;

    /**
     * Creates the exception.
     *
     * @param message    the full message
     * @param eventIndex the index of the event in the order given to the solve
     * @param time       the time at which it failed
     */
    public EventException(String message, int eventIndex, double time) {
        super(message, time, Double.NaN);
        this.eventIndex = eventIndex;
    }

    /**
     * Which event failed.
     *
     * @return its index among the events given to the solve
     */
    public int eventIndex() {
        return eventIndex;
    }
}
