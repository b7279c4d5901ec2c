package dev.neuralode.solvers.events;

/**
 * A state reset {@code y⁺ = r(t*, y⁻)} written in place: {@code yNew} arrives holding a copy of
 * {@code y}, so components the map does not write carry over.
 */
@FunctionalInterface
public interface ResetMap {

    /**
     * Writes the state after the event.
     *
     * @param t    the event time {@code t*}
     * @param y    the state before the event. A read-only view.
     * @param yNew receives the state after the event, length {@code n}, prefilled with {@code y}.
     *             Modified.
     */
    void apply(double t, double[] y, double[] yNew);
}
