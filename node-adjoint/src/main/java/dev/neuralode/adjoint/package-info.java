/**
 * Differentiable ODE solves: an ODE solve is one op on the autodiff tape, and its gradient is
 * computed by a chosen {@link dev.neuralode.adjoint.GradientMethod}.
 *
 * <p>A {@link dev.neuralode.adjoint.Dynamics} written with tape ops becomes a
 * {@link dev.neuralode.core.DifferentiableOdeSystem} ({@link dev.neuralode.adjoint.TapeOdeSystem}):
 * the forward solve evaluates it without recording, each vector–Jacobian product is a small tape
 * of its own (backprop through the solver instead keeps the forward evaluations as
 * {@link dev.neuralode.core.Linearization}s, recorded tapes within a heap budget, and sweeps them
 * backwards; it reads the solver's {@link dev.neuralode.solvers.step.StepTrace} and the tableau's
 * {@link dev.neuralode.solvers.explicit.ContinuousExtension} instead of re-deriving the steps). {@link dev.neuralode.adjoint.OdeSolve#solve} applies the solve op and returns an
 * {@link dev.neuralode.adjoint.OdeSolveResult}.
 *
 * <p>The three adjoint ODEs (Chen, Rubanova, Bettencourt, Duvenaud, NeurIPS 2018), integrated
 * backwards from the last output time:
 * <pre>
 *   da/dt  = -aᵀ ∂f/∂y,    daθ/dt = -aᵀ ∂f/∂θ,    dat/dt = -aᵀ ∂f/∂t
 * </pre>
 * Gradient methods: backprop through the solver ({@code direct}), the backsolve adjoint
 * ({@code adjoint}, optionally with the seminorm of Kidger, Chen and Lyons, ICML 2021) and the
 * checkpointed adjoint ({@code checkpointed}, after Zhuang et al., ICML 2020). See the module
 * README for the trade-offs, measured.
 */
package dev.neuralode.adjoint;
