package dev.neuralode.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link DenseSolution#evaluateExtended}: inside the interval it is {@code evaluate}, outside the end steps' polynomials. */
class DenseExtensionTest {

    @Test
    void insideEqualsEvaluateAndOutsideExtendsTheEndStepsPolynomials() {
        // y' = (3t², 1): y = (t³ + 1, t), reproduced exactly by dopri5's order-4 dense output
        DenseSolution d = OdeSolvers.solveDense((t, y, dy) -> {
            dy[0] = 3 * t * t;
            dy[1] = 1;
        }, new double[] {1, 0}, 0, 2, SolverOptions.builder().method("dopri5").rtol(1e-6).atol(1e-9).build());
        double[] a = new double[2];
        double[] b = new double[2];
        for (double t : new double[] {0, 0.3, 1.7, 2}) {
            d.evaluate(t, a);
            d.evaluateExtended(t, b);
            assertThat(b).containsExactly(a);
        }
        for (double t : new double[] {-0.25, 2.3}) {
            d.evaluateExtended(t, b);
            assertThat(b[0]).as("t=%s", t).isCloseTo(t * t * t + 1, within(1e-10));
            assertThat(b[1]).as("t=%s", t).isCloseTo(t, within(1e-10));
        }
        assertThatThrownBy(() -> d.evaluate(2.3, a)).hasMessageContaining("outside the solved interval");
        assertThatThrownBy(() -> d.evaluateExtended(Double.NaN, a)).hasMessageContaining("not finite");
    }
}
