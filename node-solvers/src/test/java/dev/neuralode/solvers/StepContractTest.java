package dev.neuralode.solvers;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.step.StepHandler;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.StepTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The step seam as the driver exposes it: steps that end exactly on breakpoints, jump times,
 * handlers, the step trace and its stage ordinals, the PID controllers and the registry's errors.
 */
class StepContractTest {

    static Stream<String> methods() {
        return Stream.of("euler", "rk4", "rk38", "bosh3", "rkf45", "cash_karp", "dopri5", "tsit5", "dopri8");
    }

    /** A system that records every evaluation time and refuses times outside [lo, hi]. */
    private static final class Fenced implements OdeSystem {
        final List<Double> times = new ArrayList<>();
        double lo;
        double hi;

        @Override
        public void derivative(double t, double[] y, double[] d) {
            if (t < lo || t > hi) {
                throw new AssertionError("evaluated at t=" + t + " outside [" + lo + ", " + hi + "]");
            }
            times.add(t);
            d[0] = -y[1] + 0.1 * Math.sin(t);
            d[1] = y[0];
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void stepsEndExactlyOnBreakpointsAndNoStageIsEvaluatedBeyondThem(String method) {
        Random rnd = new Random(12);
        ButcherTableau tab = OdeSolvers.tableau(method);
        for (int trial = 0; trial < 60; trial++) {
            double t0 = trial == 0 ? 0.002812037295116721 : rnd.nextDouble() * 3 - 1;
            double t1 = trial == 0 ? 0.6998752178399883 : t0 + (rnd.nextBoolean() ? 1 : -1)
                    * Math.scalb(rnd.nextDouble() + 0.5, -rnd.nextInt(20));
            double mid = t0 + (t1 - t0) * rnd.nextDouble();
            Fenced f = new Fenced();
            f.lo = Math.min(t0, t1);
            f.hi = Math.max(t0, t1);
            SolverOptions.Builder b = SolverOptions.builder().method(method).rtol(1e-10).atol(1e-12)
                    .stepTimes(mid);
            if (!tab.isAdaptive()) {
                b.stepSize(Math.abs(t1 - t0) / (3 + rnd.nextInt(7)) * (1 + 1e-3 * rnd.nextDouble()));
            }
            StepTrace trace = new StepTrace(false);
            OdeSolution sol = OdeSolvers.solve(f, new double[] {1, 0.5}, new double[] {t0, t1}, b.build(), trace);
            assertThat(sol.times()[1]).isEqualTo(t1);
            int last = trace.size() - 1;
            assertThat(trace.endTime(last)).as("%s trial %d", method, trial).isEqualTo(t1);
            assertThat(trace.clipped(last)).isTrue();
            boolean sawMid = false;
            for (int k = 0; k <= last; k++) {
                if (trace.endTime(k) == mid) {
                    sawMid = true;
                    assertThat(trace.clipped(k)).isTrue();
                }
                if (k > 0) {
                    assertThat(trace.startTime(k)).isEqualTo(trace.endTime(k - 1));
                }
            }
            assertThat(sawMid || mid == t0 || mid == t1).as("%s trial %d stepped onto %s", method, trial, mid)
                    .isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void traceOrdinalsNameTheEvaluationOfEveryStage(String method) {
        ButcherTableau tab = OdeSolvers.tableau(method);
        List<Double> times = new ArrayList<>();
        OdeSystem f = (t, y, d) -> {
            times.add(t);
            d[0] = y[1] * Math.cos(t);
            d[1] = -y[0];
        };
        SolverOptions.Builder b = SolverOptions.builder().method(method).rtol(1e-6).atol(1e-8).stepTimes(0.37);
        if (!tab.isAdaptive()) {
            b.stepSize(0.05);
        }
        StepTrace trace = new StepTrace(true);
        OdeSolution sol = OdeSolvers.solve(f, new double[] {1, 0}, new double[] {0, 0.2, 1.3}, b.build(), trace);
        assertThat(trace.stageCount()).isEqualTo(tab.extendedStages());
        assertThat(trace.size()).isEqualTo((int) sol.stats().acceptedSteps());
        double[] y = new double[2];
        for (int k = 0; k < trace.size(); k++) {
            for (int i = 0; i < tab.stages(); i++) {
                long call = trace.stageEvaluation(k, i);
                assertThat(call).as("%s step %d stage %d", method, k, i).isBetween(0L, times.size() - 1L);
                assertThat(times.get((int) call)).isEqualTo(tab.stageTime(i, trace.startTime(k), trace.stepSize(k),
                        trace.endTime(k), trace.endsAtJump(k)));
            }
            if (tab.isFsal() && k > 0) {
                assertThat(trace.stageEvaluation(k, 0)).isEqualTo(trace.stageEvaluation(k - 1, tab.stages() - 1));
            }
            trace.startState(k, y);
            assertThat(y[0]).isFinite();
        }
        assertThat(times).hasSize((int) sol.stats().functionEvaluations());
    }

    /** dy/dt = +1 before t = 1 and -1 after: y(1) = 1 and y(2) = 0 exactly, for either convention at t = 1. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void jumpTimesMakePiecewiseSmoothProblemsExact(boolean leftClosed) {
        OdeSystem f = (t, y, d) -> d[0] = (leftClosed ? t <= 1 : t < 1) ? 1 : -1;
        for (String method : new String[] {"dopri5", "tsit5", "dopri8", "bosh3", "rk4"}) {
            SolverOptions.Builder b = SolverOptions.builder().method(method).rtol(1e-8).atol(1e-10);
            if (method.equals("rk4")) {
                b.stepSize(0.3);
            }
            StepTrace trace = new StepTrace(false);
            OdeSolution withJump = OdeSolvers.solve(f, new double[] {0}, new double[] {0, 0.5, 2},
                    b.jumpTimes(1.0).build(), trace);
            assertThat(withJump.state(2)[0]).as("%s with jumpTimes", method).isCloseTo(0.0, within(1e-13));
            assertThat(withJump.state(1)[0]).isCloseTo(0.5, within(1e-13));
            int atJump = -1;
            for (int k = 0; k < trace.size(); k++) {
                if (trace.endTime(k) == 1.0) {
                    atJump = k;
                }
            }
            assertThat(atJump).isNotNegative();
            assertThat(trace.clipped(atJump)).isTrue();
            assertThat(trace.endsAtJump(atJump)).isTrue();
            assertThat(trace.afterJump(atJump + 1)).isTrue();
            assertThat(trace.afterJump(atJump)).isFalse();
        }
        // a step time ends the step there but carries the derivative over (FSAL): one of the two
        // conventions then starts the next step with the wrong slope
        OdeSolution noRestart = OdeSolvers.solve(f, new double[] {0}, new double[] {0, 2},
                SolverOptions.builder().method("dopri5").firstStep(0.25).stepTimes(1.0).build());
        if (leftClosed) {
            assertThat(Math.abs(noRestart.state(1)[0])).isGreaterThan(1e-6);
        }
    }

    @Test
    void jumpTimesBackwardsInTime() {
        OdeSystem f = (t, y, d) -> d[0] = t > -1 ? 2 : -3;
        OdeSolution s = OdeSolvers.solve(f, new double[] {0}, new double[] {0, -2},
                SolverOptions.builder().jumpTimes(-1.0, 5.0).build());
        // from 0 to -1 at slope 2: y = -2; then to -2 at slope -3: y = -2 + 3
        assertThat(s.state(1)[0]).isCloseTo(1.0, within(1e-13));
    }

    @Test
    void handlersSeeStartEveryStepAndFinishAndTheInterpolantIsTheSolvers() {
        OdeSystem f = (t, y, d) -> {
            d[0] = y[1];
            d[1] = -y[0];
        };
        double[] events = new double[4];
        List<Double> derivativeErrors = new ArrayList<>();
        StepHandler h = new StepHandler() {
            @Override
            public void start(double t0, double[] y0, double tEnd) {
                events[0]++;
                assertThat(t0).isEqualTo(0.0);
                assertThat(tEnd).isEqualTo(3.0);
                assertThat(y0).containsExactly(1, 0);
            }

            @Override
            public boolean handleStep(StepInterpolator st) {
                events[1]++;
                double tm = 0.5 * (st.startTime() + st.endTime());
                double[] y = new double[2];
                double[] dy = new double[2];
                st.state(tm, y);
                st.derivative(tm, dy);
                derivativeErrors.add(Math.max(Math.abs(dy[0] - y[1]), Math.abs(dy[1] + y[0])));
                assertThat(y[0]).isCloseTo(Math.cos(tm), within(1e-7));
                return true;
            }

            @Override
            public void finish(double t, double[] y) {
                events[2]++;
                events[3] = t;
            }
        };
        OdeSolution s = OdeSolvers.solve(f, new double[] {1, 0}, new double[] {0, 3},
                SolverOptions.builder().rtol(1e-9).atol(1e-12).build(), h);
        assertThat(events[0]).isEqualTo(1);
        assertThat(events[1]).isEqualTo(s.stats().acceptedSteps());
        assertThat(events[2]).isEqualTo(1);
        assertThat(events[3]).isEqualTo(3.0);
        // the interpolant's derivative is that of dopri5's order-4 extension: close to f on the curve
        assertThat(derivativeErrors).allSatisfy(e -> assertThat(e).isLessThan(1e-6));
    }

    @Test
    void pidControllersFollowTheirFormulas() {
        double r = 0.3;
        double p = 0.7;
        double o = 1.6;
        int q = 4;
        double k = q + 1;
        StepController pid = StepController.pid(0.7, -0.4, 0.1);
        double raw = Math.pow(r, -0.7 / k) * Math.pow(p, 0.4 / k) * Math.pow(o, -0.1 / k);
        assertThat(pid.factor(r, p, o, q)).isCloseTo(1 + Math.atan(raw - 1), within(1e-14));
        // Diffrax's parametrisation: β1 = p + i + d, β2 = -(p + 2d), β3 = d, no limiter
        StepController dfx = StepController.pidCoefficients(0.3, 0.3, 0.1);
        double rawD = Math.pow(r, -0.7 / k) * Math.pow(p, 0.5 / k) * Math.pow(o, -0.1 / k);
        assertThat(dfx.factor(r, p, o, q)).isCloseTo(rawD, within(1e-14));
        assertThat(StepController.pidCoefficients(0, 1, 0).factor(r, p, o, q))
                .isCloseTo(StepController.I.factor(r, p, q), within(1e-14));
        // the limiter keeps the factor inside (1 - π/2, 1 + π/2) however small the error
        assertThat(StepController.PI42.factor(1e-12, 1, 1, q)).isLessThan(1 + Math.PI / 2);
        assertThatThrownBy(() -> StepController.pid(0, 0.1, 0)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> StepController.pid(Double.NaN, 0, 0)).hasMessageContaining("finite");
    }

    @Test
    void theDriverHandsControllersTheLastThreeRatios() {
        List<double[]> seen = new ArrayList<>();
        StepController spy = new StepController() {
            @Override
            public double factor(double ratio, double previousRatio, int q) {
                throw new AssertionError("the driver must call the four-argument form");
            }

            @Override
            public double factor(double ratio, double previousRatio, double olderRatio, int q) {
                seen.add(new double[] {ratio, previousRatio, olderRatio});
                return StepController.I.factor(ratio, previousRatio, q);
            }
        };
        OdeSolvers.solve(Problems.ARENSTORF, Problems.ARENSTORF_Y0, new double[] {0, 2},
                SolverOptions.builder().controller(spy).rtol(1e-8).atol(1e-8).build());
        assertThat(seen.size()).isGreaterThan(5);
        assertThat(seen.get(0)[1]).isEqualTo(1.0);
        assertThat(seen.get(0)[2]).isEqualTo(1.0);
        for (int i = 2; i < seen.size(); i++) {
            assertThat(seen.get(i)[1]).isEqualTo(Math.max(seen.get(i - 1)[0], 1e-4));
            assertThat(seen.get(i)[2]).isEqualTo(Math.max(seen.get(i - 2)[0], 1e-4));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"H211PI", "H312PID", "PI42", "PI33", "PI34", "diffrax(0.4,0.3,0)"})
    void pidControllersSolveToTheTolerance(String which) throws Exception {
        StepController c = which.startsWith("diffrax") ? StepController.pidCoefficients(0.4, 0.3, 0)
                : (StepController) StepController.class.getField(which).get(null);
        SolverOptions base = SolverOptions.builder().rtol(1e-10).atol(1e-10).build();
        double[] times = {0, Problems.ARENSTORF_PERIOD};
        OdeSolution ref = OdeSolvers.solve(Problems.ARENSTORF, Problems.ARENSTORF_Y0, times, base);
        OdeSolution s = OdeSolvers.solve(Problems.ARENSTORF, Problems.ARENSTORF_Y0, times,
                base.toBuilder().controller(c).build());
        // one period of the orbit comes back to the start; error ~ 1e-6 at this tolerance
        assertThat(Problems.maxAbsDiff(s.state(1), Problems.ARENSTORF_Y0)).isLessThan(1e-4);
        assertThat((double) s.stats().functionEvaluations()).isLessThan(1.6 * ref.stats().functionEvaluations());
    }

    @Test
    void registryErrorsNameTheChoices() {
        assertThatThrownBy(() -> OdeSolvers.method("dopri6")).hasMessageContaining("unknown ODE method 'dopri6'")
                .hasMessageContaining("dopri5").hasMessageContaining("tsit5");
        assertThat(OdeSolvers.method("DoPri5")).isSameAs(OdeSolvers.method("dopri5"));
        ButcherTableau rk4 = OdeSolvers.tableau("rk4");
        OdeSolvers.register(rk4);   // the same method again: allowed
        ButcherTableau impostor = new ButcherTableau("rk4", 1, 0, new double[][] {{}}, new double[] {1},
                new double[] {0}, null, false);
        assertThatThrownBy(() -> OdeSolvers.register(impostor)).hasMessageContaining("already registered as 'rk4'");
        assertThatThrownBy(() -> OdeSolvers.register(null)).hasMessageContaining("null");
        assertThat(OdeSolvers.method("rk4")).isSameAs(rk4);
        assertThatThrownBy(() -> SolverOptions.builder().jumpTimes(1, Double.NaN))
                .hasMessageContaining("jumpTimes[1]");
    }

    @Test
    void continuousExtensionsMustFitTheirTableau() {
        ButcherTableau heun = OdeSolvers.tableau("heun2");
        assertThatThrownBy(() -> heun.withContinuousExtension(
                dev.neuralode.solvers.explicit.ContinuousExtension.of(2, new double[][] {{1, -0.5}, {0, 0.5}})))
                .hasMessageContaining("2 weight rows").hasMessageContaining("has 3");
        // a valid one: Heun's own quadratic interpolant over K0, K1 (no f(t+h, y1) needed)
        ButcherTableau own = heun.withContinuousExtension(dev.neuralode.solvers.explicit.ContinuousExtension.of(2,
                new double[][] {{1, -0.5}, {0, 0.5}, {0, 0}}));
        DenseSolution d = OdeSolvers.solveDense((t, y, dy) -> dy[0] = 2 * t, new double[] {0}, 0, 1,
                SolverOptions.builder().method(own).stepSize(0.5).build());
        // Heun integrates y' = 2t exactly, and this interpolant is exact for it too
        assertThat(d.evaluate(0.3)[0]).isCloseTo(0.09, within(1e-15));
        // K0, K1 of each step, and the first step's f(t+h, y1) as the second's K0: the last step's
        // f(t+h, y1) is never evaluated, since this interpolant does not use it
        assertThat(d.stats().functionEvaluations()).isEqualTo(4);
    }

    /**
     * torchdiffeq's rule, written out as its {@code _optimal_step_size} computes it, replayed on the
     * accepted steps this library's driver took with {@link StepController#TORCHDIFFEQ}: each next
     * step is {@code h · min(10, max(0.9 / ratio^(1/5), 1))} (0 ratio: {@code 10h}), also right after
     * a rejection, except where the driver clipped it to end on the final time.
     */
    @Test
    void theTorchdiffeqControllerFollowsTorchdiffeqsRule() {
        OdeSystem f = (t, y, d) -> {
            d[0] = -2 * y[0] + Math.sin(3 * t) * y[1];
            d[1] = y[0] - 0.5 * y[1] * y[1];
        };
        StepTrace trace = new StepTrace(false);
        OdeSolution s = OdeSolvers.solve(f, new double[] {1, 0.5}, new double[] {0, 6},
                SolverOptions.builder().controller(StepController.TORCHDIFFEQ).rtol(1e-6).atol(1e-9).firstStep(0.5)
                        .build(), trace);
        assertThat(s.stats().rejectedSteps()).as("the first step of 0.5 is too large").isPositive();
        int checked = 0;
        int afterRejection = 0;
        for (int k = 0; k + 1 < trace.size(); k++) {
            if (trace.clipped(k + 1)) {
                continue;   // clipped to the final time
            }
            double h = trace.stepSize(k);
            double ratio = trace.errorRatio(k);
            double expected = ratio == 0 ? 10 * h : h * Math.min(10, Math.max(0.9 / Math.pow(ratio, 0.2), 1));
            // dopri5 evaluates six stages per attempt: more between two accepted steps means rejections
            long between = trace.stageEvaluation(k + 1, 1) - trace.stageEvaluation(k, 1);
            if (between == 6) {
                assertThat(trace.stepSize(k + 1)).as("step %d", k + 1)
                        .isCloseTo(expected, within(1e-12 * Math.abs(expected)));
                assertThat(trace.stepSize(k + 1)).isGreaterThanOrEqualTo(h * (1 - 1e-15));
                checked++;
                if (k == 0 || trace.stageEvaluation(k, 1) - trace.stageEvaluation(k - 1, 1) > 6) {
                    afterRejection++;   // step k came right after a rejection: the next one may grow
                }
            }
        }
        assertThat(checked).isGreaterThan(10);
        assertThat(afterRejection).isPositive();
        // the default keeps Hairer's rules: it shrinks accepted steps and holds after a rejection
        assertThat(StepController.STABILIZED.shrinksAcceptedSteps()).isTrue();
        assertThat(StepController.STABILIZED.holdsAfterRejection()).isTrue();
        assertThat(s.state(1)[0]).isFinite();
    }

    /**
     * {@code dopri5_torchdiffeq} with {@link StepController#TORCHDIFFEQ} takes torchdiffeq's steps:
     * the evaluations, accepted and rejected steps of torchdiffeq's own dopri5 (commit 657943a,
     * float64, PyTorch 1.13) on the spiral problem, measured with
     * {@code node-benchmarks/scripts/torchdiffeq_steps.py}; the library's default dopri5 differs.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1e-7,1e-9,2450,329,79", "1e-5,1e-7,938,130,26", "1e-3,1e-6,440,55,18"})
    void dopri5TorchdiffeqTakesTorchdiffeqsSteps(double rtol, double atol, long nfe, long accepted, long rejected) {
        OdeSystem f = (t, y, d) -> {
            double u = y[0] * y[0] * y[0];
            double v = y[1] * y[1] * y[1];
            d[0] = -0.1 * u - 2.0 * v;
            d[1] = 2.0 * u - 0.1 * v;
        };
        double[] times = new double[1000];
        for (int i = 0; i < times.length; i++) {
            times[i] = 25.0 * i / 999;
        }
        SolverOptions o = SolverOptions.builder().method("dopri5_torchdiffeq").controller(StepController.TORCHDIFFEQ)
                .rtol(rtol).atol(atol).build();
        OdeSolution s = OdeSolvers.solve(f, new double[] {2, 0}, times, o);
        assertThat(s.stats()).isEqualTo(new dev.neuralode.core.SolverStats(nfe, accepted, rejected));
        OdeSolution ours = OdeSolvers.solve(f, new double[] {2, 0}, times, o.toBuilder().method("dopri5")
                .controller(StepController.STABILIZED).build());
        assertThat(ours.stats().functionEvaluations()).isNotEqualTo(nfe);
    }
}
