package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.SolverOptions;

/**
 * What every gradient method's forward pass holds (package-private): the system, the output
 * times, the output states flattened row-major ({@code m × n}), the forward solver options and
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
     * @param sol     the forward solve at those times
     * @param options the options the backward pass solves with
     */
    SolvedPass(DifferentiableOdeSystem system, double[] times, OdeSolution sol, SolverOptions options) {
        this.system = system;
        this.times = times.clone();
        this.options = options;
        this.stats = sol.stats();
        int m = times.length;
        int n = sol.dimension();
        this.states = new double[m * n];
        for (int i = 0; i < m; i++) {
            sol.copyState(i, states, i * n);
        }
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
