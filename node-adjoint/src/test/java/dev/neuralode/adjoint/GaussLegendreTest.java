package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The quadrature adjoint's rules: exact to degree 2q − 1, the textbook 5-point nodes and weights. */
class GaussLegendreTest {

    @Test
    void qPointsIntegratePolynomialsOfDegreeTwoQMinusOneExactly() {
        for (int q = 1; q <= GaussLegendre.MAX_POINTS; q++) {
            GaussLegendre r = GaussLegendre.of(q);
            for (int deg = 0; deg <= 2 * q - 1; deg++) {
                double sum = 0;
                for (int i = 0; i < q; i++) {
                    sum += r.weights()[i] * Math.pow(r.nodes()[i], deg);
                }
                assertThat(sum).as("q=%d, ∫ c^%d", q, deg).isCloseTo(1.0 / (deg + 1), within(1e-13));
            }
            if (q > 8) {
                continue;         // the degree-2q error constant falls below round-off beyond 8 points
            }
            // and not degree 2q
            double sum = 0;
            for (int i = 0; i < q; i++) {
                sum += r.weights()[i] * Math.pow(r.nodes()[i], 2 * q);
            }
            assertThat(Math.abs(sum - 1.0 / (2 * q + 1))).as("q=%d, ∫ c^%d", q, 2 * q).isGreaterThan(1e-15);
        }
    }

    @Test
    void theFivePointRuleIsTheTextbookOne() {
        GaussLegendre r = GaussLegendre.of(5);
        // on [-1, 1]: 0, ±0.5384693101056831, ±0.9061798459386640; weights 128/225, 0.4786286704993665, 0.2369268850561891
        double[] x = {-0.9061798459386640, -0.5384693101056831, 0, 0.5384693101056831, 0.9061798459386640};
        double[] w = {0.2369268850561891, 0.4786286704993665, 128.0 / 225, 0.4786286704993665, 0.2369268850561891};
        for (int i = 0; i < 5; i++) {
            assertThat(r.nodes()[i]).isCloseTo((x[i] + 1) / 2, within(1e-15));
            assertThat(r.weights()[i]).isCloseTo(w[i] / 2, within(1e-15));
        }
        assertThatThrownBy(() -> GaussLegendre.of(0)).hasMessageContaining("[1, 32]");
    }
}
