package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSolveException;

/**
 * Thrown when the (simplified) Newton iteration of an implicit method's stages keeps failing: each
 * failure, after a retry with a Jacobian formed afresh at the step's start, rejects the step and
 * retries with a smaller one; at a fixed step size, or after many failures in a row, the solve ends
 * with this exception. Typical causes: a wrong user Jacobian, a discontinuous or non-smooth {@code f},
 * or a solution that leaves the domain where {@code f} is defined.
 */
public class NewtonConvergenceException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param method   the method's name
     * @param time     the time of the step
     * @param stepSize the last step size tried
     * @param failures consecutive failed attempts
     */
    public NewtonConvergenceException(String method, double time, double stepSize, int failures) {
        super(method + ": the Newton iteration of the implicit stages does not converge at t=" + time + " with h="
                + stepSize + " (" + failures + " failed attempt(s) in a row, each with a Jacobian formed at the step's"
                + " start); check the Jacobian (df/dy) and the smoothness of f", time, stepSize);
    }
}
