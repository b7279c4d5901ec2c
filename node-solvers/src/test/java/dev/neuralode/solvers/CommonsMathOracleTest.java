package dev.neuralode.solvers;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.FirstOrderIntegrator;
import org.apache.commons.math3.ode.nonstiff.AdaptiveStepsizeIntegrator;
import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.apache.commons.math3.ode.nonstiff.EulerIntegrator;
import org.apache.commons.math3.ode.nonstiff.MidpointIntegrator;
import org.apache.commons.math3.ode.nonstiff.ThreeEighthesIntegrator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** commons-math3 3.6.1 as an independent oracle. */
class CommonsMathOracleTest {

    private static FirstOrderDifferentialEquations wrap(OdeSystem f, int n) {
        return new FirstOrderDifferentialEquations() {
            @Override
            public int getDimension() {
                return n;
            }

            @Override
            public void computeDerivatives(double t, double[] y, double[] yDot) {
                f.derivative(t, y, yDot);
            }
        };
    }

    private static FirstOrderIntegrator fixed(String method, double h) {
        return switch (method) {
            case "euler" -> new EulerIntegrator(h);
            case "midpoint" -> new MidpointIntegrator(h);
            case "rk4" -> new ClassicalRungeKuttaIntegrator(h);
            case "rk38" -> new ThreeEighthesIntegrator(h);
            default -> throw new IllegalArgumentException(method);
        };
    }

    @ParameterizedTest
    @CsvSource({"euler,arenstorf", "midpoint,arenstorf", "rk4,arenstorf", "rk38,arenstorf",
        "euler,lorenz", "midpoint,lorenz", "rk4,lorenz", "rk38,lorenz",
        "rk4,arenstorf-backwards", "rk38,lorenz-backwards"})
    void fixedStepMethodsAgreeWithCommonsMathTo1e12(String method, String problem) {
        boolean arenstorf = problem.startsWith("arenstorf");
        boolean backwards = problem.endsWith("backwards");
        OdeSystem f = arenstorf ? Problems.ARENSTORF : Problems.LORENZ;
        double[] y0 = arenstorf ? Problems.ARENSTORF_Y0 : Problems.LORENZ_Y0;
        double h = 1.0 / 1024;
        double t1 = backwards ? (arenstorf ? -1.0 : -0.25) : 1.0;
        double[] expected = new double[y0.length];
        fixed(method, h).integrate(wrap(f, y0.length), 0, y0.clone(), t1, expected);
        OdeSolution sol = OdeSolvers.solve(f, y0, new double[] {0, t1},
                SolverOptions.builder().method(method).stepSize(h).build());
        double[] got = sol.state(1);
        for (int i = 0; i < y0.length; i++) {
            assertThat(Math.abs(got[i] - expected[i]))
                    .as("%s %s component %d: %s vs %s", method, problem, i, got[i], expected[i])
                    .isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(expected[i])));
        }
        assertThat(sol.stats().acceptedSteps()).isEqualTo((long) Math.round(Math.abs(t1) / h));
    }

    record Run(double error, long nfe) {
    }

    /**
     * The interpolated evaluation count between sweep points 10^(1/4) apart in tolerance is
     * accurate to about one step; allow 1 % (one dopri5 step on the short Lorenz segment).
     */
    private static final double INTERPOLATION_SLACK = 1.01;

    private static Run commons(AdaptiveStepsizeIntegrator integ, OdeSystem f, double[] y0,
                               double t1, double[] reference) {
        double[] y = new double[y0.length];
        integ.integrate(wrap(f, y0.length), 0, y0.clone(), t1, y);
        return new Run(Problems.maxAbsDiff(y, reference), integ.getEvaluations());
    }

    /**
     * How many evaluations commons-math3 needs to reach {@code err}: its runs at
     * {@code tol · 10^(k/4)}, {@code k = -8..4}, reduced to the work–precision front (runs more
     * accurate than every cheaper run), interpolated linearly in log(nfe)–log(error).
     */
    private static double commonsNfeAtError(String method, double tol, OdeSystem f, double[] y0,
                                            double t1, double[] reference, double err) {
        List<Run> runs = new ArrayList<>();
        for (int k = -8; k <= 4; k++) {
            double tk = tol * Math.pow(10, k / 4.0);
            AdaptiveStepsizeIntegrator cm = method.equals("dopri5")
                    ? new DormandPrince54Integrator(1e-12, 10, tk, tk)
                    : new DormandPrince853Integrator(1e-12, 10, tk, tk);
            runs.add(commons(cm, f, y0, t1, reference));
        }
        runs.sort(Comparator.comparingLong(Run::nfe));
        List<Run> front = new ArrayList<>();
        for (Run r : runs) {
            if (front.isEmpty() || r.error < front.get(front.size() - 1).error) {
                front.add(r);
            }
        }
        assertThat(front.get(0).error).as("sweep brackets the error").isGreaterThan(err);
        assertThat(front.get(front.size() - 1).error).as("sweep brackets the error")
                .isLessThan(err);
        int i = 1;
        while (front.get(i).error > err) {
            i++;
        }
        Run q = front.get(i - 1);
        Run r = front.get(i);
        double w = Math.log(q.error / err) / Math.log(q.error / r.error);
        return Math.exp(Math.log(q.nfe) + w * Math.log((double) r.nfe / q.nfe));
    }

    private static Run ours(String method, double tol, OdeSystem f, double[] y0, double t1,
                            double[] reference) {
        OdeSolution sol = OdeSolvers.solve(f, y0, new double[] {0, t1},
                SolverOptions.builder().method(method).rtol(tol).atol(tol).build());
        return new Run(Problems.maxAbsDiff(sol.state(1), reference), sol.stats().functionEvaluations());
    }

    @ParameterizedTest
    @CsvSource({"dopri5,1e-8", "dopri5,1e-10", "dopri8,1e-10", "dopri8,1e-12"})
    void adaptiveMethodsMatchCommonsMathOnArenstorf(String method, double tol) {
        double[] ref = Problems.ARENSTORF_Y0;   // periodic: back to the start after one period
        double t1 = Problems.ARENSTORF_PERIOD;
        AdaptiveStepsizeIntegrator cm = method.equals("dopri5")
                ? new DormandPrince54Integrator(1e-12, 10, tol, tol)
                : new DormandPrince853Integrator(1e-12, 10, tol, tol);
        Run theirs = commons(cm, Problems.ARENSTORF, Problems.ARENSTORF_Y0, t1, ref);
        Run mine = ours(method, tol, Problems.ARENSTORF, Problems.ARENSTORF_Y0, t1, ref);
        System.out.printf("arenstorf %s tol %.0e: ours err %.3e nfe %d | commons err %.3e nfe %d%n",
                method, tol, mine.error, mine.nfe, theirs.error, theirs.nfe);
        // both within tolerance-proportional global error of the exact periodic solution
        assertThat(mine.error).isLessThan(tol * 5e4);
        assertThat(theirs.error).isLessThan(tol * 5e4);
        assertThat(mine.error).isLessThan(Math.max(3 * theirs.error, tol * 100));
        // never more evaluations than commons-math3 for the same accuracy
        double need = commonsNfeAtError(method, tol, Problems.ARENSTORF, Problems.ARENSTORF_Y0,
                t1, ref, mine.error);
        System.out.printf("  commons needs %.0f evaluations for our accuracy: ratio %.3f%n", need,
                mine.nfe / need);
        assertThat((double) mine.nfe).isLessThanOrEqualTo(need * INTERPOLATION_SLACK);
    }

    @ParameterizedTest
    @CsvSource({"dopri5,1e-8", "dopri8,1e-10"})
    void adaptiveMethodsMatchCommonsMathOnLorenz(String method, double tol) {
        double t1 = 2.0;
        double[] ref = new double[3];
        new DormandPrince853Integrator(1e-14, 1, 1e-14, 1e-14)
                .integrate(wrap(Problems.LORENZ, 3), 0, Problems.LORENZ_Y0.clone(), t1, ref);
        double[] ref2 = OdeSolvers.solve(Problems.LORENZ, Problems.LORENZ_Y0, new double[] {0, t1},
                SolverOptions.builder().method("dopri8").rtol(1e-14).atol(1e-14).build()).state(1);
        assertThat(Problems.maxAbsDiff(ref, ref2)).isLessThan(1e-9);
        AdaptiveStepsizeIntegrator cm = method.equals("dopri5")
                ? new DormandPrince54Integrator(1e-12, 10, tol, tol)
                : new DormandPrince853Integrator(1e-12, 10, tol, tol);
        Run theirs = commons(cm, Problems.LORENZ, Problems.LORENZ_Y0, t1, ref);
        Run mine = ours(method, tol, Problems.LORENZ, Problems.LORENZ_Y0, t1, ref);
        System.out.printf("lorenz %s tol %.0e: ours err %.3e nfe %d | commons err %.3e nfe %d%n",
                method, tol, mine.error, mine.nfe, theirs.error, theirs.nfe);
        assertThat(mine.error).isLessThan(tol * 1e4);
        assertThat(theirs.error).isLessThan(tol * 1e4);
        assertThat(mine.error).isLessThan(Math.max(3 * theirs.error, tol * 100));
        double need = commonsNfeAtError(method, tol, Problems.LORENZ, Problems.LORENZ_Y0, t1, ref,
                mine.error);
        System.out.printf("  commons needs %.0f evaluations for our accuracy: ratio %.3f%n", need,
                mine.nfe / need);
        assertThat((double) mine.nfe).isLessThanOrEqualTo(need * INTERPOLATION_SLACK);
    }

    @Test
    void denseOutputOfDopri5MatchesCommonsAtInteriorTimes() {
        // interior outputs come from the continuous extension: compare with a tight reference
        double[] times = {0, 0.3, 0.7, 1.1, 1.6, 2.0};
        OdeSolution sol = OdeSolvers.solve(Problems.LORENZ, Problems.LORENZ_Y0, times,
                SolverOptions.builder().rtol(1e-9).atol(1e-9).build());
        for (int i = 1; i < times.length; i++) {
            double[] ref = new double[3];
            new DormandPrince853Integrator(1e-14, 1, 1e-13, 1e-13)
                    .integrate(wrap(Problems.LORENZ, 3), 0, Problems.LORENZ_Y0.clone(), times[i], ref);
            assertThat(Problems.maxAbsDiff(sol.state(i), ref)).as("t=%s", times[i]).isLessThan(1e-5);
        }
    }
}
