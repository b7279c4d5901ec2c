/**
 * JMH benchmarks comparing the library's solvers with commons-math3 on the Arenstorf orbit, the
 * Lorenz system and a 256-component Brusselator, plus {@link dev.neuralode.benchmarks.EvaluationReport}
 * for function-evaluation counts and achieved errors. Not a library: nothing depends on it.
 */
package dev.neuralode.benchmarks;
