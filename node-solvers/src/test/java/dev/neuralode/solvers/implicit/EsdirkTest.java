package dev.neuralode.solvers.implicit;

import dev.neuralode.core.Jacobian;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.testkit.OrderConditions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kvaerno5's and radau5's coefficients by Butcher's order conditions (they hold for implicit Runge–Kutta matrices
 * as for explicit ones), and its Newton iteration's failure handling: a diverging iteration rejects
 * the step and retries smaller; at a fixed step it is an error naming t and h.
 */
class EsdirkTest {

    @Test
    void kvaerno5IsOfOrderFiveWithAnEmbeddedOrderFour() {
        EsdirkTableau t = ImplicitMethods.KVAERNO5;
        double[][] a = t.a();
        for (int p = 1; p <= 5; p++) {
            assertThat(OrderConditions.worstResidual(a, t.b(), p)).as("order %d of b", p).isLessThan(1e-12);
        }
        assertThat(OrderConditions.worstResidual(a, t.b(), 6)).isGreaterThan(1e-6);
        for (int p = 1; p <= 4; p++) {
            assertThat(OrderConditions.worstResidual(a, t.bHat(), p)).as("order %d of b^", p).isLessThan(1e-12);
        }
        assertThat(OrderConditions.worstResidual(a, t.bHat(), 5)).isGreaterThan(1e-6);
    }

    @Test
    void kvaerno5RowSumsAreItsNodesAndItIsStifflyAccurate() {
        EsdirkTableau t = ImplicitMethods.KVAERNO5;
        double[][] a = t.a();
        double[] c = t.c();
        for (int i = 0; i < a.length; i++) {
            double sum = 0;
            for (double v : a[i]) {
                sum += v;
            }
            assertThat(sum).as("row %d", i).isCloseTo(c[i], org.assertj.core.data.Offset.offset(1e-14));
        }
        assertThat(a[a.length - 1]).containsExactly(t.b());
        assertThat(t.gamma()).isEqualTo(0.26);
    }

    /** y' = −λ (y − cos t) − sin t (exact cos t) with a deliberately wrong Jacobian 0: Newton becomes a
     *  fixed-point iteration that converges only when hγλ < 1. */
    private static final class WrongJacobian implements OdeSystem, Jacobian {
        final double lambda;

        WrongJacobian(double lambda) {
            this.lambda = lambda;
        }

        @Override
        public void derivative(double t, double[] y, double[] d) {
            d[0] = -lambda * (y[0] - Math.cos(t)) - Math.sin(t);
        }

        @Override
        public void jacobian(double t, double[] y, double[] j) {
            j[0] = 0;
        }
    }

    @Test
    void aDivergingNewtonIterationRejectsTheStepAndRetriesSmaller() {
        WrongJacobian f = new WrongJacobian(100);
        OdeSolution s = OdeSolvers.solve(f, new double[] {1}, new double[] {0, 1},
                SolverOptions.builder().method("kvaerno5").firstStep(0.1).rtol(1e-8).atol(1e-10).build());
        assertThat(s.stats().newtonFailures()).isPositive();
        assertThat(s.stats().rejectedSteps()).isPositive();
        assertThat(s.state(1)[0]).isCloseTo(Math.cos(1), org.assertj.core.data.Offset.offset(1e-7));
    }

    @Test
    void aDivergingNewtonIterationAtAFixedStepIsAnErrorNamingTAndH() {
        WrongJacobian f = new WrongJacobian(100);
        assertThatThrownBy(() -> OdeSolvers.solve(f, new double[] {1}, new double[] {0, 1},
                SolverOptions.builder().method("kvaerno5").stepSize(0.25).build()))
                .isInstanceOfSatisfying(NewtonConvergenceException.class, e -> {
                    assertThat(e.time()).isZero();
                    assertThat(e.stepSize()).isEqualTo(0.25);
                    assertThat(e.getMessage()).contains("kvaerno5", "does not converge", "t=0.0", "h=0.25");
                });
    }

    @Test
    void theJacobianIsKeptAcrossStepsAndRefreshedWhenNewtonStruggles() {
        OdeSolution s = OdeSolvers.solve(StiffProblems.HIRES, StiffProblems.HIRES_Y0, new double[] {0, 321.8122},
                SolverOptions.builder().method("kvaerno5").rtol(1e-7).atol(1e-9).build());
        assertThat(s.stats().jacobianEvaluations()).isPositive().isLessThan(s.stats().acceptedSteps() / 2);
        assertThat(s.stats().newtonIterations()).isGreaterThanOrEqualTo(6 * s.stats().totalSteps());
        assertThat(StiffProblems.digits(s.state(1), StiffProblemsTest.HIRES_END)).isGreaterThan(5.0);
    }

    @Test
    void radau5IsOfOrderFiveAndItsTransformationBlockDiagonalisesTheInverse() {
        Radau5 r = ImplicitMethods.RADAU5;
        double[][] a = r.a();
        double[] b = a[2].clone();           // stiffly accurate: b is the last row
        for (int p = 1; p <= 5; p++) {
            assertThat(OrderConditions.worstResidual(a, b, p)).as("order %d", p).isLessThan(1e-13);
        }
        assertThat(OrderConditions.worstResidual(a, b, 6)).isGreaterThan(1e-6);
        double[][] inv = RosenbrockCoefficientsTest.invertLower(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        // T⁻¹ A⁻¹ T = [[γ, 0, 0], [0, α, −β], [0, β, α]]  ⇔  A T D = T with D that block matrix
        double[] e = r.inverseEigenvalues();
        double[][] d = {{e[0], 0, 0}, {0, e[1], -e[2]}, {0, e[2], e[1]}};
        double[][] t = r.t();
        double[][] atd = RosenbrockCoefficientsTest.multiply(RosenbrockCoefficientsTest.multiply(a, t), d);
        double[][] tti = RosenbrockCoefficientsTest.multiply(t, r.tInverse());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(atd[i][j]).as("(A T D)_%d%d", i, j).isCloseTo(t[i][j], org.assertj.core.data.Offset.offset(1e-14));
                assertThat(tti[i][j]).as("(T T^-1)_%d%d", i, j).isCloseTo(inv[i][j], org.assertj.core.data.Offset.offset(1e-14));
            }
        }
        double sum = 0;
        for (int j = 0; j < 3; j++) {
            sum += a[0][j];
        }
        assertThat(sum).isCloseTo(r.c()[0], org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void radau5KeepsItsJacobianAndCountsNewton() {
        OdeSolution s = OdeSolvers.solve(StiffProblems.HIRES, StiffProblems.HIRES_Y0, new double[] {0, 321.8122},
                SolverOptions.builder().method("radau5").rtol(1e-8).atol(1e-10).build());
        assertThat(s.stats().jacobianEvaluations()).isPositive().isLessThan(s.stats().acceptedSteps() / 2);
        assertThat(s.stats().newtonIterations()).isGreaterThanOrEqualTo(s.stats().totalSteps());
        assertThat(StiffProblems.digits(s.state(1), StiffProblemsTest.HIRES_END)).isGreaterThan(7.0);
    }
}
