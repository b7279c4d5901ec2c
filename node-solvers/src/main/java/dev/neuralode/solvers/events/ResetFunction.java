package dev.neuralode.solvers.events;

/**
 * A state reset {@code y⁺ = r(t*, y⁻)} that returns the new state as a fresh array (checked for
 * its length and finiteness).
 */
@FunctionalInterface
public interface ResetFunction {

    /**
     * Computes the state after the event.
     *
     * @param t the event time {@code t*}
     * @param y the state before the event. A read-only view.
     * @return the state after the event, length {@code n}, finite
     */
    double[] apply(double t, double[] y);
}
