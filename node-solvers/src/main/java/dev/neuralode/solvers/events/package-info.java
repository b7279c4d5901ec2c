/**
 * Events: a scalar function {@code g(t, y)} whose zero crossings, located on each accepted step's
 * interpolant, stop the solve, are recorded, or reset the state ({@code y ↦ y⁺}).
 *
 * <pre>{@code
 * Event bounce = Event.when((t, y) -> y[0]).falling()
 *         .reset((t, y, yNew) -> { yNew[0] = 0; yNew[1] = -0.9 * y[1]; });
 * Event stop = Event.when((t, y) -> t - 10).terminal();
 * OdeSolution sol = OdeSolvers.solve(f, y0, times,
 *         SolverOptions.builder().events(bounce, stop).build());
 * sol.events();   // EventOccurrence: time(), eventIndex(), stateBefore(), stateAfter()
 * }</pre>
 *
 * <p>{@link dev.neuralode.solvers.events.Event} is the immutable description;
 * {@link dev.neuralode.solvers.events.EventLocator} is the driver's
 * {@link dev.neuralode.solvers.step.StepInterrupter} that finds the crossings (sign changes at the
 * step ends and at most {@code maxCheckInterval} apart inside a step, roots by the Illinois variant
 * of regula falsi with a bisection safeguard) and tells the driver to stop or restart.
 */
package dev.neuralode.solvers.events;
