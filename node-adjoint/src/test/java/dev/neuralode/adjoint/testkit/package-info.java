/**
 * Reusable contract checks for gradient methods, published as node-adjoint's test-jar so that a
 * {@link dev.neuralode.adjoint.GradientMethod} defined outside this library runs the same checks
 * as the built-ins ({@code direct}, {@code adjoint}, {@code checkpointed}), in any test framework.
 *
 * <ul>
 *   <li>{@link dev.neuralode.adjoint.testkit.GradientMethodContract}: the checks every built-in
 *       method passes (central finite differences of the whole solve, forwards and backwards in
 *       time; forward states equal to the plain solver's; stats; the closed-form gradients of
 *       {@code dy/dt = A y}; gradient accumulation and repeated backward sweeps; a non-finite
 *       backward state reported with the pass and the time; agreement with a reference method
 *       tightening with the tolerance; random output grids), each failing with an
 *       {@link java.lang.AssertionError} whose message names the method, the check, the problem and
 *       the numbers;</li>
 *   <li>{@link dev.neuralode.adjoint.testkit.GradientProblems}: the test problems (a seeded MLP
 *       dynamics, the linear system with its matrix-exponential reference, the spiral MLP, a
 *       dynamics whose backward pass is NaN, random output grids);</li>
 *   <li>{@link dev.neuralode.adjoint.testkit.Gradients}: the gradients of a problem's loss through
 *       the tape, by central finite differences, and the relative errors they are compared
 *       with.</li>
 * </ul>
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.neuralode</groupId>
 *   <artifactId>node-adjoint</artifactId>
 *   <version>0.1.0-SNAPSHOT</version>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 * The kit depends on node-adjoint, node-autodiff, node-solvers, node-core and EJML only (no JUnit,
 * no AssertJ). Every class is stateless and thread-safe; the problems it returns are new objects
 * each time and belong to one thread. The checks allocate freely (they are tests, not hot loops).
 */
package dev.neuralode.adjoint.testkit;
