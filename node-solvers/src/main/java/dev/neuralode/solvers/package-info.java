/**
 * ODE solvers: the facade {@link dev.neuralode.solvers.OdeSolvers} (solve at output times, dense
 * solutions, the open method registry), {@link dev.neuralode.solvers.SolverOptions}, error norms,
 * step-size controllers (I, PI, Hairer's stabilised I, Söderlind's PID family) and
 * {@link dev.neuralode.solvers.DenseSolution}.
 *
 * <p>The seam every method family plugs into is in {@link dev.neuralode.solvers.step}: a method is
 * a factory of steppers, a stepper attempts one step and exposes its interpolant, one driver does
 * the step control, handlers see each accepted step. The explicit Runge–Kutta methods (15 tableaus,
 * torchdiffeq's names) are in {@link dev.neuralode.solvers.explicit}. References: Hairer, Nørsett,
 * Wanner, <i>Solving Ordinary Differential Equations I</i> (2nd ed.); Dormand &amp; Prince 1980;
 * Prince &amp; Dormand 1981; Bogacki &amp; Shampine 1989; Tsitouras 2011; Cash &amp; Karp 1990;
 * Fehlberg 1969; Söderlind 2003.
 */
package dev.neuralode.solvers;
