package dev.neuralode.solvers;

import dev.neuralode.core.MaxStepsExceededException;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSolveException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.StepSizeUnderflowException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SolverBehaviourTest {

    private static final OdeSystem DECAY = (t, y, d) -> d[0] = -0.7 * y[0];
    private static final OdeSystem HARMONIC = (t, y, d) -> {
        d[0] = y[1];
        d[1] = -y[0];
    };
    private static final double[] T01 = {0, 1};

    // ------------------------------------------------------------------ bad input

    @Test
    void unknownMethodListsValidNames() {
        assertThatThrownBy(() -> SolverOptions.builder().method("rk5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rk5").hasMessageContaining("dopri5")
                .hasMessageContaining("euler").hasMessageContaining("tsit5");
        assertThatThrownBy(() -> OdeSolvers.tableau("nope")).hasMessageContaining("cash_karp");
        // the built-ins first, in this order; methods registered by other tests may follow
        assertThat(OdeSolvers.methods()).startsWith("euler", "midpoint", "heun2", "heun3",
                "ralston", "rk4", "rk38", "adaptive_heun", "fehlberg2", "bosh3", "rkf45",
                "cash_karp", "dopri5", "tsit5", "dopri8", "dopri5_torchdiffeq");
    }

    @Test
    void fixedStepMethodWithoutStepSizeSaysWhatToSet() {
        SolverOptions o = SolverOptions.builder().method("RK4").build();
        assertThatThrownBy(() -> OdeSolvers.solve(DECAY, new double[] {1}, T01, o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rk4").hasMessageContaining("stepSize");
    }

    @Test
    void badInitialStatesAndTimesAreRejectedBeforeWork() {
        int[] calls = {0};
        OdeSystem counting = (t, y, d) -> {
            calls[0]++;
            d[0] = 0;
        };
        SolverOptions o = SolverOptions.defaults();
        assertThatThrownBy(() -> OdeSolvers.solve(counting, new double[] {Double.NaN}, T01, o))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("component 0");
        assertThatThrownBy(() -> OdeSolvers.solve(counting, new double[] {0, Double.POSITIVE_INFINITY},
                T01, o)).hasMessageContaining("component 1");
        assertThatThrownBy(() -> OdeSolvers.solve(counting, new double[] {1}, new double[] {0}, o))
                .hasMessageContaining("at least two times");
        assertThatThrownBy(() -> OdeSolvers.solve(counting, new double[] {1}, new double[] {0, 1, 1}, o))
                .hasMessageContaining("strictly");
        assertThatThrownBy(() -> OdeSolvers.solve(counting, new double[] {1}, new double[] {0, 2, 1}, o))
                .hasMessageContaining("strictly");
        assertThatThrownBy(() -> OdeSolvers.solve(counting, new double[] {1},
                new double[] {0, Double.NaN}, o)).hasMessageContaining("not finite");
        assertThatThrownBy(() -> OdeSolvers.solve(counting, new double[] {1, 2}, T01,
                SolverOptions.builder().atol(new double[] {1e-6}).build()))
                .hasMessageContaining("atol vector");
        assertThatThrownBy(() -> OdeSolvers.solveDense(counting, new double[] {1}, 1, 1, o))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(calls[0]).isZero();
    }

    @Test
    void nonPositiveTolerancesAndStepsAreRejected() {
        assertThatThrownBy(() -> SolverOptions.builder().rtol(0)).hasMessageContaining("rtol");
        assertThatThrownBy(() -> SolverOptions.builder().rtol(-1e-3)).hasMessageContaining("rtol");
        assertThatThrownBy(() -> SolverOptions.builder().atol(0)).hasMessageContaining("atol");
        assertThatThrownBy(() -> SolverOptions.builder().atol(new double[] {1e-6, -1}))
                .hasMessageContaining("atol[1]");
        assertThatThrownBy(() -> SolverOptions.builder().stepSize(0)).hasMessageContaining("stepSize");
        assertThatThrownBy(() -> SolverOptions.builder().stepSize(Double.NaN))
                .hasMessageContaining("stepSize");
        assertThatThrownBy(() -> SolverOptions.builder().firstStep(-1)).hasMessageContaining("firstStep");
        assertThatThrownBy(() -> SolverOptions.builder().maxSteps(0)).hasMessageContaining("maxSteps");
        assertThatThrownBy(() -> SolverOptions.builder().safety(1.5)).hasMessageContaining("safety");
        assertThatThrownBy(() -> SolverOptions.builder().minFactor(0.5).maxFactor(0.9))
                .hasMessageContaining("maxFactor");
    }

    @Test
    void optionsHaveTheDocumentedDefaultsAndToBuilderCopies() {
        SolverOptions d = SolverOptions.defaults();
        assertThat(d.method().name()).isEqualTo("dopri5");
        assertThat(d.rtol()).isEqualTo(1e-7);
        assertThat(d.atol()).isEqualTo(1e-9);
        assertThat(d.errorNorm()).isSameAs(ErrorNorm.RMS);
        assertThat(d.safety()).isEqualTo(0.9);
        assertThat(d.minFactor()).isEqualTo(0.2);
        assertThat(d.maxFactor()).isEqualTo(10);
        assertThat(d.controller()).isSameAs(StepController.STABILIZED);
        SolverOptions e = d.toBuilder().method("tsit5").rtol(1e-5).build();
        assertThat(e.method().name()).isEqualTo("tsit5");
        assertThat(d.method().name()).isEqualTo("dopri5");
        assertThat(e.atol()).isEqualTo(1e-9);
    }

    // ------------------------------------------------------------------ failures during solve

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "dopri8", "rk4"})
    void derivativeBecomingNanNamesTimeAndComponent(String method) {
        OdeSystem bad = (t, y, d) -> {
            d[0] = 1;
            d[1] = t > 0.5 ? Double.NaN : 0;
        };
        SolverOptions.Builder b = SolverOptions.builder().method(method);
        if (method.equals("rk4")) {
            b.stepSize(0.01);
        }
        assertThatThrownBy(() -> OdeSolvers.solve(bad, new double[] {0, 0}, T01, b.build()))
                .isInstanceOfSatisfying(NonFiniteStateException.class, ex -> {
                    assertThat(ex.component()).isEqualTo(1);
                    assertThat(ex.time()).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
                    assertThat(ex.getMessage()).contains("derivative").contains("component 1")
                            .contains("t=");
                });
    }

    @Test
    void derivativeNanAtTheStartIsReported() {
        OdeSystem bad = (t, y, d) -> d[0] = Math.sqrt(y[0] - 2);
        assertThatThrownBy(() -> OdeSolvers.solve(bad, new double[] {1}, T01, SolverOptions.defaults()))
                .isInstanceOf(NonFiniteStateException.class).hasMessageContaining("t=0.0");
    }

    @Test
    void maxStepsIsEnforced() {
        assertThatThrownBy(() -> OdeSolvers.solve(HARMONIC, new double[] {1, 0}, new double[] {0, 100},
                SolverOptions.builder().rtol(1e-10).maxSteps(50).build()))
                .isInstanceOfSatisfying(MaxStepsExceededException.class, ex -> {
                    assertThat(ex.maxSteps()).isEqualTo(50);
                    assertThat(ex.time()).isGreaterThan(0).isLessThan(100);
                });
        assertThatThrownBy(() -> OdeSolvers.solve(DECAY, new double[] {1}, T01,
                SolverOptions.builder().method("euler").stepSize(1e-3).maxSteps(10).build()))
                .isInstanceOf(MaxStepsExceededException.class);
    }

    @Test
    void stepSizeUnderflowNearASingularity() {
        // y' = 1/(1 - t)^2 ... the solution 1/(1 - t) blows up at t = 1
        OdeSystem blowUp = (t, y, d) -> d[0] = y[0] * y[0];
        assertThatThrownBy(() -> OdeSolvers.solve(blowUp, new double[] {1}, new double[] {0, 2},
                SolverOptions.builder().maxSteps(100_000).build()))
                .isInstanceOfAny(StepSizeUnderflowException.class, NonFiniteStateException.class)
                .isInstanceOfSatisfying(OdeSolveException.class,
                        ex -> assertThat(ex.time()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-3)));
    }

    // ------------------------------------------------------------------ control

    @Test
    void noStepGrowthRightAfterARejection() {
        OdeSystem fast = (t, y, d) -> d[0] = -50 * (y[0] - Math.cos(t));
        List<Double> hs = new ArrayList<>();
        OdeSolution sol = OdeSolvers.solve(fast, new double[] {0}, new double[] {0, 1},
                SolverOptions.builder().firstStep(0.5).handler(st -> hs.add(st.stepSize())).build());
        assertThat(sol.stats().rejectedSteps()).isPositive();
        // the first accepted step followed rejections: the next step may not be larger
        assertThat(hs.get(1)).isLessThanOrEqualTo(hs.get(0));
    }

    @Test
    void handlerSeesEveryAcceptedStepAndStepTimesAreHitExactly() {
        List<double[]> seen = new ArrayList<>();
        double[] stepTimes = {0.3, 0.71, 5.0, -1};
        OdeSolution sol = OdeSolvers.solve(HARMONIC, new double[] {1, 0}, new double[] {0, 0.5, 1},
                SolverOptions.builder().stepTimes(stepTimes)
                        .handler(st -> seen.add(new double[] {st.endTime(), st.stepSize(), st.endState()[0], st.errorRatio(),
                                st.startTime()})).build());
        assertThat(seen).hasSize((int) sol.stats().acceptedSteps());
        List<Double> ends = new ArrayList<>();
        double prev = 0;
        for (double[] s : seen) {
            ends.add(s[0]);
            assertThat(s[0] - s[1]).isCloseTo(prev, org.assertj.core.api.Assertions.within(1e-15));
            assertThat(s[4]).isEqualTo(prev);
            assertThat(s[3]).isBetween(0.0, 1.0);
            assertThat(s[2]).isCloseTo(Math.cos(s[0]), org.assertj.core.api.Assertions.within(1e-6));
            prev = s[0];
        }
        assertThat(ends).contains(0.3, 0.71, 1.0).doesNotContain(0.5);
        assertThat(ends.get(ends.size() - 1)).isEqualTo(1.0);
    }

    @Test
    void fixedStepHonoursStepTimesToo() {
        List<Double> ends = new ArrayList<>();
        OdeSolvers.solve(DECAY, new double[] {1}, new double[] {0, 1},
                SolverOptions.builder().method("rk4").stepSize(0.25).stepTimes(0.6)
                        .handler(st -> ends.add(st.endTime())).build());
        assertThat(ends).containsExactly(0.25, 0.5, 0.6, 0.85, 1.0);
    }

    @Test
    void handlerCanStopTheSolve() {
        OdeSolution sol = OdeSolvers.solve(DECAY, new double[] {1}, new double[] {0, 0.001, 2, 4},
                SolverOptions.builder().handler(st -> st.endTime() <= 1).build());
        assertThat(sol.size()).isEqualTo(2);
        assertThat(sol.times()).containsExactly(0, 0.001);
        DenseSolution d = OdeSolvers.solveDense(DECAY, new double[] {1}, 0, 4,
                SolverOptions.defaults(), st -> st.endTime() <= 1);
        assertThat(d.t1()).isGreaterThan(1).isLessThan(4);
        assertThat(d.evaluate(d.t1())[0]).isCloseTo(Math.exp(-0.7 * d.t1()),
                org.assertj.core.api.Assertions.within(1e-7));
    }

    @Test
    void piControllerAndMaxNormAndAtolVectorWork() {
        double exact = Math.cos(10);
        for (SolverOptions o : new SolverOptions[] {
            SolverOptions.builder().controller(StepController.PI).build(),
            SolverOptions.builder().errorNorm(ErrorNorm.MAX).build(),
            SolverOptions.builder().atol(new double[] {1e-9, 1e-9}).build()}) {
            OdeSolution sol = OdeSolvers.solve(HARMONIC, new double[] {1, 0}, new double[] {0, 10}, o);
            assertThat(sol.state(1)[0]).isCloseTo(exact, org.assertj.core.api.Assertions.within(1e-5));
        }
        long rms = OdeSolvers.solve(HARMONIC, new double[] {1, 0}, new double[] {0, 10},
                SolverOptions.defaults()).stats().functionEvaluations();
        long max = OdeSolvers.solve(HARMONIC, new double[] {1, 0}, new double[] {0, 10},
                SolverOptions.builder().errorNorm(ErrorNorm.MAX).build()).stats().functionEvaluations();
        assertThat(max).isGreaterThanOrEqualTo(rms);
    }

    @Test
    void seminormLeavesTrailingComponentsOutOfErrorControl() {
        // component 1 is a wildly oscillating integral that only the full norm must resolve
        OdeSystem f = (t, y, d) -> {
            d[0] = -y[0];
            d[1] = Math.sin(200 * t) * 100;
        };
        double[] times = {0, 2};
        SolverStats2 full = run(f, times, ErrorNorm.RMS);
        SolverStats2 semi = run(f, times, ErrorNorm.rmsOfFirst(1));
        assertThat(semi.nfe).isLessThan(full.nfe / 3);
        assertThat(semi.y0).isCloseTo(Math.exp(-2), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(ErrorNorm.rmsOfFirst(2).norm(new double[] {3, 4, 1000}, 3))
                .isCloseTo(Math.sqrt(12.5), org.assertj.core.api.Assertions.within(1e-15));
        assertThat(ErrorNorm.MAX.norm(new double[] {3, -4, 1000}, 2)).isEqualTo(4);
        assertThatThrownBy(() -> ErrorNorm.rmsOfFirst(0)).isInstanceOf(IllegalArgumentException.class);
    }

    record SolverStats2(long nfe, double y0) {
    }

    private static SolverStats2 run(OdeSystem f, double[] times, ErrorNorm norm) {
        OdeSolution s = OdeSolvers.solve(f, new double[] {1, 0}, times,
                SolverOptions.builder().errorNorm(norm).build());
        return new SolverStats2(s.stats().functionEvaluations(), s.state(1)[0]);
    }

    // ------------------------------------------------------------------ outputs and dense

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "tsit5", "dopri8", "bosh3", "rk4"})
    void outputTimesNeverChangeTheStepsTaken(String method) {
        SolverOptions.Builder b = SolverOptions.builder().method(method);
        if (method.equals("rk4")) {
            b.stepSize(0.001);
        }
        SolverOptions o = b.build();
        double[] many = new double[41];
        for (int i = 0; i < many.length; i++) {
            many[i] = -3.0 * i / 40;   // backwards in time
        }
        OdeSolution coarse = OdeSolvers.solve(Problems.ARENSTORF, Problems.ARENSTORF_Y0,
                new double[] {0, -3}, o);
        OdeSolution fine = OdeSolvers.solve(Problems.ARENSTORF, Problems.ARENSTORF_Y0, many, o);
        assertThat(fine.state(40)).containsExactly(coarse.state(1));
        assertThat(fine.stats().acceptedSteps()).isEqualTo(coarse.stats().acceptedSteps());
        assertThat(fine.stats().rejectedSteps()).isEqualTo(coarse.stats().rejectedSteps());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "tsit5", "dopri8", "cash_karp", "bosh3", "rk38"})
    void denseSolutionIsAccurateEverywhereAndExactAtTheEnds(String method) {
        SolverOptions.Builder b = SolverOptions.builder().method(method).rtol(1e-10).atol(1e-12);
        if (method.equals("rk38")) {
            b.stepSize(0.01);
        }
        for (double t1 : new double[] {6, -6}) {
            DenseSolution d = OdeSolvers.solveDense(HARMONIC, new double[] {1, 0}, 0, t1, b.build());
            assertThat(d.t0()).isZero();
            assertThat(d.t1()).isEqualTo(t1);
            assertThat(d.evaluate(0.0)).containsExactly(1, 0);
            double[] st = d.stepTimes();
            assertThat(st[0]).isZero();
            assertThat(st[st.length - 1]).isEqualTo(t1);
            assertThat(st.length - 1L).isEqualTo(d.stats().acceptedSteps());
            double[] out = new double[2];
            double worst = 0;
            for (int i = 0; i <= 997; i++) {
                double t = t1 * i / 997.0;
                d.evaluate(t, out);
                worst = Math.max(worst, Math.abs(out[0] - Math.cos(t)) + Math.abs(out[1] + Math.sin(t)));
            }
            double tol = method.equals("bosh3") ? 1e-6 : method.equals("rk38") ? 1e-7 : 5e-8;
            assertThat(worst).as(method + " t1=" + t1).isLessThan(tol);
            assertThatThrownBy(() -> d.evaluate(t1 * 1.01)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("outside");
            assertThatThrownBy(() -> d.evaluate(-t1 * 0.01)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void dop853DenseOutputIsHigherOrderThanHermite() {
        // large steps: the interpolation error dominates between the step boundaries
        SolverOptions o = SolverOptions.builder().method("dopri8").rtol(1e-6).atol(1e-6).build();
        DenseSolution d = OdeSolvers.solveDense(HARMONIC, new double[] {1, 0}, 0, 20, o);
        double[] st = d.stepTimes();
        double worstMid = 0;
        double worstEnd = 0;
        for (int i = 0; i + 1 < st.length; i++) {
            double mid = 0.5 * (st[i] + st[i + 1]);
            worstMid = Math.max(worstMid, Math.abs(d.evaluate(mid)[0] - Math.cos(mid)));
            worstEnd = Math.max(worstEnd, Math.abs(d.evaluate(st[i + 1])[0] - Math.cos(st[i + 1])));
        }
        // mid-step error comparable with the step-end error (a cubic would be far worse)
        assertThat(worstMid).isLessThan(5 * worstEnd + 1e-9);
    }

    @Test
    void solvesAreThreadSafeWithSharedOptions() throws Exception {
        SolverOptions o = SolverOptions.builder().method("tsit5").rtol(1e-9).build();
        double[] times = {0, 1, 2, 3};
        OdeSolution expected = OdeSolvers.solve(Problems.LORENZ, Problems.LORENZ_Y0, times, o);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            List<Future<OdeSolution>> fs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                fs.add(ex.submit(() -> OdeSolvers.solve(Problems.LORENZ, Problems.LORENZ_Y0, times, o)));
            }
            for (Future<OdeSolution> f : fs) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void stepLoopAllocatesNothingPerStep() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        OdeSystem f = Problems.ARENSTORF;
        SolverOptions shortRun = SolverOptions.builder().rtol(1e-6).atol(1e-6).build();
        SolverOptions longRun = SolverOptions.builder().rtol(1e-12).atol(1e-12).build();
        for (int i = 0; i < 5; i++) {
            OdeSolvers.solve(f, Problems.ARENSTORF_Y0, new double[] {0, 17}, shortRun);
            OdeSolvers.solve(f, Problems.ARENSTORF_Y0, new double[] {0, 17}, longRun);
        }
        long tid = Thread.currentThread().getId();
        long a0 = mx.getThreadAllocatedBytes(tid);
        OdeSolution s1 = OdeSolvers.solve(f, Problems.ARENSTORF_Y0, new double[] {0, 17}, shortRun);
        long a1 = mx.getThreadAllocatedBytes(tid);
        OdeSolution s2 = OdeSolvers.solve(f, Problems.ARENSTORF_Y0, new double[] {0, 17}, longRun);
        long a2 = mx.getThreadAllocatedBytes(tid);
        long extraSteps = s2.stats().totalSteps() - s1.stats().totalSteps();
        assertThat(extraSteps).isGreaterThan(1500);
        // well under one byte per extra step: nothing is allocated per step
        assertThat((a2 - a1) - (a1 - a0)).isLessThan(extraSteps / 2);
    }
}
