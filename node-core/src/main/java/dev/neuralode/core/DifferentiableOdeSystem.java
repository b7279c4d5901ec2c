package dev.neuralode.core;

/**
 * An ODE system {@code dy/dt = f(t, y, θ)} that can also evaluate vector–Jacobian products of
 * {@code f} with respect to the state {@code y}, the parameters {@code θ} and the time {@code t}.
 *
 * <p>These are the products the adjoint sensitivity method integrates backwards in time
 * (Chen, Rubanova, Bettencourt, Duvenaud, <i>Neural Ordinary Differential Equations</i>,
 * NeurIPS 2018):
 * <pre>
 *   da/dt  = -aᵀ ∂f/∂y
 *   daθ/dt = -aᵀ ∂f/∂θ
 *   dat/dt = -aᵀ ∂f/∂t
 * </pre>
 *
 * <p>The parameters are seen here as one flat vector of length {@link #parameterCount()}; the
 * implementation defines the order (for tape-based dynamics: the order of its parameter list,
 * each parameter row-major).
 *
 * <p>Thread safety: as for {@link OdeSystem}; implementations backed by a recording tape are
 * typically not thread-safe.
 */
public interface DifferentiableOdeSystem extends OdeSystem {

    /**
     * The dimension {@code n} of the state.
     *
     * @return the number of state components, at least 1
     */
    int dimension();

    /**
     * The number of scalar parameters {@code p} of the dynamics (0 when there are none).
     *
     * @return the length of the flat parameter vector
     */
    int parameterCount();

    /**
     * Evaluates {@code f(t, y)} and the vector–Jacobian products {@code aᵀ∂f/∂y},
     * {@code aᵀ∂f/∂θ} and {@code aᵀ∂f/∂t} at {@code (t, y)}, in one pass.
     *
     * <p>Every output may be {@code null}, meaning "not needed"; an implementation then skips
     * the work for it where it can. Non-null outputs are overwritten, not accumulated.
     *
     * @param t       the time
     * @param y       the state, length {@code n}. Not modified.
     * @param a       the cotangent (adjoint state), length {@code n}. Not modified.
     * @param dydt    receives {@code f(t, y)}, length {@code n}, or {@code null}. Modified.
     * @param aDy     receives {@code aᵀ ∂f/∂y}, length {@code n}, or {@code null}. Modified.
     * @param aDtheta receives {@code aᵀ ∂f/∂θ}, length {@code p}, or {@code null}. Modified.
     * @param aDt     receives {@code aᵀ ∂f/∂t} in element 0, length at least 1, or {@code null}.
     *                Modified.
     */
    void vectorJacobianProduct(double t, double[] y, double[] a,
                               double[] dydt, double[] aDy, double[] aDtheta, double[] aDt);

    /**
     * Evaluates {@code dydt = f(t, y)} and keeps what is needed to take vector–Jacobian products at
     * {@code (t, y)} later (see {@link Linearization}): the forward half of reverse-mode
     * differentiation, for callers that learn the cotangent only after more evaluations, such as
     * backprop through a Runge–Kutta step (each stage's value is needed forwards, its cotangent
     * {@code K̄_i} arrives in the reverse sweep).
     *
     * <p>The default evaluates {@link #derivative} and keeps a copy of {@code t} and {@code y}; each
     * product then calls {@link #vectorJacobianProduct} at that point. Implementations that record
     * the evaluation (a tape) override it to keep the recording, so that a product is one reverse
     * sweep without evaluating {@code f} again.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified (the linearization keeps its own copy).
     * @param dydt receives {@code f(t, y)}, length {@code n}. Modified.
     * @return the linearization at {@code (t, y)}; the caller releases it
     */
    default Linearization linearize(double t, double[] y, double[] dydt) {
        derivative(t, y, dydt);
        return new CopiedLinearization(this, t, y, dydt);
    }
}
