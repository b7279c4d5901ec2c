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
        double[] bads = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (boolean withY : new boolean[] {true, false}) {
            // backsolve: y, a, aθ, at (11 values); checkpointed: a, aθ, at (8 values)
            int len = (withY ? 2 * n : n) + p + 1;
            int y = withY ? n : 0;
            for (int i = 0; i < len; i++) {
                for (double bad : bads) {
                    double[] v = new double[len];
                    for (int k = 0; k < len; k++) {
                        v[k] = 1e300 * (k % 2 == 0 ? 1 : -1); // large but finite
                    }
                    v[i] = bad;
                    int at = i;
                    String part = i < y ? "reconstructed state y[" + i + "]"
                            : i < y + n ? "adjoint state a[" + (i - y) + "]"
                            : i < y + n + p ? "parameter adjoint aθ[" + (i - y - n) + "]" : "time adjoint at";
                    assertThatThrownBy(() -> Passes.checkFinite(v, n, p, withY, 0.25, "pass"))
                            .isInstanceOf(NonFiniteStateException.class)
                            .hasMessageContaining(part)
                            .satisfies(e -> assertThat(((NonFiniteStateException) e).component()).isEqualTo(at));
                }
            }
            double[] finite = new double[len];
            finite[len - 1] = Double.MAX_VALUE;
            finite[0] = -Double.MIN_VALUE;
            assertThatCode(() -> Passes.checkFinite(finite, n, p, withY, 0.25, "pass")).doesNotThrowAnyException();
        }
    }

    @Test
    void aSolveFailureIsNamedByItsPassFromTheExceptionsFields() {
        dev.neuralode.core.OdeSystem blowUp = (t, y, dydt) -> dydt[0] = t > 0.5 ? Double.NaN : y[0];
        dev.neuralode.solvers.SolverOptions o = dev.neuralode.solvers.SolverOptions.builder().method("rk4")
                .stepSize(0.1).build();
        assertThatThrownBy(() -> Passes.solve(blowUp, new double[] {1}, new double[] {0, 1}, o, "forward pass"))
                .isInstanceOfSatisfying(NonFiniteStateException.class, e -> {
                    assertThat(e.pass()).isEqualTo("forward pass");
                    assertThat(e.quantity()).isEqualTo("derivative");
                    assertThat(e.getCause()).isInstanceOf(NonFiniteStateException.class);
                    assertThat(((NonFiniteStateException) e.getCause()).pass()).isNull();
                    assertThat(e.time()).isBetween(0.5, 0.7);
                    assertThat(e).hasMessageStartingWith("forward pass: derivative is not finite at t=")
                            .hasMessageContaining("component 0 = NaN").hasMessageContaining("step size h=");
                });
        // thrown by one of our own systems with its pass already named: passed on as it is
        NonFiniteStateException own = new NonFiniteStateException("backward pass of X", "adjoint state a[0]", 0.3,
                Double.NaN, 0, Double.NaN);
        dev.neuralode.core.OdeSystem named = (t, y, dydt) -> {
            throw own;
        };
        assertThatThrownBy(() -> Passes.solve(named, new double[] {1}, new double[] {0, 1}, o, "forward pass"))
                .isSameAs(own);
    }
}
