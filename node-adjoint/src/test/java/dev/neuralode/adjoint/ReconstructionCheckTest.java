package dev.neuralode.adjoint;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.solvers.SolverOptions;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The backsolve adjoint measures how far the state it reconstructs backwards drifts from the forward
 * solution and refuses to return a gradient when the drift is above
 * {@link AdjointOptions#maxReconstructionError()} (issue 13, item 1): the issue's case,
 * {@code dh/dt = h·Aᵀ}, {@code A = [[-0.1, 0.5], [0, -3]]}, {@code y0 = [1, 0.5]}, times {0, 10},
 * dopri5 rtol 1e-6 atol 1e-9, {@code L = y(10)·[1, -2]}.
 */
class ReconstructionCheckTest {

    private static final double[] TIMES = {0.0, 10.0};
    private static final SolverOptions OPTIONS =
            SolverOptions.builder().method("dopri5").rtol(1e-6).atol(1e-9).build();
    /** dL/dA from the matrix exponential (the issue's figures: 3.99, 0.063, 0.39, 0.011). */
    private static final double[] TRUE_DA = {3.99, 0.063, 0.39, 0.011};

    private static Gradients run(GradientMethod method) {
        DMatrixRMaj a = new DMatrixRMaj(new double[][] {{-0.1, 0.5}, {0.0, -3.0}});
        DMatrixRMaj[] w = {new DMatrixRMaj(1, 2), new DMatrixRMaj(1, 2, true, 1.0, -2.0)};
        return Gradients.compute(new GradientProblems.Linear(a), new DMatrixRMaj(1, 2, true, 1.0, 0.5), TIMES, w, OPTIONS,
                method);
    }

    @Test
    void theIssuesDissipativeCaseFailsNamingTheErrorTheThresholdAndCheckpointed() {
        assertThatThrownBy(() -> run(GradientMethod.adjoint()))
                .isInstanceOf(ReconstructionErrorException.class)
                .hasMessageContaining("backward pass of the backsolve adjoint")
                .hasMessageContaining("relative reconstruction error of")
                .hasMessageContaining("maxReconstructionError = 0.01")
                .hasMessageContaining("GradientMethod.checkpointed()")
                .satisfies(e -> {
                    ReconstructionErrorException r = (ReconstructionErrorException) e;
                    assertThat(r.relativeError()).isGreaterThan(10);
                    assertThat(r.absoluteError()).isGreaterThan(10);
                    assertThat(r.threshold()).isEqualTo(AdjointOptions.DEFAULT_MAX_RECONSTRUCTION_ERROR);
                    assertThat(r.time()).isEqualTo(0.0);
                    assertThat(r.getMessage()).contains(String.format(java.util.Locale.ROOT, "%.3g", r.relativeError()));
                });
        // the seminorm variant reconstructs the same way
        assertThatThrownBy(() -> run(GradientMethod.adjoint(AdjointOptions.builder().seminorm(true).build())))
                .isInstanceOf(ReconstructionErrorException.class);
    }

    @Test
    void withTheCheckOffTheGradientIsGarbageAndTheErrorIsReported() {
        Gradients off = run(GradientMethod.adjoint(
                AdjointOptions.builder().maxReconstructionError(Double.POSITIVE_INFINITY).build()));
        Gradients cp = run(GradientMethod.checkpointed());
        for (int k = 0; k < 4; k++) {
            assertThat(cp.dtheta()[k]).as("checkpointed dL/dA[%d]", k).isCloseTo(TRUE_DA[k], within(0.006));
        }
        assertThat(Gradients.relativeError(off.dtheta(), cp.dtheta())).isGreaterThan(1);
        assertThat(off.stats().relativeReconstructionError()).isGreaterThan(10);
        assertThat(off.stats().reconstructionError()).isGreaterThan(10);
        assertThat(cp.stats().relativeReconstructionError()).isNaN();
    }

    @Test
    void aWellConditionedSolveStaysFarBelowTheDefault() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 8, 7, false);
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.6, new java.util.Random(5));
        Gradients g = Gradients.compute(f, y0, new double[] {0, 0.5, 1.0}, GradientProblems.weights(3, 2, 2, 13),
                OPTIONS, GradientMethod.adjoint());
        assertThat(g.stats().relativeReconstructionError()).isBetween(0.0, 1e-4);
    }

    @Test
    void theThresholdIsValidated() {
        assertThatThrownBy(() -> AdjointOptions.builder().maxReconstructionError(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxReconstructionError = 0.0");
        assertThatThrownBy(() -> AdjointOptions.builder().maxReconstructionError(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThat(AdjointOptions.defaults().maxReconstructionError()).isEqualTo(0.01);
    }
}
