package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.core.NonFiniteStateException;
import org.junit.jupiter.api.Test;

/** The shared helpers of the gradient methods' passes. */
class PassesTest {

    @Test
    void checkFiniteFindsANonFiniteValueAtEveryPositionAndNamesItsPart() {
        int n = 3;
        int p = 4;
        int len = 2 * n + p + 1; // y, a, aθ, at: 11 values, not a multiple of the four partial sums
        double[] bads = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < len; i++) {
            for (double bad : bads) {
                double[] v = new double[len];
                for (int k = 0; k < len; k++) {
                    v[k] = 1e300 * (k % 2 == 0 ? 1 : -1); // large but finite
                }
                v[i] = bad;
                int at = i;
                String part = i < n ? "reconstructed state y[" + i + "]"
                        : i < 2 * n ? "adjoint state a[" + (i - n) + "]"
                        : i < 2 * n + p ? "parameter adjoint aθ[" + (i - 2 * n) + "]" : "time adjoint at";
                assertThatThrownBy(() -> Passes.checkFinite(v, n, p, true, 0.25, "pass"))
                        .isInstanceOf(NonFiniteStateException.class)
                        .hasMessageContaining(part)
                        .satisfies(e -> assertThat(((NonFiniteStateException) e).component()).isEqualTo(at));
            }
        }
        double[] finite = new double[len];
        finite[len - 1] = Double.MAX_VALUE;
        finite[0] = -Double.MIN_VALUE;
        assertThatCode(() -> Passes.checkFinite(finite, n, p, true, 0.25, "pass")).doesNotThrowAnyException();
    }
}
