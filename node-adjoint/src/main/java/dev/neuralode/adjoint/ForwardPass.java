package dev.neuralode.adjoint;

import dev.neuralode.core.SolverStats;

/**
 * The result of a {@link GradientMethod}'s forward solve, holding what its backward pass needs.
 *
 * <p>Belongs to one solve and one thread.
 */
public interface ForwardPass {

    /**
     * The states at the output times, flattened: entries {@code [i·n, (i+1)·n)} are the state at
     * {@code times[i]}; the first block equals {@code y0}.
     *
     * @return the live array, length {@code m·n} (do not modify)
     */
    double[] states();

    /**
     * The work of the forward solve.
     *
     * @return function evaluations and steps
     */
    SolverStats stats();

    /**
     * The number of doubles this forward pass keeps for its backward pass (the output states
     * included), counted, not measured.
     *
     * @return the stored doubles
     */
    long storedDoubles();

    /**
     * Runs the backward pass.
     *
     * @param cotangents {@code dL/dy(t_i)} for every output, flattened like {@link #states()},
     *                   length {@code m·n}. Not modified.
     * @return the gradients and the work done
     * @throws dev.neuralode.core.OdeSolveException if a backward solve fails, or
     *         {@link dev.neuralode.core.NonFiniteStateException} if the adjoint state becomes NaN or
     *         infinite; the message names the backward pass and the time
     * @throws IllegalStateException if no state was kept ({@code keep == false} at forward)
     */
    BackwardResult backward(double[] cotangents);
}
