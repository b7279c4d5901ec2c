package dev.neuralode.adjoint;

import dev.neuralode.core.SolverStats;

/**
 * What a backward pass returns: the gradients and its work.
 *
 * @param dy0                 {@code dL/dy0}, length {@code n}
 * @param dtheta              {@code dL/dθ}, length {@code p} (flat, the system's parameter order)
 * @param dtimes              {@code dL/dt_i}, length {@code m}
 * @param stats               work of the backward pass: function or vector–Jacobian evaluations
 *                            and steps (accepted, rejected) of every backward solve and re-solve
 * @param reconstructionError for the backsolve adjoint: the largest max-norm difference between
 *                            the state reconstructed backwards and the forward state, over the
 *                            output times reached (including {@code t_0}); {@code NaN} otherwise
 * @param relativeReconstructionError for the backsolve adjoint: the largest, over the output
 *                            times {@code t_j} reached ({@code j < m-1}), of
 *                            {@code ‖ŷ(t_j) - y(t_j)‖∞ / max(‖y(t_j)‖∞, ‖y(t_{j+1})‖∞, atol/rtol)}:
 *                            the reconstruction error relative to the state's magnitude over the
 *                            interval integrated backwards, where magnitudes below {@code atol/rtol}
 *                            (the backward solve's tolerances: the scale below which the solver
 *                            controls absolute rather than relative error; {@code atol} when
 *                            {@code rtol = 0}) count as {@code atol/rtol}; compared with
 *                            {@link AdjointOptions#maxReconstructionError()}. {@code NaN} otherwise
 * @param peakStoredDoubles   the largest number of doubles held at once during forward and
 *                            backward (kept states, checkpoints, re-solved segment, stage buffers;
 *                            fixed-size solver workspaces excluded)
 */
public record BackwardResult(double[] dy0, double[] dtheta, double[] dtimes, SolverStats stats,
                             double reconstructionError, double relativeReconstructionError,
                             long peakStoredDoubles) {

    /**
     * A result without a relative reconstruction error ({@code NaN}), for gradient methods that do
     * not reconstruct the state backwards or measure only the absolute error (the constructor
     * gradient methods written before that component existed use).
     *
     * @param dy0                 {@code dL/dy0}
     * @param dtheta              {@code dL/dθ}
     * @param dtimes              {@code dL/dt_i}
     * @param stats               the backward work
     * @param reconstructionError the absolute reconstruction error, or {@code NaN}
     * @param peakStoredDoubles   the peak number of doubles stored
     */
    public BackwardResult(double[] dy0, double[] dtheta, double[] dtimes, SolverStats stats,
                          double reconstructionError, long peakStoredDoubles) {
        this(dy0, dtheta, dtimes, stats, reconstructionError, Double.NaN, peakStoredDoubles);
    }
}
