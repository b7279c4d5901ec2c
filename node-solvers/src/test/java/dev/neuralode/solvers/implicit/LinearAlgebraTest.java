package dev.neuralode.solvers.implicit;

import dev.neuralode.core.Jacobian;
import dev.neuralode.core.JacobianPattern;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.Tolerance;
import dev.neuralode.solvers.ErrorNorm;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Jacobians (finite differences against closed forms, column grouping), the iteration matrix (LU
 * against a direct solve, singular matrices) and bad input: a user Jacobian of the wrong shape, a
 * non-finite Jacobian, a singular iteration matrix at a fixed step.
 */
class LinearAlgebraTest {

    private static final Tolerance TOL = new Tolerance(1e-6, new double[] {1e-10, 1e-10, 1e-10}, ErrorNorm.RMS);

    @Test
    void finiteDifferenceJacobianOfRobertsonMatchesTheClosedForm() {
        double[] y = {0.9, 2e-5, 0.1};
        double[] fy = new double[3];
        StiffProblems.ROBER.derivative(0, y, fy);
        double[] fd = new double[9];
        JacobianEvaluator ev = new JacobianEvaluator(StiffProblems.ROBER, 3);
        ev.jacobian(0, y, fy, 1e-3, TOL, fd);
        double[] exact = new double[9];
        new StiffProblems.RoberWithJacobian().jacobian(0, y, exact);
        for (int k = 0; k < 9; k++) {
            assertThat(fd[k]).as("entry %d", k).isCloseTo(exact[k],
                    org.assertj.core.data.Offset.offset(1e-6 * (1 + Math.abs(exact[k]))));
        }
        assertThat(ev.evaluations()).isEqualTo(3);
        assertThat(ev.evaluationsPerJacobian()).isEqualTo(3);
    }

    /** A nonlinear tridiagonal system y_i' = −y_i³ + (y_{i−1} − 2y_i + y_{i+1}) · k, with its pattern. */
    static class Chain implements OdeSystem, JacobianPattern {
        final int n;

        Chain(int n) {
            this.n = n;
        }

        @Override
        public void derivative(double t, double[] y, double[] d) {
            for (int i = 0; i < n; i++) {
                double left = i > 0 ? y[i - 1] : 0;
                double right = i < n - 1 ? y[i + 1] : 0;
                d[i] = -y[i] * y[i] * y[i] + 50 * (left - 2 * y[i] + right) + Math.sin(t);
            }
        }

        @Override
        public int[][] jacobianPattern(int dim) {
            return JacobianPattern.band(dim, 1, 1);
        }

        void exact(double[] y, double[] j) {
            java.util.Arrays.fill(j, 0);
            for (int i = 0; i < n; i++) {
                j[i * n + i] = -3 * y[i] * y[i] - 100;
                if (i > 0) {
                    j[i * n + i - 1] = 50;
                }
                if (i < n - 1) {
                    j[i * n + i + 1] = 50;
                }
            }
        }
    }

    @Test
    void aBandPatternGroupsColumnsCurtisPowellReid() {
        int n = 40;
        Chain chain = new Chain(n);
        Random rng = new Random(14);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextGaussian();
        }
        double[] fy = new double[n];
        chain.derivative(0.3, y, fy);
        JacobianEvaluator ev = new JacobianEvaluator(chain, n);
        assertThat(ev.evaluationsPerJacobian()).as("tridiagonal: ml + mu + 1 groups").isEqualTo(3);
        double[] grouped = new double[n * n];
        double[] atol = new double[n];
        java.util.Arrays.fill(atol, 1e-8);
        ev.jacobian(0.3, y, fy, 1e-2, new Tolerance(1e-6, atol, ErrorNorm.RMS), grouped);
        assertThat(ev.evaluations()).isEqualTo(3);
        double[] exact = new double[n * n];
        chain.exact(y, exact);
        for (int k = 0; k < n * n; k++) {
            assertThat(grouped[k]).as("entry (%d, %d)", k / n, k % n).isCloseTo(exact[k],
                    org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(exact[k]))));
        }
        // and the grouped Jacobian drives a solve to the same answer as the dense one with far fewer evaluations
        OdeSystem dense = chain::derivative;
        double[] times = {0, 2};
        SolverOptions o = SolverOptions.builder().method("rodas5p").rtol(1e-8).atol(1e-10).build();
        OdeSolution a = OdeSolvers.solve(chain, y, times, o);
        OdeSolution b = OdeSolvers.solve(dense, y, times, o);
        assertThat(StiffProblems.mixedError(a.state(1), b.state(1))).isLessThan(1e-7);
        assertThat(a.stats().functionEvaluations()).isLessThan(b.stats().functionEvaluations() / 3);
    }

    @Test
    void aBadPatternIsRefusedNamingTheRowAndColumn() {
        OdeSystem bad = new Chain(5) {
            @Override
            public int[][] jacobianPattern(int dim) {
                return new int[][] {{0}, {1}, {2, 7}, {3}, {4}};
            }
        };
        assertThatThrownBy(() -> new JacobianEvaluator(bad, 5)).hasMessageContaining("row 2")
                .hasMessageContaining("column 7").hasMessageContaining("[0, 5)");
        OdeSystem shortPattern = new Chain(5) {
            @Override
            public int[][] jacobianPattern(int dim) {
                return new int[][] {{0}};
            }
        };
        assertThatThrownBy(() -> new JacobianEvaluator(shortPattern, 5)).hasMessageContaining("1 rows")
                .hasMessageContaining("5 components");
    }

    /** f = −50 y (componentwise), its Jacobian written by the user with a given row length. */
    static class UserJacobian implements OdeSystem, Jacobian {
        final int written;
        long calls;

        UserJacobian(int written) {
            this.written = written;
        }

        @Override
        public void derivative(double t, double[] y, double[] d) {
            for (int i = 0; i < y.length; i++) {
                d[i] = -50 * y[i];
            }
        }

        @Override
        public void jacobian(double t, double[] y, double[] j) {
            calls++;
            for (int i = 0; i < y.length; i++) {
                j[i * written + i] = -50;     // written = n is right; n + 1 indexes past n² for the last row
            }
        }

        @Override
        public boolean timeDerivative(double t, double[] y, double[] dfdt) {
            java.util.Arrays.fill(dfdt, 0);
            return true;
        }
    }

    @Test
    void aUserJacobianIsUsedAndCounted() {
        UserJacobian f = new UserJacobian(2);
        OdeSolution s = OdeSolvers.solve(f, new double[] {1, 2}, new double[] {0, 1},
                SolverOptions.builder().method("rodas5p").rtol(1e-8).atol(1e-12).build());
        assertThat(s.state(1)[0]).isCloseTo(Math.exp(-50), org.assertj.core.data.Offset.offset(1e-14));
        assertThat(f.calls).isEqualTo(s.stats().jacobianEvaluations()).isPositive();
        // no finite differences: 8 stage evaluations per attempted step, nothing for J or ∂f/∂t
        assertThat(s.stats().functionEvaluations()).isLessThanOrEqualTo(8 * s.stats().totalSteps() + 2);
    }

    @Test
    void aUserJacobianOfTheWrongShapeIsAClearError() {
        UserJacobian f = new UserJacobian(3);
        assertThatThrownBy(() -> OdeSolvers.solve(f, new double[] {1, 2}, new double[] {0, 1},
                SolverOptions.builder().method("rodas5p").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 x 2 matrix").hasMessageContaining("row-major");
    }

    @Test
    void aNonFiniteJacobianNamesTheEntryAndTheTime() {
        OdeSystem f = new UserJacobian(2) {
            @Override
            public void jacobian(double t, double[] y, double[] j) {
                j[3] = Double.NaN;
            }
        };
        assertThatThrownBy(() -> OdeSolvers.solve(f, new double[] {1, 2}, new double[] {0, 1},
                SolverOptions.builder().method("rosenbrock23").build()))
                .isInstanceOf(NonFiniteStateException.class)
                .hasMessageContaining("Jacobian entry (1, 1)").hasMessageContaining("t=0");
    }

    @Test
    void theLuSolvesAndReusesItsFactorization() {
        Random rng = new Random(7);
        int n = 6;
        double[] j = new double[n * n];
        for (int k = 0; k < j.length; k++) {
            j[k] = rng.nextGaussian();
        }
        IterationMatrix m = new IterationMatrix(n);
        assertThat(m.factor(j, 0.3)).isTrue();
        assertThat(m.factor(j, 0.3)).isTrue();
        assertThat(m.factorizations()).as("same hγ: reused").isEqualTo(1);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = x[i];
            for (int k = 0; k < n; k++) {
                b[i] -= 0.3 * j[i * n + k] * x[k];
            }
        }
        m.solve(b);
        for (int i = 0; i < n; i++) {
            assertThat(b[i]).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-12));
        }
        m.invalidate();
        assertThat(m.factor(j, 0.3)).isTrue();
        assertThat(m.factorizations()).isEqualTo(2);
    }

    @Test
    void aSingularMatrixIsReported() {
        IterationMatrix m = new IterationMatrix(2);
        // I − 1·J with J = diag(1, 0.5): the first pivot is exactly 0
        assertThat(m.factor(new double[] {1, 0, 0, 0.5}, 1.0)).isFalse();
        assertThat(m.singularPivot()).isEqualTo(0);
        assertThat(m.factor(new double[] {1, 0, 0, 0.5}, 0.5)).isTrue();
        assertThat(m.singularPivot()).isEqualTo(-1);
    }

    /**
     * A step near {@code h} for which {@code λ = fl(1/(hγ))} gives {@code fl(hγ·λ) = 1} exactly, so that the
     * iteration matrix {@code 1 − hγλ} is exactly 0 (true for about half of all doubles h).
     */
    private static double singularStep(double h, double gamma) {
        double x = h;
        for (int k = 0; k < 1000; k++) {
            double hg = x * gamma;
            if (1.0 - hg * (1.0 / hg) == 0.0) {
                return x;
            }
            x = Math.nextUp(x);
        }
        throw new AssertionError("no singular step found near " + h);
    }

    /** y' = λy with its Jacobian λ. */
    private static final class Growth implements OdeSystem, Jacobian {
        final double lambda;

        Growth(double lambda) {
            this.lambda = lambda;
        }

        @Override
        public void derivative(double t, double[] y, double[] d) {
            d[0] = lambda * y[0];
        }

        @Override
        public void jacobian(double t, double[] y, double[] j) {
            j[0] = lambda;
        }
    }

    @Test
    void aSingularIterationMatrixAtAFixedStepIsAClearError() {
        double h = singularStep(0.5, ImplicitMethods.RODAS5P.gamma());
        Growth f = new Growth(1.0 / (h * ImplicitMethods.RODAS5P.gamma()));
        assertThatThrownBy(() -> OdeSolvers.solve(f, new double[] {1}, new double[] {0, 4 * h},
                SolverOptions.builder().method("rodas5p").stepSize(h).build()))
                .isInstanceOfSatisfying(SingularIterationMatrixException.class, e -> {
                    assertThat(e.time()).isZero();
                    assertThat(e.stepSize()).isEqualTo(h);
                    assertThat(e.getMessage()).contains("singular", "t=0.0", "h=" + h, "rodas5p");
                });
    }

    @Test
    void aSingularIterationMatrixRejectsTheAdaptiveStepAndRetriesSmaller() {
        double h = singularStep(0.125, Rosenbrock23.D);
        Growth f = new Growth(1.0 / (h * Rosenbrock23.D));
        double t1 = 2.0 / f.lambda;
        OdeSolution s = OdeSolvers.solve(f, new double[] {1}, new double[] {0, t1},
                SolverOptions.builder().method("rosenbrock23").firstStep(h).rtol(1e-8).atol(1e-10).build());
        assertThat(s.stats().rejectedSteps()).isPositive();
        assertThat(s.state(1)[0]).isCloseTo(Math.exp(2), org.assertj.core.data.Offset.offset(1e-5 * Math.exp(2)));
    }
}
