package dev.neuralode.core;

/**
 * One evaluation of a {@link DifferentiableOdeSystem} kept so that its vector–Jacobian products can
 * be taken later, when the cotangent is known: created by
 * {@link DifferentiableOdeSystem#linearize(double, double[], double[])} at {@code (t, y)}, it gives
 * {@code aᵀ∂f/∂y}, {@code aᵀ∂f/∂θ} and {@code aᵀ∂f/∂t} at that point for any {@code a}.
 *
 * <p>Reverse-mode differentiation through a solver (backprop through the solver) needs exactly this:
 * each stage's value forwards, its cotangent backwards. A tape-backed system keeps its recorded tape,
 * so a product costs one reverse sweep and no new evaluation; the default keeps a copy of
 * {@code (t, y)} and calls {@link DifferentiableOdeSystem#vectorJacobianProduct}.
 *
 * <p>Belongs to the thread that created it, like the system.
 */
public interface Linearization {

    /**
     * Writes the vector–Jacobian products of {@code f} at the linearization point into the non-null
     * outputs (overwritten, not accumulated). May be called any number of times until
     * {@link #release()}.
     *
     * @param a       the cotangent, length {@code n}. Not modified.
     * @param aDy     receives {@code aᵀ ∂f/∂y}, length {@code n}, or {@code null}. Modified.
     * @param aDtheta receives {@code aᵀ ∂f/∂θ}, length {@code p}, or {@code null}. Modified.
     * @param aDt     receives {@code aᵀ ∂f/∂t} in element 0, or {@code null}. Modified.
     * @throws IllegalStateException if called after {@link #release()}
     */
    void vectorJacobianProduct(double[] a, double[] aDy, double[] aDtheta, double[] aDt);

    /**
     * Hands back the memory this linearization holds (for a tape, its arrays go back to the
     * thread's pool); afterwards no product may be taken. Idempotent.
     */
    void release();

    /**
     * The value {@code f(t, y)} the linearization was made with (what {@code linearize} wrote into
     * its {@code dydt}), so that a caller keeping the linearization needs no copy of its own.
     *
     * @return a read-only view of at least {@code n} values, valid until {@link #release()}
     * @throws IllegalStateException if released
     */
    double[] value();

    /**
     * The heap this linearization holds, for memory budgets and accounting (an estimate: the
     * arrays it keeps, not object headers).
     *
     * @return bytes, at least 0; 0 once released
     */
    long sizeBytes();
}
