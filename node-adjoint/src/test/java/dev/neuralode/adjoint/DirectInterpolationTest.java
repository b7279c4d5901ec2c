package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.step.StepTrace;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Backprop through the solver takes the plain solve's steps and differentiates its dense output:
 * the interpolant weights reproduce the solver's outputs, the gradient is the exact gradient of
 * the discrete solve for every interpolant family, and the forward pass costs what the plain
 * solve costs.
 */
class DirectInterpolationTest {

    /** One method per interpolant family: Hermite (non-FSAL, FSAL), dopri5, tsit5, DOP853. */
    static final String[] METHODS = {"rk4", "rkf45", "bosh3", "dopri5", "tsit5", "dopri8"};

    @ParameterizedTest
    @ValueSource(strings = {"rk4", "rkf45", "bosh3", "dopri5", "tsit5", "dopri8"})
    void weightsReproduceTheSolversDenseOutput(String method) {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 4, true);
        TapeOdeSystem sys = new TapeOdeSystem(f, 2, 2);
        double[] y0 = {0.4, -0.3, 0.8, 0.1};
        double h = 0.1;
        // outputs at θ = 0.37 of the fourth step and θ = 0.81 of the sixth
        double[] times = {0.0, 0.337, 0.581, 0.9};
        SolverOptions o = SolverOptions.builder().method(method).stepSize(h).build();
        StepTrace trace = new StepTrace(true);
        OdeSolution sol = OdeSolvers.solve(sys, y0, times, o, trace);
        DenseWeights dw = DenseWeights.of(o.method());
        double[] w = new double[dw.total];
        double[] wd = new double[dw.total];
        int[] stepOf = {3, 5};
        for (int q = 0; q < 2; q++) {
            int st = stepOf[q];
            double t = trace.startTime(st);
            assertThat(t).isCloseTo(st * h, org.assertj.core.data.Offset.offset(1e-12));
            // the solver's own step size: a difference of step times, h to rounding
            double hs = trace.stepSize(st);
            assertThat(hs).isCloseTo(h, org.assertj.core.data.Offset.offset(1e-15));
            double theta = (times[q + 1] - t) / hs;
            double[] start = new double[4];
            trace.startState(st, start);
            double[][] k = stages(sys, dw, start, t, hs, trace.endTime(st));
            dw.weights(theta, w, wd);
            double[] y = start.clone();
            for (int j = 0; j < dw.total; j++) {
                for (int i = 0; i < 4; i++) {
                    y[i] += hs * w[j] * k[j][i];
                }
            }
            for (int i = 0; i < 4; i++) {
                assertThat(y[i]).as(method + " output " + (q + 1) + "[" + i + "]")
                        .isCloseTo(sol.state(q + 1)[i], org.assertj.core.data.Offset.offset(1e-13));
            }
            // θ-derivatives of the weights: central differences
            double e = 1e-6;
            double[] wp = new double[dw.total];
            double[] wm = new double[dw.total];
            double[] scratch = new double[dw.total];
            dw.weights(theta + e, wp, scratch);
            dw.weights(theta - e, wm, scratch);
            for (int j = 0; j < dw.total; j++) {
                assertThat(wd[j]).isCloseTo((wp[j] - wm[j]) / (2 * e), org.assertj.core.data.Offset.offset(1e-7));
            }
        }
        // at θ = 1 the weights are the solution weights b; at θ = 0 the derivative is f(t, y)
        dw.weights(1.0, w, wd);
        for (int j = 0; j < dw.total; j++) {
            assertThat(w[j]).isCloseTo(dw.b[j], org.assertj.core.data.Offset.offset(1e-12));
        }
        dw.weights(0.0, w, wd);
        for (int j = 0; j < dw.total; j++) {
            assertThat(wd[j]).isCloseTo(j == 0 ? 1.0 : 0.0, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    private static double[][] stages(TapeOdeSystem sys, DenseWeights dw, double[] y, double t, double h,
                                     double tEnd) {
        int n = y.length;
        double[][] k = new double[dw.total][n];
        for (int i = 0; i < dw.total; i++) {
            double[] yi = y.clone();
            for (int j = 0; j < i; j++) {
                for (int q = 0; q < n; q++) {
                    yi[q] += h * dw.a[i][j] * k[j][q];
                }
            }
            sys.derivative(dw.stageTime(i, t, h, tEnd, false, false), yi, k[i]);
        }
        return k;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rk4", "rkf45", "bosh3", "dopri5", "tsit5", "dopri8"})
    void fixedStepGradientEqualsFiniteDifferencesOfTheDiscreteSolve(String method) {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 21, true);
        // step 0.05: outputs inside steps (θ = 0.6, 0.2), the last step shortened (0.71 = 14.2 steps)
        double[] times = {0.0, 0.33, 0.41, 0.71};
        SolverOptions o = SolverOptions.builder().method(method).stepSize(0.05).build();
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.7, new Random(2));
        DMatrixRMaj[] w = GradientProblems.weights(4, 2, 2, 4);
        Gradients got = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients fd = Gradients.finiteDifferences(f, y0, times, w, o, 1e-5);
        assertThat(Gradients.relativeError(got.dy0(), fd.dy0())).as("dL/dy0").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtheta(), fd.dtheta())).as("dL/dθ").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtimes(), fd.dtimes())).as("dL/dt").isLessThan(1e-7);
        assertThat(got.stats().forwardSteps()).isEqualTo(15);
    }

    @Test
    void fixedStepBackwardsInTimeWithStepTimesEqualsFiniteDifferences() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 23, true);
        double[] times = {0.8, 0.47, 0.11, -0.13};
        // a breakpoint at 0.3: the steps after it start there, whatever t_0 is
        SolverOptions o = SolverOptions.builder().method("dopri5").stepSize(0.06)
                .stepTimes(new double[] {0.3}).build();
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.7, new Random(5));
        DMatrixRMaj[] w = GradientProblems.weights(4, 2, 2, 6);
        Gradients got = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients fd = Gradients.finiteDifferences(f, y0, times, w, o, 1e-5);
        assertThat(Gradients.relativeError(got.dy0(), fd.dy0())).as("dL/dy0").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtheta(), fd.dtheta())).as("dL/dθ").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtimes(), fd.dtimes())).as("dL/dt").isLessThan(1e-7);
    }

    @Test
    void outputsOnStepBoundariesGetTheDerivativeAsTimeGradient() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 24, false);
        double[] times = {0.0, 0.25, 0.5}; // multiples of the step: boundary outputs
        SolverOptions o = SolverOptions.builder().method("rk4").stepSize(0.05).build();
        DMatrixRMaj y0 = GradientProblems.random(1, 2, 0.7, new Random(7));
        DMatrixRMaj[] w = GradientProblems.weights(3, 1, 2, 8);
        Gradients got = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients fd = Gradients.finiteDifferences(f, y0, times, w, o, 1e-5);
        // Hermite interpolation matches f on both sides of a boundary, so the discrete solve is
        // differentiable there with derivative g·f(t_o, y(t_o))
        assertThat(Gradients.worst(got, fd)).isLessThan(1e-7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "tsit5", "dopri8", "bosh3", "rkf45"})
    void adaptiveDirectTakesThePlainSolvesStepsAndAgreesWithTheAdjoints(String method) {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 16, 31, false);
        DMatrixRMaj y0 = GradientProblems.random(5, 2, 0.8, new Random(3));
        double[] times = new double[10];
        for (int i = 0; i < 10; i++) {
            times[i] = 0.025 * i;
        }
        SolverOptions o = SolverOptions.builder().method(method).rtol(1e-9).atol(1e-11).build();
        DMatrixRMaj[] w = GradientProblems.weights(10, 5, 2, 9);
        Gradients direct = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients adjoint = Gradients.compute(f, y0, times, w, o, GradientMethod.adjoint());
        Gradients ckpt = Gradients.compute(f, y0, times, w, o, GradientMethod.checkpointed());
        // a 5th-order method with cubic Hermite output (rkf45) interpolates less accurately
        double bound = method.equals("rkf45") ? 1e-4 : 1e-6;
        assertThat(Gradients.worst(direct, adjoint)).isLessThan(bound);
        assertThat(Gradients.worst(direct, ckpt)).isLessThan(bound);

        OdeSolution plain = OdeSolvers.solve(new TapeOdeSystem(f, 5, 2), y0.data.clone(), times, o);
        assertThat(direct.stats().forwardEvaluations()).isEqualTo(plain.stats().functionEvaluations());
        assertThat(direct.stats().forwardSteps()).isEqualTo(plain.stats().acceptedSteps());
        assertThat(direct.stats().forwardEvaluations()).isEqualTo(adjoint.stats().forwardEvaluations());
        if (((ButcherTableau) o.method()).order() >= 5) {
            // fewer steps than output intervals: outputs really are interpolated
            assertThat(direct.stats().forwardSteps()).isLessThan(times.length - 1);
        }
    }

    @Test
    void directStatesAreThePlainSolversOutputs() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 8, 5, false);
        DMatrixRMaj y0 = GradientProblems.random(3, 2, 0.8, new Random(4));
        double[] times = {0, 0.13, 0.52, 0.77, 1.2};
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-6).atol(1e-8).build();
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(f, tape.variable(y0), times, o, GradientMethod.direct());
        OdeSolution plain = OdeSolvers.solve(new TapeOdeSystem(f, 3, 2), y0.data.clone(), times, o);
        for (int i = 0; i < times.length; i++) {
            assertThat(r.at(i).value().data).containsExactly(plain.state(i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rk4", "rkf45", "dopri5", "tsit5", "dopri8"})
    void recordedForwardStagesGiveTheRecomputedGradientWithFewerEvaluations(String method) {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 8, 41, true);
        DMatrixRMaj y0 = GradientProblems.random(3, 2, 0.8, new Random(6));
        double[] times = {0.0, 0.07, 0.3, 0.42, 0.9};
        SolverOptions o = method.equals("rk4") ? SolverOptions.builder().method(method).stepSize(0.04).build()
                : SolverOptions.builder().method(method).rtol(1e-6).atol(1e-8).build();
        DMatrixRMaj[] w = GradientProblems.weights(5, 3, 2, 2);
        Gradients kept = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients recomputed = Gradients.compute(f, y0, times, w, o, GradientMethod.direct(0));
        Gradients partly = Gradients.compute(f, y0, times, w, o, GradientMethod.direct(20_000));
        assertThat(Gradients.worst(kept, recomputed)).isLessThan(1e-12);
        assertThat(Gradients.worst(partly, recomputed)).isLessThan(1e-12);
        // every stage the step needs was evaluated forwards: the backward pass only sweeps
        long steps = kept.stats().forwardSteps();
        assertThat(kept.stats().backwardEvaluations()).isLessThan(recomputed.stats().backwardEvaluations());
        assertThat(recomputed.stats().backwardEvaluations() - kept.stats().backwardEvaluations())
                .isGreaterThanOrEqualTo(steps * (((ButcherTableau) o.method()).stages() - 1));
        assertThat(partly.stats().backwardEvaluations()).isStrictlyBetween(
                kept.stats().backwardEvaluations(), recomputed.stats().backwardEvaluations());
    }

    @Test
    void onTheSpiralSettingsDirectCostsExactlyThePlainSolve() {
        // REFERENCE.md's spiral training solve: batch 20, 2-50-2 MLP on h³, dopri5 rtol 1e-7 atol 1e-9,
        // 10 outputs over [0, 0.225]
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 50, 12, false);
        DMatrixRMaj y0 = GradientProblems.random(20, 2, 1.0, new Random(13));
        double[] times = new double[10];
        for (int i = 0; i < 10; i++) {
            times[i] = 0.025 * i;
        }
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-7).atol(1e-9).build();
        DMatrixRMaj[] w = GradientProblems.weights(10, 20, 2, 14);
        Gradients direct = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        OdeSolution plain = OdeSolvers.solve(new TapeOdeSystem(f, 20, 2), y0.data.clone(), times, o);
        assertThat(direct.stats().forwardEvaluations()).isEqualTo(plain.stats().functionEvaluations());
        assertThat(direct.stats().forwardSteps()).isEqualTo(plain.stats().acceptedSteps());
        // every stage was recorded forwards: the backward pass sweeps at most s = 7 tapes per step
        assertThat(direct.stats().backwardEvaluations()).isLessThanOrEqualTo(7 * direct.stats().forwardSteps());
        Gradients adjoint = Gradients.compute(f, y0, times, w, o, GradientMethod.adjoint());
        // the discrete gradient of order-4 interpolated outputs vs the continuous one (2.6e-5 here)
        assertThat(Gradients.worst(direct, adjoint)).isLessThan(1e-4);
    }
}
