package dev.neuralode.solvers;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.explicit.ContinuousExtension;
import dev.neuralode.solvers.explicit.Tableaus;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;
import dev.neuralode.solvers.testkit.MethodContract;
import dev.neuralode.solvers.testkit.OrderConditions;
import dev.neuralode.solvers.testkit.TestProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The kit itself: it passes correct methods and fails broken ones with a precise message. */
class MethodContractSelfTest {

    private static final double[][] RK4_A = {{}, {0.5}, {0, 0.5}, {0, 0, 1}};
    private static final double[] RK4_C = {0, 0.5, 0.5, 1};

    private static final double[][] SSPRK3_A = {{}, {1}, {0.25, 0.25}};
    private static final double[] SSPRK3_B = {1.0 / 6, 1.0 / 6, 2.0 / 3};
    private static final double[] SSPRK3_C = {0, 1, 0.5};
    private static final double[][] SSPRK3_W = {{1, -5.0 / 6}, {0, 1.0 / 6}, {0, 2.0 / 3}, {0, 0}};

    private static ButcherTableau ssprk3(int denseOrder, double[][] weights) {
        return new ButcherTableau("ssprk3_test", 3, 0, SSPRK3_A, SSPRK3_B, SSPRK3_C, null, false)
                .withContinuousExtension(ContinuousExtension.of(denseOrder, weights));
    }

    @Test
    void passesACorrectUserTableau() {
        assertThatCode(() -> MethodContract.checkAll(ssprk3(2, SSPRK3_W))).doesNotThrowAnyException();
    }

    @Test
    void failsAWrongSolutionWeight() {
        // b2, b3 shifted by ±0.01: Σb, Σbc, Σbc² still hold, Σ b_i a_ij c_j = 1/6 does not
        ButcherTableau bad = new ButcherTableau("rk4_bad_b", 4, 0, RK4_A,
                new double[] {1.0 / 6, 1.0 / 3 + 0.01, 1.0 / 3 - 0.01, 1.0 / 6}, RK4_C, null, false);
        assertThatThrownBy(() -> MethodContract.checkTableau(bad)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("rk4_bad_b: solution weights b: order conditions of order 3 fail")
                .hasMessageContaining("stated order 4");
        assertThatThrownBy(() -> MethodContract.checkConvergenceOrder(bad)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("rk4_bad_b: observed convergence order")
                .hasMessageContaining("for the stated order 4");
        assertThat(OrderConditions.satisfiedOrder(bad.a(), bad.b(), MethodContract.HOLDS)).isEqualTo(2);
    }

    @Test
    void failsAnUnderstatedOrder() {
        ButcherTableau low = new ButcherTableau("rk4_as_3", 3, 0, RK4_A, Tableaus.RK4.b(), RK4_C, null, false);
        assertThatThrownBy(() -> MethodContract.checkTableau(low)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("every order condition of order 4 holds")
                .hasMessageContaining("the stated order 3 is too low");
    }

    @Test
    void failsAWrongEmbeddedOrder() {
        assertThatThrownBy(() -> MethodContract.checkTableau(Tableaus.DOPRI8, 4)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("dopri8: secondary embedded weights b - e2: order conditions of order 4 fail");
        assertThatCode(() -> MethodContract.checkTableau(Tableaus.DOPRI8, 3)).doesNotThrowAnyException();
    }

    @Test
    void failsAnExtensionThatDoesNotMeetB() {
        double[][] w = {{1, -5.0 / 6}, {0, 1.0 / 6}, {0, 2.0 / 3 + 0.01}, {0, 0}};
        assertThatThrownBy(() -> MethodContract.checkContinuousExtension(ssprk3(2, w)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ssprk3_test: continuity fails: w_2(1) = ")
                .hasMessageContaining("but b_2 = 0.666");
        double[][] tail = {{1, -5.0 / 6}, {0, 1.0 / 6}, {0, 2.0 / 3}, {0, 0.01}};
        assertThatThrownBy(() -> MethodContract.checkContinuousExtension(ssprk3(1, tail)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("continuity fails: w_3(1)")
                .hasMessageContaining("must be 0");
    }

    @Test
    void failsAnOverstatedDenseOrder() {
        ButcherTableau over = ssprk3(3, SSPRK3_W);
        assertThatThrownBy(() -> MethodContract.checkContinuousExtension(over)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("dense output: order conditions of order 3 fail at θ = 0.1")
                .hasMessageContaining("stated dense order 3");
        assertThatThrownBy(() -> MethodContract.checkDenseOutputOrder(over)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("observed local order of the dense output")
                .hasMessageContaining("for the stated dense order 3");
        assertThat(MethodContract.observedDenseOrder(over)).isCloseTo(3.0, within(0.2));
    }

    @Test
    void failsAnUnderstatedDenseOrder() {
        assertThatThrownBy(() -> MethodContract.checkContinuousExtension(ssprk3(1, SSPRK3_W)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("every order condition of order 2 holds at every θ checked")
                .hasMessageContaining("the stated dense order 1 is too low");
    }

    /** A method that is not a tableau: RK4's stepper behind stated facts of our choosing. */
    private static Method wrapped(int order, int denseOrder) {
        return new Method() {
            @Override public String name() {
                return "wrapped_rk4";
            }
            @Override public int order() {
                return order;
            }
            @Override public int errorOrder() {
                return 0;
            }
            @Override public int denseOrder() {
                return denseOrder;
            }
            @Override public Stepper newStepper(OdeSystem f, int n) {
                return Tableaus.RK4.newStepper(f, n);
            }
        };
    }

    @Test
    void checksMethodsThatAreNotTableaus() {
        assertThatCode(() -> MethodContract.checkAll(wrapped(4, 3))).doesNotThrowAnyException();
        assertThatThrownBy(() -> MethodContract.checkConvergenceOrder(wrapped(6, 3)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("wrapped_rk4: observed convergence order 4.0")
                .hasMessageContaining("outside [5.6, 7.5]");
        assertThatThrownBy(() -> MethodContract.checkDenseOutputOrder(wrapped(4, 4)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("below 4.6");
        assertThatThrownBy(() -> MethodContract.checkMethodFacts(wrapped(2, 3)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("denseOrder must be in 1..order (2), got 3");
    }

    @Test
    void failsAnUnregisteredMethod() {
        assertThatThrownBy(() -> MethodContract.checkRegistered(wrapped(4, 3))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("wrapped_rk4: not listed by OdeSolvers.methods()");
    }

    @Test
    void orderConditionsFindTheTrueOrders() {
        for (ButcherTableau t : Tableaus.all()) {
            assertThat(OrderConditions.satisfiedOrder(t.a(), t.b(), MethodContract.HOLDS)).as(t.name())
                    .isEqualTo(t.order());
        }
        assertThat(OrderConditions.density(OrderConditions.treeCount() - 1)).isEqualTo(8.0 * 7 * 6 * 5 * 4 * 3 * 2);
        assertThatThrownBy(() -> OrderConditions.worstResidual(RK4_A, new double[] {1}, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 weights for a stage matrix with 4");
    }

    static List<TestProblems.Problem> problems() {
        return TestProblems.analytic();
    }

    /** Each exact solution satisfies its equation: central differences of exact(t) equal f(t, exact(t)). */
    @ParameterizedTest
    @MethodSource("problems")
    void exactSolutionsSolveTheirEquations(TestProblems.Problem p) {
        int n = p.dimension();
        double[] f = new double[n];
        for (int k = 1; k < 8; k++) {
            double t = p.t0() + (p.t1() - p.t0()) * k / 8;
            double d = 1e-5;
            double[] plus = p.exact(t + d);
            double[] minus = p.exact(t - d);
            p.system().derivative(t, p.exact(t), f);
            for (int i = 0; i < n; i++) {
                double fd = (plus[i] - minus[i]) / (2 * d);
                assertThat(fd).as("%s t=%s comp %d", p, t, i).isCloseTo(f[i], within(1e-6 * (1 + Math.abs(f[i]))));
            }
        }
    }

    @Test
    void arenstorfIsKnownAtItsPeriodOnly() {
        TestProblems.Problem p = TestProblems.ARENSTORF;
        assertThat(p.exact(p.t1())).containsExactly(p.y0());
        assertThatThrownBy(() -> p.exact(1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiples of the period");
        double[] y = OdeSolvers.solve(p.system(), p.y0(), new double[] {p.t0(), p.t1()},
                SolverOptions.builder().method("dopri8").rtol(1e-12).atol(1e-12).build()).state(1);
        assertThat(Problems.maxAbsDiff(y, p.exact(p.t1()))).isLessThan(1e-5);
    }
}
