package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** On the spiral MLP the three methods agree, more closely as the tolerances tighten. */
class SpiralAgreementTest {

    static double disagreement(double tol) {
        Fixtures.Mlp f = new Fixtures.Mlp(2, 50, 1, false);
        DMatrixRMaj y0 = Fixtures.random(4, 2, 1.0, new Random(9));
        double[] times = new double[10];
        for (int i = 0; i < 10; i++) {
            times[i] = 0.1 * i;
        }
        DMatrixRMaj[] w = Fixtures.weights(10, 4, 2, 1);
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(tol).atol(tol * 1e-2).build();
        List<GradientMethod> ms = List.of(GradientMethod.direct(), GradientMethod.adjoint(),
                GradientMethod.checkpointed());
        Fixtures.Grads[] g = new Fixtures.Grads[ms.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = Fixtures.gradients(f, y0, times, w, o, ms.get(i));
        }
        double worst = 0;
        for (int i = 0; i < g.length; i++) {
            for (int j = i + 1; j < g.length; j++) {
                worst = Math.max(worst, Fixtures.worst(g[i], g[j]));
            }
        }
        return worst;
    }

    @Test
    void methodsAgreeWithinABoundThatTightensWithTolerance() {
        double loose = disagreement(1e-4);
        double mid = disagreement(1e-6);
        double tight = disagreement(1e-8);
        assertThat(loose).isLessThan(1e-1);
        assertThat(mid).isLessThan(1e-3).isLessThan(loose);
        assertThat(tight).isLessThan(1e-5).isLessThan(mid);
    }
}
