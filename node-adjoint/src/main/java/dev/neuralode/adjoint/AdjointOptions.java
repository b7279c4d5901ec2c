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
 * <p>Immutable and thread-safe.
 */
public final class AdjointOptions {

    private static final AdjointOptions DEFAULTS = new Builder().build();

    private final SolverOptions solver;
    private final boolean seminorm;

    private AdjointOptions(Builder b) {
        this.solver = b.solver;
        this.seminorm = b.seminorm;
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

    @Override
    public String toString() {
        return "AdjointOptions[solver=" + (solver == null ? "forward" : solver) + ", seminorm=" + seminorm + "]";
    }

    /** Mutable builder of {@link AdjointOptions}. Not thread-safe. */
    public static final class Builder {
        private SolverOptions solver;
        private boolean seminorm;

        private Builder() {
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
