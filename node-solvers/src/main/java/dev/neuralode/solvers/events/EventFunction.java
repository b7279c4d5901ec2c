package dev.neuralode.solvers.events;

/**
 * The scalar event function {@code g(t, y)} whose zero crossings are events.
 */
@FunctionalInterface
public interface EventFunction {

    /**
     * Evaluates {@code g}.
     *
     * @param t the time
     * @param y the state. A read-only view: do not modify or keep it.
     * @return {@code g(t, y)}, finite
     */
    double value(double t, double[] y);
}
