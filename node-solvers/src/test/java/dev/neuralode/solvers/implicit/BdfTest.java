package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.ErrorNorm;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The variable-order BDF/NDF ({@link Bdf}, registered as {@code bdf}): the order of each formula at fixed
 * order and step, the interpolation of the history to a new spacing, the order selection, the reuse of
 * Jacobians and factorizations, the handling of a failing Newton iteration and bad input. The stiff
 * problems are in {@link StiffProblemsTest}, the registry-wide contract in {@code StiffContractTest},
 * {@code TableauContractTest} and {@code AnalyticProblemsTest}.
 */
class BdfTest {

    /** {@code y0' = y0 cos t, y1' = −y1²}: exact {@code (e^(sin t), 1/(1 + t))}. */
    private static final OdeSystem SMOOTH = (t, y, d) -> {
        d[0] = y[0] * Math.cos(t);
        d[1] = -y[1] * y[1];
    };

    private static double[] smoothExact(double t) {
        return new double[] {Math.exp(Math.sin(t)), 1 / (1 + t)};
    }

    /**
     * The global error at {@code t = 1.5} of {@code steps} steps of fixed size and order {@code q} from
     * {@code t = 0.5}, started from the exact history {@code y(0.5 − j h)}, {@code j = 0..q}.
     */
    private static double fixedOrderError(boolean ndf, int q, int steps) {
        Bdf m = new Bdf("bdf_test", Bdf.MAX_ORDER, ndf);
        Bdf.BdfStepper s = (Bdf.BdfStepper) m.newStepper(SMOOTH, 2);
        s.tolerance(new Tolerance(1e-13, new double[] {1e-13, 1e-13}, ErrorNorm.RMS));
        double t0 = 0.5;
        double t1 = 1.5;
        double h = (t1 - t0) / steps;
        double[][] past = new double[q + 1][];
        for (int j = 0; j <= q; j++) {
            past[j] = smoothExact(t0 - j * h);
        }
        s.startFrom(t0, h, q, past, t0);
        s.holdOrder = true;
        for (int i = 1; i <= steps; i++) {
            double tEnd = i == steps ? t1 : t0 + i * h;
            s.attempt(tEnd - s.time(), tEnd, false);
            assertThat(java.util.Arrays.stream(s.proposal()).allMatch(Double::isFinite)).as("q=%d step %d", q, i).isTrue();
            StepInterpolator step = s.accept();
            assertThat(step.degree()).isEqualTo(q);
            assertThat(s.order()).isEqualTo(q);
        }
        double[] exact = smoothExact(t1);
        double[] y = s.state();
        return Math.max(Math.abs(y[0] - exact[0]), Math.abs(y[1] - exact[1]));
    }

    @ParameterizedTest(name = "order {0}, ndf {1}")
    @CsvSource({"1, false", "2, false", "3, false", "4, false", "5, false",
        "1, true", "2, true", "3, true", "4, true", "5, true"})
    void atFixedOrderTheGlobalErrorFallsAsHToTheQ(int q, boolean ndf) {
        int base = q >= 4 ? 20 : 80;
        double e1 = fixedOrderError(ndf, q, base);
        double e2 = fixedOrderError(ndf, q, 2 * base);
        double e3 = fixedOrderError(ndf, q, 4 * base);
        double p1 = Math.log(e1 / e2) / Math.log(2);
        double p2 = Math.log(e2 / e3) / Math.log(2);
        assertThat(e3).isGreaterThan(1e-12);   // truncation, not rounding
        assertThat(p1).as("order %d: errors %s %s %s", q, e1, e2, e3).isBetween(q - 0.3, q + 0.6);
        assertThat(p2).as("order %d: errors %s %s %s", q, e1, e2, e3).isBetween(q - 0.15, q + 0.4);
    }

    @Test
    void theNdfTakesFewerStepsThanTheBdfAtTheSameTolerance() {
        // the point of ode15s' κ: smaller error constants κγ_k + 1/(k+1) than the BDF's 1/(k+1) at orders 1–4,
        // so longer steps for the same local error (Shampine & Reichelt 1997, §2.1)
        Bdf plain = new Bdf("bdf_plain", Bdf.MAX_ORDER, false);
        Bdf ndf = ImplicitMethods.BDF;
        for (int k = 1; k <= 4; k++) {
            assertThat(Math.abs(ndf.errorConstant(k))).as("order %d", k).isLessThan(plain.errorConstant(k));
            assertThat(plain.errorConstant(k)).isEqualTo(1.0 / (k + 1));
        }
        assertThat(ndf.errorConstant(5)).isEqualTo(1.0 / 6);
        SolverOptions.Builder o = SolverOptions.builder().rtol(1e-7).atol(1e-12);
        OdeSolution a = OdeSolvers.solve(StiffProblems.HIRES, StiffProblems.HIRES_Y0, new double[] {0, 321.8122},
                o.method(ndf).build());
        OdeSolution b = OdeSolvers.solve(StiffProblems.HIRES, StiffProblems.HIRES_Y0, new double[] {0, 321.8122},
                o.method(plain).build());
        assertThat(a.stats().acceptedSteps()).as("ndf %s, bdf %s", a.stats(), b.stats())
                .isLessThan(b.stats().acceptedSteps());
        assertThat(StiffProblems.digits(b.state(1), StiffProblemsTest.HIRES_END)).isGreaterThan(4.5);
        assertThat(ndf.isNdf()).isTrue();
        assertThat(plain.isNdf()).isFalse();
    }

    @ParameterizedTest(name = "order {0}, rho {1}")
    @CsvSource({"1, 0.5", "2, 2.0", "3, 0.3", "4, 1.7", "5, 0.8", "5, 3.0"})
    void rescalingTheHistoryIsExactForPolynomialsOfTheOrder(int q, double rho) {
        // differences of a degree-q polynomial at spacing h, interpolated to spacing ρh, equal the
        // differences of the same polynomial sampled at spacing ρh
        double h = 0.1;
        double t0 = 1.0;
        java.util.function.DoubleUnaryOperator p = t -> {
            double v = 0;
            for (int k = q; k >= 0; k--) {
                v = v * t + (1.0 + 0.3 * k) * (k % 2 == 0 ? 1 : -1);
            }
            return v;
        };
        Bdf.BdfStepper s = (Bdf.BdfStepper) ImplicitMethods.BDF.newStepper(SMOOTH, 1);
        double[][] past = new double[q + 1][1];
        for (int j = 0; j <= q; j++) {
            past[j][0] = p.applyAsDouble(t0 - j * h);
        }
        s.startFrom(t0, h, q, past, t0);
        s.rescale(rho);
        double[][] expected = new double[q + 1][1];
        for (int j = 0; j <= q; j++) {
            expected[j][0] = p.applyAsDouble(t0 - j * rho * h);
        }
        Bdf.BdfStepper ref = (Bdf.BdfStepper) ImplicitMethods.BDF.newStepper(SMOOTH, 1);
        ref.startFrom(t0, rho * h, q, expected, t0);
        for (int j = 0; j <= q; j++) {
            assertThat(s.diff[j]).as("D_%d", j).isCloseTo(ref.diff[j], within(1e-12 * (1 + Math.abs(ref.diff[j]))));
        }
    }

    @Test
    void onASmoothProblemTheOrderRisesAboveTwo() {
        int[] stepsAtOrder = new int[Bdf.MAX_ORDER + 1];
        OdeSolution s = OdeSolvers.solve(SMOOTH, new double[] {1, 1}, new double[] {0, 10},
                SolverOptions.builder().method("bdf").rtol(1e-9).atol(1e-11).build(), step -> {
                    stepsAtOrder[step.degree()]++;
                    return true;
                });
        int high = stepsAtOrder[3] + stepsAtOrder[4] + stepsAtOrder[5];
        long total = s.stats().acceptedSteps();
        assertThat(high).as("steps per order %s", java.util.Arrays.toString(stepsAtOrder)).isGreaterThan((int) (total / 2));
        assertThat(stepsAtOrder[4] + stepsAtOrder[5]).as("steps per order %s", java.util.Arrays.toString(stepsAtOrder))
                .isPositive();
        double[] exact = smoothExact(10);
        assertThat(s.state(1)[0]).isCloseTo(exact[0], within(1e-6));
        assertThat(s.state(1)[1]).isCloseTo(exact[1], within(1e-6));
    }

    @Test
    void denseOutputIsTheHistoryPolynomialAndAccurateBetweenSteps() {
        // outputs at 101 requested times from the interpolants, against the exact solution
        double[] times = new double[101];
        for (int i = 0; i < times.length; i++) {
            times[i] = 0.1 * i;
        }
        OdeSolution s = OdeSolvers.solve(SMOOTH, new double[] {1, 1}, times,
                SolverOptions.builder().method("bdf").rtol(1e-8).atol(1e-10).build());
        double worst = 0;
        for (int i = 0; i < times.length; i++) {
            double[] ex = smoothExact(times[i]);
            worst = Math.max(worst, Math.max(Math.abs(s.state(i)[0] - ex[0]), Math.abs(s.state(i)[1] - ex[1])));
        }
        assertThat(worst).isLessThan(1e-6);
        assertThat(s.stats().acceptedSteps()).isLessThan(400);
    }

    @Test
    void robertsonReusesJacobiansAndFactorizationsAcrossSteps() {
        OdeSolution s = OdeSolvers.solve(StiffProblems.ROBER, new double[] {1, 0, 0}, new double[] {0, 1e5},
                SolverOptions.builder().method("bdf").rtol(1e-6).atol(1e-12).build());
        var st = s.stats();
        assertThat(st.factorizations()).as("%s", st).isLessThan(st.acceptedSteps() / 3);
        assertThat(st.jacobianEvaluations()).as("%s", st).isLessThan(st.acceptedSteps() / 10);
        assertThat(st.jacobianEvaluations()).isPositive();
        // about one Newton iteration per step, each one evaluation of f
        assertThat(st.newtonIterations()).as("%s", st).isLessThan(2 * st.acceptedSteps());
        assertThat(st.functionEvaluations()).as("%s", st).isLessThan(3 * st.acceptedSteps());
        // the other Newton method, radau5, forms one factorization per step
        OdeSolution r = OdeSolvers.solve(StiffProblems.ROBER, new double[] {1, 0, 0}, new double[] {0, 1e5},
                SolverOptions.builder().method("radau5").rtol(1e-6).atol(1e-12).build());
        assertThat(st.factorizations()).isLessThan(r.stats().factorizations() / 2);
    }

    /** {@code y' = −y + cos t} that cannot be evaluated at times in {@code (lo, hi)}. */
    private static OdeSystem holeBetween(double lo, double hi) {
        return (t, y, d) -> {
            d[0] = t > lo && t < hi ? Double.NaN : -y[0] + Math.cos(t);
        };
    }

    @Test
    void aFailedNewtonIterationIsRejectedAndRetriedWithASmallerStep() {
        // a step ending inside the hole fails its Newton iteration (f is not finite there): the attempt
        // reports a huge error ratio and proposes a quarter of the step, which succeeds
        Bdf.BdfStepper s = (Bdf.BdfStepper) ImplicitMethods.BDF.newStepper(holeBetween(0.3, 0.35), 1);
        Tolerance tol = new Tolerance(1e-2, new double[] {1e-3}, ErrorNorm.RMS);
        s.tolerance(tol);
        s.reset(0, new double[] {0.5}, 0);
        s.attempt(0.32, 0.32, false);
        assertThat(s.errorRatio(tol)).isGreaterThan(1e6);
        assertThat(s.stats(0, 1).newtonFailures()).isPositive();
        assertThat(s.proposedStep()).isEqualTo(0.25 * 0.32);
        assertThatThrownBy(s::requireFinite).isInstanceOf(NewtonConvergenceException.class)
                .hasMessageContaining("t=0.0").hasMessageContaining("h=0.32");
        s.attempt(s.proposedStep(), s.proposedStep(), false);
        assertThat(s.errorRatio(tol)).isLessThanOrEqualTo(1.0);
        s.accept();
        assertThat(s.time()).isEqualTo(0.08);
        // exact: y = (cos t + sin t)/2 + (y0 − 1/2) e^(−t) = (cos t + sin t)/2
        assertThat(s.state()[0]).isCloseTo((Math.cos(0.08) + Math.sin(0.08)) / 2, within(2e-3));
    }

    @Test
    void aNewtonIterationThatNeverConvergesEndsWithAnErrorNamingTAndH() {
        // f is not finite anywhere past t = 0: every attempt fails, each a quarter of the last, until the
        // stepper gives up with the time and the step size
        OdeSystem f = holeBetween(0.0, Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> OdeSolvers.solve(f, new double[] {0.5}, new double[] {0, 4},
                SolverOptions.builder().method("bdf").rtol(1e-6).atol(1e-9).firstStep(0.1).build()))
                .isInstanceOf(NewtonConvergenceException.class)
                .hasMessageContaining("bdf").hasMessageContaining("t=0.0").hasMessageContaining("h=")
                .hasMessageContaining("12 failed attempt(s)");
    }

    @Test
    void aFixedStepSolveReportsANonConvergingNewtonIteration() {
        OdeSystem f = holeBetween(1.0, Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> OdeSolvers.solve(f, new double[] {0.5}, new double[] {0, 4},
                SolverOptions.builder().method("bdf").stepSize(0.1).build()))
                .isInstanceOf(NewtonConvergenceException.class)
                .hasMessageContaining("t=1.0");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> new Bdf("b", 6, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..5").hasMessageContaining("6");
        assertThatThrownBy(() -> new Bdf("b", 0, true)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> ImplicitMethods.BDF.newStepper(SMOOTH, 0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ImplicitMethods.BDF.newStepper(null, 2)).hasMessageContaining("must not be null");
        var s = ImplicitMethods.BDF.newStepper(SMOOTH, 2);
        s.reset(0, new double[] {1, 1}, 0);
        assertThatThrownBy(() -> s.attempt(0.0, 0.0, false)).hasMessageContaining("non-zero").hasMessageContaining("t = 0");
        assertThatThrownBy(() -> s.attempt(Double.NaN, 1.0, false)).hasMessageContaining("NaN");
    }

    @Test
    void restartsAtJumpTimesWithAFirstOrderStep() {
        // a forcing that jumps at t = 1: the steps after the jump start again at order 1
        OdeSystem f = (t, y, d) -> d[0] = -50 * (y[0] - (t < 1 ? 1.0 : 2.0));
        List<int[]> afterJump = new ArrayList<>();
        OdeSolution s = OdeSolvers.solve(f, new double[] {0}, new double[] {0, 2},
                SolverOptions.builder().method("bdf").rtol(1e-8).atol(1e-10).jumpTimes(1.0).build(), step -> {
                    if (step.afterJump()) {
                        afterJump.add(new int[] {step.degree()});
                    }
                    return true;
                });
        assertThat(afterJump).hasSize(1);
        assertThat(afterJump.get(0)[0]).isEqualTo(1);
        // y(1) = 1 − e^−50, then y(t) = 2 + (y(1) − 2) e^(−50 (t − 1))
        double expected = 2 + (1 - Math.exp(-50.0) - 2) * Math.exp(-50.0);
        assertThat(s.state(1)[0]).isCloseTo(expected, within(1e-6));
    }
}
