/**
 * Benchmarks of the gradient methods of {@code node-adjoint}: time and stored memory of one
 * gradient as the number of solver steps grows ({@link
 * dev.neuralode.benchmarks.adjoint.GradientMethodTable}, JMH {@link
 * dev.neuralode.benchmarks.adjoint.GradientMethodBenchmark}), the gradient error against
 * central finite differences at several tolerances, and the per-iteration cost of the spiral
 * training problem of the project's REFERENCE.md ({@link
 * dev.neuralode.benchmarks.adjoint.SpiralTrainingTiming}).
 */
package dev.neuralode.benchmarks.adjoint;
