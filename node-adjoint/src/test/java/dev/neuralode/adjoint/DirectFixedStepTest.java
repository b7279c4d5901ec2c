package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import dev.neuralode.solvers.SolverOptions;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Backprop through a fixed-step solver is the exact gradient of the discrete solve. */
class DirectFixedStepTest {

    @Test
    void rk4EqualsFiniteDifferencesOfTheDiscreteSolve() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 21, true);
        // step 0.05; the segments 0.33 and 0.38 long end with a shortened step (no step-count change
        // under the finite-difference perturbation)
        double[] times = {0.0, 0.33, 0.71};
        SolverOptions o = SolverOptions.builder().method("rk4").stepSize(0.05).build();
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.7, new Random(2));
        DMatrixRMaj[] w = GradientProblems.weights(3, 2, 2, 4);
        Gradients got = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients fd = Gradients.finiteDifferences(f, y0, times, w, o, 1e-5);
        assertThat(Gradients.relativeError(got.dy0(), fd.dy0())).isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtheta(), fd.dtheta())).isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtimes(), fd.dtimes())).isLessThan(1e-7);
        assertThat(got.stats().forwardSteps()).isEqualTo(7 + 8);
    }

    @Test
    void coarseFixedStepGradientDiffersFromTheContinuousOneButMatchesItsOwnDiscreteSolve() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 22, false);
        double[] times = {0.0, 0.9};
        SolverOptions coarse = SolverOptions.builder().method("euler").stepSize(0.25).build();
        DMatrixRMaj y0 = GradientProblems.random(1, 2, 0.7, new Random(3));
        DMatrixRMaj[] w = GradientProblems.weights(2, 1, 2, 5);
        Gradients direct = Gradients.compute(f, y0, times, w, coarse, GradientMethod.direct());
        Gradients fd = Gradients.finiteDifferences(f, y0, times, w, coarse, 1e-5);
        Gradients adjoint = Gradients.compute(f, y0, times, w, coarse, GradientMethod.adjoint());
        assertThat(Gradients.worst(direct, fd)).isLessThan(1e-7);
        assertThat(Gradients.worst(adjoint, fd)).isGreaterThan(1e-4);
    }
}
