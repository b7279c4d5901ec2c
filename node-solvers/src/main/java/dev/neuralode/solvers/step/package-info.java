/**
 * The step contract: {@link dev.neuralode.solvers.step.Method} (a factory of steppers),
 * {@link dev.neuralode.solvers.step.Stepper} (one step attempt: proposal, error ratio, accept),
 * {@link dev.neuralode.solvers.step.StepInterpolator} (the accepted step's interpolant and its stage
 * ordinals), {@link dev.neuralode.solvers.step.StepHandler} (start, each step, finish; may stop),
 * {@link dev.neuralode.solvers.step.Tolerance} (the error ratio), the one driver
 * {@link dev.neuralode.solvers.step.Integrator} and the {@link dev.neuralode.solvers.step.StepTrace}
 * that gradient methods read instead of re-deriving what the solver did.
 *
 * <p>Explicit Runge–Kutta methods implement it in {@code dev.neuralode.solvers.explicit}; implicit
 * methods (Rosenbrock, ESDIRK, Radau, BDF) are further steppers under the same driver, and events
 * are a handler over the step interpolants.
 */
package dev.neuralode.solvers.step;
