/**
 * Explicit Runge–Kutta methods as data: {@link dev.neuralode.solvers.explicit.ButcherTableau} (a
 * {@link dev.neuralode.solvers.step.Method}) with its
 * {@link dev.neuralode.solvers.explicit.ContinuousExtension} (dense output), the built-in tableaus in
 * {@link dev.neuralode.solvers.explicit.Tableaus}, the generic stepper and the fused dopri5 and
 * DOP853 kernels, which perform exactly the generic stepper's arithmetic.
 */
package dev.neuralode.solvers.explicit;
