/**
 * Explicit Runge–Kutta ODE solvers: fixed-step and adaptive methods, each a
 * {@link dev.neuralode.solvers.ButcherTableau} run by one of two allocation-free engines, with
 * step-size control, Hairer's initial step, dense output and step observers.
 *
 * <p>Start at {@link dev.neuralode.solvers.OdeSolvers}; configure with
 * {@link dev.neuralode.solvers.SolverOptions}. Methods are registered by torchdiffeq's names in
 * {@link dev.neuralode.solvers.Tableaus}. References: Hairer, Nørsett, Wanner, <i>Solving Ordinary
 * Differential Equations I</i> (2nd ed.); Dormand &amp; Prince 1980; Prince &amp; Dormand 1981;
 * Bogacki &amp; Shampine 1989; Tsitouras 2011; Cash &amp; Karp 1990; Fehlberg 1969.
 */
package dev.neuralode.solvers;
