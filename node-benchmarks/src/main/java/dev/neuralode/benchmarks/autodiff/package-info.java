/**
 * Benchmarks of the autodiff tape: the JMH {@link dev.neuralode.benchmarks.autodiff.MlpBenchmark}
 * (forward, forward without recording, forward+backward of the spiral and wide reference MLPs) and
 * {@link dev.neuralode.benchmarks.autodiff.MlpCpuTime}, which runs the same methods timed by thread
 * CPU time for steadier figures on shared machines.
 */
package dev.neuralode.benchmarks.autodiff;
