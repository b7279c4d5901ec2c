package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.testkit.GradientMethodContract;
import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import dev.neuralode.solvers.SolverOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every gradient method on many output-time grids: increasing and decreasing, wide and narrow,
 * intervals down to a few ulps, times of very different magnitudes (where {@code t1 - t0} is not
 * exact). The solve and the backward pass must succeed, the gradients be finite and agree with
 * another method. Before the step contract, re-solves and backward solves could evaluate a
 * segment's dense solution a rounding error outside it ({@code evaluate: t=... is outside the
 * solved interval}); the two grids that showed it are tested on their own.
 */
class TimeGridTest {

    static List<GradientMethod> methods() {
        return Fixtures.methods();
    }

    static final SolverOptions OPTIONS = GradientMethodContract.GRID_OPTIONS;

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void everyMethodSucceedsOnRandomGridsAndAgreesWithAnother(GradientMethod method) {
        GradientMethodContract.checkRandomTimeGrids(method, GradientMethodContractTest.reference(method), 300,
                20261202L);
    }

    @Test
    void theRandomGridsCoverBothDirectionsAndUlpSizedIntervals() {
        // the 300 grids above, regenerated from the same seed
        Random r = new Random(20261202L);
        int decreasing = 0;
        int tiny = 0;
        for (int g = 0; g < 300; g++) {
            double[] times = GradientProblems.randomGrid(r);
            decreasing += times[1] < times[0] ? 1 : 0;
            for (int i = 1; i < times.length; i++) {
                tiny += Math.abs(times[i] - times[i - 1]) <= 4 * Math.ulp(Math.max(Math.abs(times[i]), 1e-300)) ? 1 : 0;
            }
        }
        assertThat(decreasing).isBetween(100, 200);
        assertThat(tiny).isGreaterThan(50);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void theSpiralGridThatFailedCheckpointedSucceeds(GradientMethod method) {
        // the spiral model (2-50-2 MLP on h³, batch 20) at the options of the spiral demo
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 50, 12, false);
        DMatrixRMaj y0 = GradientProblems.random(20, 2, 1.0, new Random(13));
        double[] times = {0.002812037295116721, 0.6998752178399883};
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-7).atol(1e-9).build();
        DMatrixRMaj[] w = GradientProblems.weights(2, 20, 2, 14);
        Gradients got = Gradients.compute(f, y0, times, w, o, method);
        Gradients ref = Gradients.compute(f, y0, times, w, o, GradientMethod.adjoint());
        assertThat(Gradients.worst(got, ref)).isLessThan(1e-4);
    }

    @Test
    void checkpointedEveryStepOnTheFirstPointsOfALongGrid() {
        // checkpointed(1) on the first 10 points of linspace(0, 25, 1000) at rtol 1e-10
        double[] times = new double[10];
        for (int i = 0; i < 10; i++) {
            times[i] = 25.0 * i / 999;
        }
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 50, 12, false);
        DMatrixRMaj y0 = GradientProblems.random(20, 2, 1.0, new Random(13));
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();
        DMatrixRMaj[] w = GradientProblems.weights(10, 20, 2, 15);
        Gradients got = Gradients.compute(f, y0, times, w, o, GradientMethod.checkpointed(1));
        Gradients ref = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        assertThat(Gradients.worst(got, ref)).isLessThan(1e-6);
    }

    @Test
    void theSolverNeverEvaluatesOutsideTheSolvedInterval() {
        // the root of the checkpointed failure: the initial-step heuristic probed t0 + h0 with
        // h0 = |tEnd - t0|, which can round past tEnd
        Random r = new Random(7);
        int probed = 0;
        for (int g = 0; g < 2000; g++) {
            double[] times = GradientProblems.randomGrid(r);
            double lo = Math.min(times[0], times[times.length - 1]);
            double hi = Math.max(times[0], times[times.length - 1]);
            int[] calls = new int[1];
            dev.neuralode.core.OdeSystem f = (t, y, dydt) -> {
                if (t < lo || t > hi) {
                    throw new AssertionError("f evaluated at t=" + t + " outside [" + lo + ", " + hi + "], times "
                            + Arrays.toString(times));
                }
                calls[0]++;
                // slow: the heuristic's h0 = 0.01·‖y‖/‖f‖ exceeds the interval, so h0 = |tEnd - t0|
                dydt[0] = 1e-3;
                dydt[1] = -1e-3 * y[1];
            };
            dev.neuralode.solvers.OdeSolvers.solve(f, new double[] {2, 3}, times, OPTIONS);
            dev.neuralode.solvers.OdeSolvers.solveDense(f, new double[] {2, 3}, times[0],
                    times[times.length - 1], OPTIONS);
            probed += calls[0] > 0 ? 1 : 0;
        }
        assertThat(probed).isEqualTo(2000);
    }
}
