package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.DenseSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;
import dev.neuralode.solvers.step.StepHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Empirical orders of the implicit methods beyond the registry contract (which checks the global
 * order and the dense output's on a non-stiff non-autonomous problem): the global order on a mildly
 * stiff linear system against its closed form, the order of the local error estimate, and the dense
 * solution and step handlers against the closed form.
 */
class ImplicitOrderTest {

    /** y1' = −3 y1 + y2, y2' = −60 y2 (eigenvalues −3, −60). */
    private static final OdeSystem MILD = (t, y, d) -> {
        d[0] = -3 * y[0] + y[1];
        d[1] = -60 * y[1];
    };

    /** y(t) for y(0) = (1, 1): y2 = e^{−60t}, y1 = (1 + 1/57) e^{−3t} − e^{−60t}/57. */
    private static double[] mildExact(double t) {
        return new double[] {(1 + 1.0 / 57) * Math.exp(-3 * t) - Math.exp(-60 * t) / 57, Math.exp(-60 * t)};
    }

    private static double fixedStepError(String method, int steps) {
        OdeSolution s = OdeSolvers.solve(MILD, new double[] {1, 1}, new double[] {0, 1},
                SolverOptions.builder().method(method).stepSize(1.0 / steps).rtol(1e-13).atol(1e-14).build());
        double[] ex = mildExact(1);
        return Math.max(Math.abs(s.state(1)[0] - ex[0]), Math.abs(s.state(1)[1] - ex[1]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock23", "rodas5p", "kvaerno5", "radau5"})
    void globalOrderOnAMildlyStiffLinearSystem(String method) {
        int p = OdeSolvers.method(method).order();
        // h·|λ| = (0.075, 1.5) and (0.0375, 0.75) for order 2; (0.375, 7.5) and (0.1875, 3.75) for order 5
        int base = p >= 5 ? 8 : 40;
        double coarse = fixedStepError(method, 5);
        double e1 = fixedStepError(method, base);
        double e2 = fixedStepError(method, 2 * base);
        double observed = Math.log(e1 / e2) / Math.log(2);
        assertThat(coarse).as("h = 0.2, h·|λ| = 4, is stable").isLessThan(0.05);
        assertThat(e2).as("above rounding").isGreaterThan(1e-12);
        assertThat(observed).as("%s errors %s %s", method, e1, e2).isBetween(p - 0.4, p + 1.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock23", "rodas5p", "kvaerno5", "radau5"})
    void errorEstimateHasItsLocalOrder(String method) {
        Method m = OdeSolvers.method(method);
        // the estimate of one step scales like h^(controlOrder + 1)
        double[] est = new double[2];
        double[] hs = {0.02, 0.01};
        OdeSystem f = (t, y, d) -> {
            d[0] = y[0] * Math.cos(t);
            d[1] = -y[1] * y[1];
        };
        for (int k = 0; k < 2; k++) {
            Stepper st = m.newStepper(f, 2);
            st.reset(0.3, new double[] {Math.exp(Math.sin(0.3)), 1 / 1.3}, 0.3);
            st.attempt(hs[k], 0.3 + hs[k], false);
            est[k] = st.errorRatio(new dev.neuralode.solvers.step.Tolerance(1, new double[] {1, 1},
                    dev.neuralode.solvers.ErrorNorm.RMS));
        }
        double observed = Math.log(est[0] / est[1]) / Math.log(2);
        assertThat(observed).as("%s estimates %s %s", method, est[0], est[1])
                .isBetween(m.controlOrder() + 1 - 0.3, m.controlOrder() + 1 + 0.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock23", "rodas5p", "kvaerno5", "radau5"})
    void denseSolutionAndHandlersFollowTheClosedForm(String method) {
        SolverOptions o = SolverOptions.builder().method(method).rtol(1e-7).atol(1e-9).build();
        List<double[]> seen = new ArrayList<>();
        StepHandler h = step -> {
            double mid = 0.5 * (step.startTime() + step.endTime());
            double[] y = new double[2];
            step.state(mid, y);
            seen.add(new double[] {mid, y[0], y[1]});
            return true;
        };
        DenseSolution d = OdeSolvers.solveDense(MILD, new double[] {1, 1}, 0, 2, o, h);
        double tol = method.equals("rodas5p") ? 1e-6 : method.equals("kvaerno5") || method.equals("radau5") ? 1e-5 : 1e-4;   // order-3 interpolants
        double[] out = new double[2];
        for (int i = 0; i <= 100; i++) {
            double t = 0.02 * i;
            d.evaluate(t, out);
            assertThat(StiffProblems.mixedError(out, mildExact(t))).as("%s at t=%s", method, t).isLessThan(tol);
        }
        assertThat(seen).hasSize((int) d.stats().acceptedSteps());
        for (double[] r : seen) {
            assertThat(StiffProblems.mixedError(new double[] {r[1], r[2]}, mildExact(r[0]))).isLessThan(tol);
        }
        double[] times = {0, 0.1, 0.35, 1.0, 2.0};
        OdeSolution s = OdeSolvers.solve(MILD, new double[] {1, 1}, times, o);
        for (int i = 0; i < times.length; i++) {
            assertThat(StiffProblems.mixedError(s.state(i), mildExact(times[i]))).isLessThan(tol);
        }
    }
}
