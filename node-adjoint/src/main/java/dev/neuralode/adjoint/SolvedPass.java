package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.SolverOptions;

/**
 * What every gradient method's forward pass holds (package-private): the system, the output
 * times, the output states flattened row-major ({@code m × n}, the array the forward solve wrote into: the
 * tape's output value when the pass runs under {@code OdeSolveOp}), the forward solver options and
 * the forward solve's statistics. Each method's pass adds what its backward pass needs.
 */
abstract class SolvedPass implements ForwardPass {
    final DifferentiableOdeSystem system;
    final double[] times;
    final double[] states;
    final SolverOptions options;
    final SolverStats stats;

    /**
     * @param system  the dynamics
     * @param times   the output times (copied)
     * @param states  the forward solve's states at those times, {@code m × n} row-major (owned
     *                from now on: the array the solve wrote into)
     * @param stats   the forward solve's statistics
     * @param options the options the backward pass solves with
     */
    SolvedPass(DifferentiableOdeSystem system, double[] times, double[] states, SolverStats stats,
               SolverOptions options) {
        this.system = system;
        this.times = times.clone();
        this.options = options;
        this.stats = stats;
        this.states = states;
    }

    @Override
    public final double[] states() {
        return states;
    }

    @Override
    public final SolverStats stats() {
        return stats;
    }
}
