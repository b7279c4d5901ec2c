/**
 * Composite methods: {@link dev.neuralode.solvers.composite.AutoSwitch} runs a non-stiff explicit
 * method while the problem is non-stiff and a stiff method while it is stiff, switching between them
 * on a stiffness estimate that costs the explicit method nothing (its last two stages) and the stiff
 * method one evaluation per step. The registry's {@code auto} is
 * {@link dev.neuralode.solvers.composite.AutoSwitch#AUTO}: tsit5 and rodas5p.
 *
 * <p>A composite method is an ordinary {@link dev.neuralode.solvers.step.Method} on the one driver
 * ({@link dev.neuralode.solvers.step.Integrator}): each part keeps its own stepper and workspace
 * for the whole solve (the stiff method's Jacobian and LU stay with it while it runs), and the
 * hand-over happens at an accepted step's end point, so the state, the step size and the dense
 * output continue across it.
 */
package dev.neuralode.solvers.composite;
