package dev.neuralode.adjoint;

/**
 * Work counters of one differentiable ODE solve, read with {@link OdeSolveResult#stats()}.
 * Backward counters are zero (and the reconstruction error {@code NaN}) until the tape's backward
 * sweep has reached the solve.
 *
 * @param method                the gradient method's name
 * @param forwardEvaluations    function evaluations of the forward solve
 * @param forwardSteps          accepted steps of the forward solve
 * @param backwardEvaluations   function and vector–Jacobian evaluations of the backward pass
 * @param backwardSteps         accepted steps of the backward solves (and forward re-solves)
 * @param backwardDone          whether a backward pass has run
 * @param reconstructionError   backsolve adjoint only: the largest max-norm error of the state
 *                              reconstructed backwards, at the output times down to {@code t_0};
 *                              {@code NaN} for other methods or before backward
 * @param relativeReconstructionError backsolve adjoint only: the same error relative to the
 *                              state's magnitude, as checked against
 *                              {@link AdjointOptions#maxReconstructionError()} (see
 *                              {@link BackwardResult#relativeReconstructionError()}); {@code NaN}
 *                              for other methods or before backward
 * @param storedDoubles         doubles kept from the forward pass for the backward pass
 * @param peakStoredDoubles     the most doubles held at once by the method (forward and backward)
 */
public record GradientStats(String method, long forwardEvaluations, long forwardSteps,
                            long backwardEvaluations, long backwardSteps, boolean backwardDone,
                            double reconstructionError, double relativeReconstructionError,
                            long storedDoubles, long peakStoredDoubles) {
}
