package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import dev.neuralode.solvers.SolverOptions;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Stiffly damped linear dynamics over a long interval (eigenvalues -0.1 and -3, T = 10): the
 * backsolve adjoint reconstructs the state backwards, where the fast mode grows like e^{3t}
 * relative to the slow one and any error in it is amplified by about e^{29}; the parameter
 * gradient is lost. The checkpointed adjoint never integrates the state backwards and stays
 * accurate.
 */
class DissipativeTest {

    static final double[] TIMES = {0.0, 10.0};

    static DMatrixRMaj damped() {
        return new DMatrixRMaj(new double[][] {{-0.1, 0.5}, {0.0, -3.0}});
    }

    static double[] errors(GradientMethod method) {
        DMatrixRMaj a = damped();
        double[] y0 = {1.0, 0.5};
        DMatrixRMaj[] w = {new DMatrixRMaj(1, 2), new DMatrixRMaj(1, 2, true, 1.0, -2.0)};
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-6).atol(1e-9).build();
        Gradients got = Gradients.compute(new GradientProblems.Linear(a), new DMatrixRMaj(1, 2, true, y0), TIMES, w,
                o, method);
        Gradients exact = GradientProblems.exactLinear(a, y0, TIMES, w);
        return new double[] {Gradients.relativeError(got.dtheta(), exact.dtheta()),
            Gradients.relativeError(got.dy0(), exact.dy0()), got.stats().reconstructionError()};
    }

    @Test
    void backsolveLosesTheParameterGradientCheckpointedDoesNot() {
        // the default check refuses this gradient (ReconstructionCheckTest); measured with it off
        double[] back = errors(GradientMethod.adjoint(
                AdjointOptions.builder().maxReconstructionError(Double.POSITIVE_INFINITY).build()));
        double[] cp = errors(GradientMethod.checkpointed());
        double[] direct = errors(GradientMethod.direct());
        System.out.printf("dissipative: dL/dA rel. error backsolve %.3g (reconstruction %.3g), checkpointed %.3g, direct %.3g%n",
                back[0], back[2], cp[0], direct[0]);
        assertThat(back[0]).as("backsolve dL/dA relative error").isGreaterThan(0.1);
        assertThat(back[2]).as("backsolve reconstruction error of y(t0)").isGreaterThan(0.1);
        assertThat(cp[0]).as("checkpointed dL/dA relative error").isLessThan(1e-4);
        assertThat(direct[0]).as("direct dL/dA relative error").isLessThan(1e-4);
    }
}
