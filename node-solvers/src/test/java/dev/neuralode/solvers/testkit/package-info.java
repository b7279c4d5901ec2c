/**
 * Reusable contract checks for ODE methods, published as node-solvers' test-jar so that a method
 * defined outside this library runs the same checks as the built-ins, in any test framework.
 *
 * <ul>
 *   <li>{@link dev.neuralode.solvers.testkit.OrderConditions}: Butcher's rooted trees up to order 8
 *       and the residuals of the order conditions of a tableau and of its continuous extension;</li>
 *   <li>{@link dev.neuralode.solvers.testkit.MethodContract}: the checks every registered method
 *       passes (consistency, order conditions, embedded and dense-output orders, empirical
 *       convergence order, observed dense-output order), each failing with an
 *       {@link java.lang.AssertionError} whose message names the method, the condition and the
 *       numbers;</li>
 *   <li>{@link dev.neuralode.solvers.testkit.TestProblems}: the analytic test problems with exact
 *       solutions, and the Arenstorf orbit.</li>
 * </ul>
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.neuralode</groupId>
 *   <artifactId>node-solvers</artifactId>
 *   <version>0.1.0-SNAPSHOT</version>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 * The kit depends on node-solvers and node-core only (no JUnit, no AssertJ). Every class is
 * stateless and thread-safe; the checks allocate freely (they are tests, not hot loops).
 */
package dev.neuralode.solvers.testkit;
