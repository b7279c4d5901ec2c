package com.example.ssprk;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.testkit.MethodContract;
import dev.neuralode.solvers.testkit.TestProblems;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * What a user's own build does with a method of its own (outside the library's packages, with
 * public API and the published kit only): check it, register it, solve with it by name.
 */
class UserMethodTest {

    @BeforeAll
    static void register() {
        OdeSolvers.register(Ssprk3.SSPRK3);
    }

    @Test
    void passesTheWholeContract() {
        MethodContract.checkAll(Ssprk3.SSPRK3);
        MethodContract.checkRegistered(Ssprk3.SSPRK3);
        assertThat(MethodContract.observedDenseOrder(Ssprk3.SSPRK3)).isCloseTo(3.0, within(0.1));
    }

    @Test
    void solvesByNameWithDenseOutputAtInteriorTimes() {
        TestProblems.Problem p = TestProblems.HARMONIC;
        double h = 0.01;
        double[] times = {0, 1.005, 2.0025, 3};   // 1.005 and 2.0025 lie inside steps
        OdeSolution sol = OdeSolvers.solve(p.system(), p.y0(), times,
                SolverOptions.builder().method("ssprk3").stepSize(h).build());
        for (int i = 1; i < times.length; i++) {
            double[] exact = p.exact(times[i]);
            assertThat(sol.state(i)[0]).as("t=%s", times[i]).isCloseTo(exact[0], within(1e-5));
            assertThat(sol.state(i)[1]).as("t=%s", times[i]).isCloseTo(exact[1], within(1e-5));
        }
        assertThat(sol.stats().acceptedSteps()).isEqualTo(300);
    }

    @Test
    void denseOutputIsTheFreeInterpolantOfKetchesonEtAl() {
        // u(θ) = (1 − θ²) y0 + θ² y1 + θ(1 − θ) h f(t0, y0), one step of y' = y cos t from t0 = 0.2
        OdeSystem f = (t, y, d) -> d[0] = y[0] * Math.cos(t);
        double t0 = 0.2;
        double h = 0.3;
        double theta = 0.35;
        double y0 = 1.5;
        OdeSolution sol = OdeSolvers.solve(f, new double[] {y0}, new double[] {t0, t0 + theta * h, t0 + h},
                SolverOptions.builder().method("ssprk3").stepSize(h).build());
        double y1 = sol.state(2)[0];
        double expected = (1 - theta * theta) * y0 + theta * theta * y1 + theta * (1 - theta) * h * y0 * Math.cos(t0);
        assertThat(sol.state(1)[0]).isCloseTo(expected, within(1e-15));
    }

    @Test
    void theUnknownMethodMessageListsIt() {
        assertThat(OdeSolvers.methods()).contains("ssprk3");
        assertThatThrownBy(() -> SolverOptions.builder().method("ssprk4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown ODE method 'ssprk4'")
                .hasMessageContaining("ssprk3");
    }

    @Test
    void aTakenNameCannotBeReused() {
        assertThatCode(() -> OdeSolvers.register(Ssprk3.SSPRK3)).doesNotThrowAnyException();   // same method: fine
        ButcherTableau other = new ButcherTableau("SSPRK3", 2, 0, new double[][] {{}, {1}},
                new double[] {0.5, 0.5}, new double[] {0, 1}, null, false);
        assertThatThrownBy(() -> OdeSolvers.register(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a different method is already registered as 'ssprk3'");
        assertThat(OdeSolvers.method("ssprk3")).isSameAs(Ssprk3.SSPRK3);
    }
}
