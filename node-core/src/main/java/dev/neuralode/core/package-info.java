/**
 * The contracts every module of the library shares, with no dependencies: the ODE system
 * {@link dev.neuralode.core.OdeSystem}, the differentiable ODE system
 * {@link dev.neuralode.core.DifferentiableOdeSystem} that the adjoint method needs (with its
 * {@link dev.neuralode.core.Linearization}s for reverse-mode sweeps), the solution
 * type {@link dev.neuralode.core.OdeSolution} with its {@link dev.neuralode.core.SolverStats}, and
 * the library's exceptions ({@link dev.neuralode.core.OdeSolveException} and subclasses).
 */
package dev.neuralode.core;
