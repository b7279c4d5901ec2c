package dev.neuralode.adjoint;

import dev.neuralode.core.OdeSolveException;

/**
 * Thrown by the backward pass of the backsolve adjoint ({@link GradientMethod#adjoint(AdjointOptions)})
 * when the state it reconstructs by integrating backwards in time has drifted from the forward
 * solution by more than {@link AdjointOptions#maxReconstructionError()}: the gradient it would
 * return is not to be trusted. Dissipative (contracting) dynamics are the usual cause: integrated
 * backwards they expand, and amplify every local error.
 *
 * <p>The remedies, in the message too: {@link GradientMethod#checkpointed()}, which never
 * integrates the state backwards; tighter tolerances; or a higher threshold
 * ({@link AdjointOptions.Builder#maxReconstructionError(double)}, {@code Double.POSITIVE_INFINITY}
 * to turn the check off). The measured error, the threshold and the time are fields, so a caller
 * can fall back to another method without parsing the message.
 */
public class ReconstructionErrorException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final double relativeError;
    private final double absoluteError;
    private final double threshold;

    /**
     * Creates the exception.
     *
     * @param message       the full message
     * @param time          the output time at which the error was measured
     * @param relativeError the measured relative reconstruction error (see
     *                      {@link BackwardResult#relativeReconstructionError()})
     * @param absoluteError the max-norm difference between the reconstructed and the forward state there
     * @param threshold     the threshold it exceeded
     */
    public ReconstructionErrorException(String message, double time, double relativeError, double absoluteError,
                                        double threshold) {
        super(message, time, Double.NaN);
        this.relativeError = relativeError;
        this.absoluteError = absoluteError;
        this.threshold = threshold;
    }

    /**
     * The measured relative reconstruction error.
     *
     * @return the error, above {@link #threshold()}
     */
    public double relativeError() {
        return relativeError;
    }

    /**
     * The max-norm difference between the reconstructed and the forward state at {@link #time()}.
     *
     * @return the absolute error
     */
    public double absoluteError() {
        return absoluteError;
    }

    /**
     * The threshold exceeded ({@link AdjointOptions#maxReconstructionError()}).
     *
     * @return the threshold
     */
    public double threshold() {
        return threshold;
    }
}
