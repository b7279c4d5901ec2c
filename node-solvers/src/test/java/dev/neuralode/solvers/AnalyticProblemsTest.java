package dev.neuralode.solvers;

import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classic problems with exact solutions (REFERENCE.md), solved by every registered method,
 * forwards and backwards in time, with outputs at interior times (dense output).
 */
class AnalyticProblemsTest {

    record Problem(String name, OdeSystem f, DoubleFunction<double[]> exact, double ta, double tb) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Problem> problems() {
        List<Problem> list = new ArrayList<>();
        double a = 0.2;
        double b = 3;
        list.add(new Problem("constant",
                (t, y, d) -> d[0] = a + Math.pow(y[0] - (a * t + b), 5),
                t -> new double[] {a * t + b}, 1, 8));
        // linear: A = U - U^T skew-symmetric 10x10, exact expm(A t) y0 via eigen-free series
        int n = 10;
        Random rnd = new Random(42);
        double[][] u = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                u[i][j] = 0.1 * rnd.nextGaussian();
            }
        }
        double[][] am = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                am[i][j] = u[i][j] - u[j][i];
            }
        }
        double[] y0 = new double[n];
        for (int i = 0; i < n; i++) {
            y0[i] = rnd.nextGaussian();
        }
        list.add(new Problem("linear", (t, y, d) -> {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += am[i][j] * y[j];
                }
                d[i] = s;
            }
        }, t -> expmTimes(am, t, y0), 0, 3));
        list.add(new Problem("sine",
                (t, y, d) -> d[0] = 2 * y[0] / t + Math.pow(t, 4) * Math.sin(2 * t) - t * t
                        + 4 * t * t * t,
                t -> new double[] {-0.5 * Math.pow(t, 4) * Math.cos(2 * t)
                        + 0.5 * Math.pow(t, 3) * Math.sin(2 * t) + 0.25 * t * t * Math.cos(2 * t)
                        - t * t * t + 2 * Math.pow(t, 4) + (Math.PI - 0.25) * t * t}, 1, 8));
        list.add(new Problem("exp", (t, y, d) -> d[0] = -0.1 * Math.exp(-0.1 * t),
                t -> new double[] {Math.exp(-0.1 * t)}, 0, 5));
        list.add(new Problem("harmonic", (t, y, d) -> {
            d[0] = y[1];
            d[1] = -y[0];
        }, t -> new double[] {Math.cos(t), -Math.sin(t)}, 0, 6));
        list.add(new Problem("decay", (t, y, d) -> d[0] = -0.7 * y[0],
                t -> new double[] {Math.exp(-0.7 * t)}, 0, 4));
        return list;
    }

    /** expm(A t) y0 by scaling and squaring-free Taylor steps (small norm, many small pieces). */
    static double[] expmTimes(double[][] a, double t, double[] y0) {
        int n = y0.length;
        int pieces = 200;
        double dt = t / pieces;
        double[] y = y0.clone();
        for (int p = 0; p < pieces; p++) {
            double[] term = y.clone();
            double[] sum = y.clone();
            for (int k = 1; k < 25; k++) {
                double[] next = new double[n];
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += a[i][j] * term[j];
                    }
                    next[i] = s * dt / k;
                }
                term = next;
                for (int i = 0; i < n; i++) {
                    sum[i] += term[i];
                }
            }
            y = sum;
        }
        return y;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String m : OdeSolvers.methods()) {
            for (Problem p : problems()) {
                out.add(Arguments.of(m, p, true));
                out.add(Arguments.of(m, p, false));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} forward={2}")
    @MethodSource("cases")
    void matchesTheExactSolution(String method, Problem p, boolean forward) {
        ButcherTableau tab = OdeSolvers.tableau(method);
        double start = forward ? p.ta : p.tb;
        double end = forward ? p.tb : p.ta;
        int m = 7;
        double[] times = new double[m];
        for (int i = 0; i < m; i++) {
            times[i] = start + (end - start) * i / (m - 1.0);
        }
        SolverOptions.Builder b = SolverOptions.builder().method(method);
        double tol;
        if (tab.isAdaptive()) {
            double rtol = tab.order() >= 5 ? 1e-9 : 1e-6;
            b.rtol(rtol).atol(rtol * 1e-2);
            tol = rtol * 2e3;
        } else {
            double h = tab.order() == 1 ? 1e-4 : tab.order() == 2 ? 2e-3 : 1e-2;
            b.stepSize(h);
            tol = tab.order() == 1 ? 5e-2 : 5e-4;
        }
        OdeSolution sol = OdeSolvers.solve(p.f, p.exact.apply(start), times, b.build());
        assertThat(sol.state(0)).containsExactly(p.exact.apply(start));
        for (int i = 1; i < m; i++) {
            double[] ex = p.exact.apply(times[i]);
            double[] got = sol.state(i);
            for (int j = 0; j < ex.length; j++) {
                assertThat(Math.abs(got[j] - ex[j]) / (1 + Math.abs(ex[j])))
                        .as("%s %s t=%s comp %d", method, p.name, times[i], j).isLessThan(tol);
            }
        }
        assertThat(sol.stats().acceptedSteps()).isPositive();
    }
}
