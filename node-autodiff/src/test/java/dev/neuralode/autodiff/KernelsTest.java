package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class KernelsTest {

    /** Worst relative error over ±[1e-300, 1e3] on a log grid, plus uniform points in [-25, 25]. */
    private static double worst(DoubleUnaryOperator f, DoubleUnaryOperator ref) {
        double worst = 0;
        for (int i = 0; i <= 400_000; i++) {
            double mag = Math.pow(10, -300 + 303.0 * i / 400_000);
            for (double x : new double[]{mag, -mag, -25 + 50.0 * i / 400_000}) {
                double r = ref.applyAsDouble(x);
                double e = r == 0 ? Math.abs(f.applyAsDouble(x)) : Math.abs(f.applyAsDouble(x) - r) / Math.abs(r);
                worst = Math.max(worst, e);
            }
        }
        return worst;
    }

    @Test
    void tanhIsAccurateOverAWideRange() {
        assertThat(worst(Kernels::tanh, Math::tanh)).isLessThan(1e-15);
        assertThat(Kernels.tanh(0.0)).isEqualTo(0.0);
        assertThat(Kernels.tanh(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(Kernels.tanh(Double.NEGATIVE_INFINITY)).isEqualTo(-1.0);
        assertThat(Kernels.tanh(Double.NaN)).isNaN();
        assertThat(Double.doubleToRawLongBits(Kernels.tanh(-0.0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Double.doubleToRawLongBits(Kernels.tanh(0.0))).isEqualTo(0L);
        assertThat(Kernels.tanh(Double.MIN_VALUE)).isEqualTo(Double.MIN_VALUE);
        assertThat(Kernels.tanh(-1e-310)).isEqualTo(-1e-310);
    }

    @Test
    void arrayTanhEqualsScalarTanhBitForBit() {
        int n = 200_003;
        double[] x = new double[n + 6];
        java.util.Random rnd = new java.util.Random(8);
        for (int i = 0; i < n; i++) {
            x[i] = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(8) - 5) * 50;
        }
        double[] specials = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 19.99};
        System.arraycopy(specials, 0, x, n, specials.length);
        double[] y = new double[x.length];
        Kernels.tanh(x, y, x.length);
        for (int i = 0; i < x.length; i++) {
            assertThat(Double.doubleToRawLongBits(y[i])).as("x = %s", x[i])
                    .isEqualTo(Double.doubleToRawLongBits(Kernels.tanh(x[i])));
        }
        // in place (aliased) gives the same
        double[] z = x.clone();
        Kernels.tanh(z, z, z.length);
        assertThat(z).containsExactly(y);
    }

    @Test
    void sigmoidIsAccurateOverAWideRange() {
        // independent reference: σ(x) = ½(1 + tanh(x/2)) for x ≥ 0, e^{x/2} / (2 cosh(x/2)) for x < 0
        DoubleUnaryOperator ref = x -> x >= 0 ? 0.5 * (1 + StrictMath.tanh(x / 2))
                : StrictMath.exp(x / 2) / (2 * StrictMath.cosh(x / 2));
        // the reference itself underflows to 0 below about -1400; compare where it is normal
        double worst = 0;
        for (int i = 0; i <= 200_000; i++) {
            double x = -700 + 1400.0 * i / 200_000;
            double r = ref.applyAsDouble(x);
            worst = Math.max(worst, Math.abs(Kernels.sigmoid(x) - r) / r);
        }
        assertThat(worst).isLessThan(1e-14);
        assertThat(worst(Kernels::sigmoid, x -> Math.abs(x) < 1e-30 ? 0.5 : ref.applyAsDouble(x))).isLessThan(1e-14);
    }

    @Test
    void softplusIsAccurateOverAWideRange() {
        DoubleUnaryOperator ref = x -> x > 40 ? x + StrictMath.exp(-x) : StrictMath.log1p(StrictMath.exp(x));
        double worst = 0;
        for (int i = 0; i <= 200_000; i++) {
            double x = -700 + 1400.0 * i / 200_000;
            double r = ref.applyAsDouble(x);
            worst = Math.max(worst, Math.abs(Kernels.softplus(x) - r) / r);
        }
        assertThat(worst).isLessThan(1e-14);
    }
}
