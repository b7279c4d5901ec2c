package dev.neuralode.core;

/**
 * The right-hand side of a first-order system of ordinary differential equations,
 * {@code dy/dt = f(t, y)}.
 *
 * <p>This is the one contract every solver in the library integrates. Implementations write the
 * derivative into a caller-supplied buffer so that the solver's inner loop allocates nothing:
 * <pre>{@code
 * OdeSystem decay = (t, y, dydt) -> dydt[0] = -0.5 * y[0];
 * }</pre>
 *
 * <p>Thread safety: a solver calls {@code derivative} from the thread that called it. An
 * implementation shared between threads that solve concurrently must be stateless or
 * thread-safe.
 */
@FunctionalInterface
public interface OdeSystem {

    /**
     * Evaluates {@code dydt = f(t, y)}.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified.
     * @param dydt the derivative, length {@code n}. Modified: every component is overwritten.
     */
    void derivative(double t, double[] y, double[] dydt);
}
