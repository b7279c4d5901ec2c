package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.solvers.SolverOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** dy/dt = A y: every method against the closed-form gradients (matrix exponential) and FD. */
class LinearClosedFormTest {

    static List<Arguments> cases() {
        double[][] timeSets = {
            {0.0, 1.3},                 // one output time, forwards
            {0.2, 0.7, 1.1, 2.0},       // several, forwards
            {1.5, 0.9, 0.1, -0.4},      // several, backwards in time
        };
        List<Arguments> out = new ArrayList<>();
        for (GradientMethod m : Fixtures.methods()) {
            for (double[] ts : timeSets) {
                out.add(Arguments.of(m.name() + " " + java.util.Arrays.toString(ts), m, ts));
            }
        }
        return out;
    }

    static DMatrixRMaj matrixA() {
        Random r = new Random(3);
        DMatrixRMaj a = Fixtures.random(3, 3, 0.5, r);
        a.add(0, 0, -0.3);
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesClosedFormAndFiniteDifferences(String label, GradientMethod method, double[] times) {
        DMatrixRMaj a = matrixA();
        double[] y0 = {1.0, -0.5, 0.3};
        DMatrixRMaj[] w = Fixtures.weights(times.length, 1, 3, 11);
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();
        Fixtures.Linear f = new Fixtures.Linear(a);
        Fixtures.Grads got = Fixtures.gradients(f, new DMatrixRMaj(1, 3, true, y0), times, w, o, method);
        Fixtures.Grads exact = Fixtures.exactLinear(a, y0, times, w);

        assertThat(Math.abs(got.loss() - exact.loss())).isLessThan(1e-8);
        assertThat(Fixtures.relError(got.dy0(), exact.dy0())).as("dL/dy0").isLessThan(1e-7);
        assertThat(Fixtures.relError(got.dtheta(), exact.dtheta())).as("dL/dA").isLessThan(1e-7);
        assertThat(Fixtures.relError(got.dtimes(), exact.dtimes())).as("dL/dt").isLessThan(1e-7);

        Fixtures.Grads fd = Fixtures.finiteDifferences(f, new DMatrixRMaj(1, 3, true, y0), times, w, o, 1e-5);
        assertThat(Fixtures.worst(got, fd)).as("vs finite differences").isLessThan(1e-5);
    }
}
