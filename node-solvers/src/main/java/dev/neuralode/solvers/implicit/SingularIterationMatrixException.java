package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSolveException;

/**
 * Thrown when an implicit method's iteration matrix {@code I − hγ ∂f/∂y} stays singular however much
 * the step is reduced (each singular matrix first rejects the step and retries with a smaller one, the
 * driver's {@code minFactor}), or at once at a fixed step size.
 * The usual causes: a Jacobian with NaN-free but degenerate entries supplied by the user, or a
 * system whose Jacobian has an eigenvalue {@code 1/(hγ)} for every step tried.
 */
public class SingularIterationMatrixException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final int pivot;

    /**
     * Creates the exception.
     *
     * @param method   the method's name
     * @param time     the time of the step
     * @param stepSize the last step size tried
     * @param pivot    the zero or non-finite pivot of the LU factorization
     * @param attempts how many step sizes were tried
     */
    public SingularIterationMatrixException(String method, double time, double stepSize, int pivot, int attempts) {
        super(method + ": the iteration matrix I - h*gamma*J is singular (LU pivot " + pivot
                + " is zero or not finite) at t=" + time + " with h=" + stepSize + " after " + attempts
                + " attempt(s); check the Jacobian (df/dy) of the system", time, stepSize);
        this.pivot = pivot;
    }

    /**
     * The pivot of the singular factorization.
     *
     * @return its index
     */
    public int pivot() {
        return pivot;
    }
}
