/**
 * Training workloads of the sizes people train, ported from torchdiffeq's own examples onto the
 * library's public API (node-models layers and optimizers, node-adjoint {@code OdeSolve}, tape
 * ops), each a {@code main()} program that reports seconds per iteration (wall clock and the
 * thread's CPU time), function evaluations, bytes allocated per iteration and the resident set
 * size, with the warm-up iterations reported separately. The PyTorch reference of each is timed by
 * a script under {@code node-benchmarks/scripts/} on a torchdiffeq checkout; the figures and the
 * commands are in {@code node-benchmarks/README.md} ("Workloads").
 */
package dev.neuralode.benchmarks.workloads;
