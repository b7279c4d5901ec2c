package dev.neuralode.adjoint;

import dev.neuralode.solvers.SolverOptions;

/**
 * Settings of the backward (adjoint) solves of {@link GradientMethod#adjoint(AdjointOptions)} and
 * {@link GradientMethod#checkpointed(int, AdjointOptions)}.
 *
 * <pre>{@code
 * AdjointOptions o = AdjointOptions.builder()
 *         .solver(SolverOptions.builder().method("dopri5").rtol(1e-6).atol(1e-8).build())
 *         .seminorm(true)
 *         .build();
 * }</pre>
 *
 * <p>Without a solver the backward pass uses the forward solve's options (method, tolerances,
 * fixed step). A per-component absolute tolerance of the state's length {@code n} is applied to
 * the state and adjoint parts; the scalar {@code atol} to the parameter and time parts.
 *
 * <p>Seminorm (Kidger, Chen, Lyons, ICML 2021): the parameter-gradient and time-gradient
 * components {@code aθ, at} are integrals that nothing else depends on, so their local error
 * need not control the step size; with {@code seminorm(true)} the error norm is the RMS norm over
 * the leading components only ({@code [y, a]} for backsolve, {@code a} for checkpointed).
 *
 * <p>Reconstruction check (backsolve adjoint only): the backward pass integrates the state
 * {@code y} backwards alongside the adjoint and compares it with the forward solution at every
 * output time {@code t_j} it reaches; the relative reconstruction error
 * (see {@link BackwardResult#relativeReconstructionError()}) above
 * {@link #maxReconstructionError()} (default {@value #DEFAULT_MAX_RECONSTRUCTION_ERROR}, that is a
 * reconstructed state off by a hundredth of the state's magnitude) fails the backward pass with a
 * {@link ReconstructionErrorException} instead of returning a wrong gradient.
 *
 * <p>Immutable and thread-safe.
 */
public final class AdjointOptions {

    /**
     * The default of {@link #maxReconstructionError()}: a reconstructed state may be off by a
     * hundredth of the state's magnitude. Measured in this repository: the spiral training runs and
     * the accuracy table's easy problem stay below 1e-5 at every tolerance from 1e-3 to 1e-9, the
     * coarsest solve of the tests (Euler, step 0.25) reaches 3e-3; the dissipative case
     * reaches 250 and the table's harder variant 0.04 to 0.34, where the backsolve gradient is off by
     * 15 % to 10¹² relative.
     */
    public static final double DEFAULT_MAX_RECONSTRUCTION_ERROR = 0.01;

    private static final AdjointOptions DEFAULTS = new Builder().build();

    private final SolverOptions solver;
    private final boolean seminorm;
    private final double maxReconstructionError;

    private AdjointOptions(Builder b) {
        this.solver = b.solver;
        this.seminorm = b.seminorm;
        this.maxReconstructionError = b.maxReconstructionError;
    }

    /**
     * The defaults: the forward options backwards, full norm.
     *
     * @return the default options
     */
    public static AdjointOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A new builder with the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The backward solver options.
     *
     * @return the options, or {@code null} to reuse the forward solve's
     */
    public SolverOptions solver() {
        return solver;
    }

    /**
     * Whether the error norm leaves the parameter and time parts out (Kidger et al. 2021).
     *
     * @return true for the seminorm
     */
    public boolean seminorm() {
        return seminorm;
    }

    /**
     * The largest relative reconstruction error the backsolve adjoint accepts (see
     * {@link BackwardResult#relativeReconstructionError()}); above it the backward pass throws
     * {@link ReconstructionErrorException}. Not used by the checkpointed adjoint, which does not
     * reconstruct the state backwards.
     *
     * @return the threshold, positive; {@link Double#POSITIVE_INFINITY} when the check is off
     */
    public double maxReconstructionError() {
        return maxReconstructionError;
    }

    @Override
    public String toString() {
        return "AdjointOptions[solver=" + (solver == null ? "forward" : solver) + ", seminorm=" + seminorm
                + ", maxReconstructionError=" + maxReconstructionError + "]";
    }

    /** Mutable builder of {@link AdjointOptions}. Not thread-safe. */
    public static final class Builder {
        private SolverOptions solver;
        private boolean seminorm;
        private double maxReconstructionError = DEFAULT_MAX_RECONSTRUCTION_ERROR;

        private Builder() {
        }

        /**
         * Sets the largest relative reconstruction error the backsolve adjoint accepts before it
         * fails with {@link ReconstructionErrorException} (default
         * {@value AdjointOptions#DEFAULT_MAX_RECONSTRUCTION_ERROR}).
         *
         * @param max the threshold, {@code > 0}; {@link Double#POSITIVE_INFINITY} turns the check off
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is not positive or is NaN, naming the value
         */
        public Builder maxReconstructionError(double max) {
            if (!(max > 0)) {
                throw new IllegalArgumentException("adjoint options: maxReconstructionError = " + max
                        + " is invalid; it must be > 0 (Double.POSITIVE_INFINITY turns the check off)");
            }
            this.maxReconstructionError = max;
            return this;
        }

        /**
         * Sets the backward solve's options (method, tolerances, step size...).
         *
         * @param options the options, or {@code null} to reuse the forward ones
         * @return this builder
         */
        public Builder solver(SolverOptions options) {
            this.solver = options;
            return this;
        }

        /**
         * Selects the seminorm.
         *
         * @param on whether to leave the parameter and time parts out of the error norm
         * @return this builder
         */
        public Builder seminorm(boolean on) {
            this.seminorm = on;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the immutable options
         */
        public AdjointOptions build() {
            return new AdjointOptions(this);
        }
    }
}
