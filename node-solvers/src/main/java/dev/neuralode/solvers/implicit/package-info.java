/**
 * Implicit methods for stiff problems, on the same step contract as the explicit ones
 * ({@link dev.neuralode.solvers.step.Method}, {@link dev.neuralode.solvers.step.Stepper}, the one
 * driver {@link dev.neuralode.solvers.step.Integrator}): the linearly implicit Rosenbrock methods
 * {@link dev.neuralode.solvers.implicit.ImplicitMethods#ROSENBROCK23} (Shampine and Reichelt 1997,
 * MATLAB's ode23s) and {@link dev.neuralode.solvers.implicit.ImplicitMethods#RODAS5P} (Steinebach
 * 2023), each with its own dense output.
 *
 * <p>Their linear algebra: the Jacobian {@code ∂f/∂y} from the user
 * ({@link dev.neuralode.core.Jacobian}) or by finite differences with CVODE's increments and, for a
 * known sparsity pattern ({@link dev.neuralode.core.JacobianPattern}), Curtis–Powell–Reid column
 * groups ({@link dev.neuralode.solvers.implicit.JacobianEvaluator}); the iteration matrix
 * {@code I − hγJ} factored by EJML's dense LU ({@link dev.neuralode.solvers.implicit.IterationMatrix}),
 * refactored only when {@code hγ} or {@code J} changes. Everything is allocated when the stepper is
 * created; a step allocates nothing.
 */
package dev.neuralode.solvers.implicit;
