package dev.neuralode.core;

/**
 * The Jacobian {@code ∂f/∂y} of an {@link OdeSystem}, supplied by the user: an {@code OdeSystem}
 * may also implement this interface, and the implicit (stiff) solvers then use it instead of
 * finite differences.
 *
 * <pre>{@code
 * final class Decay implements OdeSystem, Jacobian {
 *     public void derivative(double t, double[] y, double[] dydt) { dydt[0] = -50 * y[0]; }
 *     public void jacobian(double t, double[] y, double[] dfdy) { dfdy[0] = -50; }
 * }
 * }</pre>
 *
 * <p>The matrix is dense and row-major: {@code dfdy[i·n + j] = ∂f_i/∂y_j}. Rosenbrock methods
 * also need {@code ∂f/∂t} for non-autonomous systems ({@link #timeDerivative}); without it the
 * solver takes a one-sided difference in {@code t}.
 *
 * <p>Thread safety: as for {@link OdeSystem#derivative}, called from the solving thread.
 */
public interface Jacobian {

    /**
     * Writes the Jacobian {@code ∂f/∂y} at {@code (t, y)}.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified.
     * @param dfdy receives the {@code n × n} matrix row-major, {@code dfdy[i·n + j] = ∂f_i/∂y_j};
     *             length {@code n²}. Modified: every entry is overwritten (the solver zeroes it before the call,
     *             so an implementation may write the non-zero entries only).
     */
    void jacobian(double t, double[] y, double[] dfdy);

    /**
     * Writes {@code ∂f/∂t} at {@code (t, y)} if the implementation knows it.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified.
     * @param dfdt receives {@code ∂f/∂t}, length {@code n}. Modified when the method returns true.
     * @return {@code true} if {@code dfdt} was written; {@code false} (the default) lets the solver
     *         difference {@code f} in {@code t}. An autonomous system returns {@code true} after
     *         writing zeros, which saves an evaluation per Jacobian.
     */
    default boolean timeDerivative(double t, double[] y, double[] dfdt) {
        return false;
    }
}
