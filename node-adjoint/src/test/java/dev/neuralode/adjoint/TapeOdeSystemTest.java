package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TapeOdeSystemTest {

    @Test
    void vectorJacobianProductsMatchFiniteDifferencesAndNullOutputsAreSkipped() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 5, 3, true);
        TapeOdeSystem sys = new TapeOdeSystem(f, 3, 2);
        assertThat(sys.dimension()).isEqualTo(6);
        assertThat(sys.parameterCount()).isEqualTo(10 + 5 + 5 + 10 + 2);
        Random r = new Random(4);
        double[] y = new double[6];
        double[] a = new double[6];
        for (int i = 0; i < 6; i++) {
            y[i] = r.nextGaussian();
            a[i] = r.nextGaussian();
        }
        double t = 0.3;
        double[] dydt = new double[6];
        double[] aDy = new double[6];
        double[] aDth = new double[sys.parameterCount()];
        double[] aDt = new double[1];
        sys.vectorJacobianProduct(t, y, a, dydt, aDy, aDth, aDt);
        double[] f0 = new double[6];
        sys.derivative(t, y, f0);
        assertThat(dydt).containsExactly(f0);
        double eps = 1e-6;
        double[] fdY = Gradients.centralDifferences(y, eps, v -> dot(sys, t, v, a));
        assertThat(Gradients.relativeError(aDy, fdY)).isLessThan(1e-8);
        double fdT = (dot(sys, t + eps, y, a) - dot(sys, t - eps, y, a)) / (2 * eps);
        assertThat(aDt[0]).isCloseTo(fdT, org.assertj.core.data.Offset.offset(1e-8));
        double[] fdW1 = Gradients.centralDifferences(f.w1().value().data, eps, v -> dot(sys, t, y, a));
        assertThat(Gradients.relativeError(java.util.Arrays.copyOf(aDth, 10), fdW1)).isLessThan(1e-8);
        // only the state product asked for
        double[] only = new double[6];
        sys.vectorJacobianProduct(t, y, a, null, only, null, null);
        assertThat(only).containsExactly(aDy);
        // parameter gradients are not accumulated into the parameters
        assertThat(f.w1().grad().data).containsOnly(0.0);
    }

    @Test
    void aLinearizationHoldsItsValueAndItsProductsUntilReleased() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 5, 3, true);
        TapeOdeSystem sys = new TapeOdeSystem(f, 3, 2);
        double[] y = {0.1, -0.4, 0.7, 0.2, -0.3, 0.5};
        double[] a = {1, -2, 0.5, 0.3, -1, 2};
        double[] dydt = new double[6];
        dev.neuralode.core.Linearization lin = sys.linearize(0.3, y, dydt);
        double[] f0 = new double[6];
        sys.derivative(0.3, y, f0);
        assertThat(dydt).containsExactly(f0);
        assertThat(java.util.Arrays.copyOf(lin.value(), 6)).containsExactly(f0);
        double[] aDy = new double[6];
        double[] expected = new double[6];
        lin.vectorJacobianProduct(a, aDy, null, null);
        sys.vectorJacobianProduct(0.3, y, a, null, expected, null, null);
        assertThat(aDy).containsExactly(expected);
        lin.release();
        org.assertj.core.api.Assertions.assertThatThrownBy(lin::value)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    }

    private static double dot(TapeOdeSystem sys, double t, double[] y, double[] a) {
        double[] out = new double[y.length];
        sys.derivative(t, y, out);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += out[i] * a[i];
        }
        return s;
    }
}
