package dev.neuralode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CoreContractsTest {

    @Test
    void solutionIsDefensivelyCopied() {
        double[] times = {0.0, 1.0};
        double[][] states = {{1.0, 2.0}, {3.0, 4.0}};
        OdeSolution s = new OdeSolution(times, states, new SolverStats(6, 1, 0));
        times[0] = 99;
        states[1][0] = 99;
        assertThat(s.times()).containsExactly(0.0, 1.0);
        assertThat(s.state(1)).containsExactly(3.0, 4.0);
        s.states()[0][0] = -1;
        assertThat(s.state(0)).containsExactly(1.0, 2.0);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.dimension()).isEqualTo(2);
    }

    @Test
    void solutionRejectsMismatchedShapes() {
        assertThatThrownBy(() -> new OdeSolution(new double[]{0, 1}, new double[][]{{1}},
                SolverStats.ZERO)).hasMessageContaining("2 times but 1 states");
        assertThatThrownBy(() -> new OdeSolution(new double[]{0, 1}, new double[][]{{1}, {1, 2}},
                SolverStats.ZERO)).hasMessageContaining("state 1 has length 2");
        OdeSolution s = new OdeSolution(new double[]{0}, new double[][]{{1}}, SolverStats.ZERO);
        assertThatThrownBy(() -> s.state(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("output index 3");
    }

    @Test
    void statsAddAndValidate() {
        SolverStats a = new SolverStats(10, 2, 1);
        assertThat(a.plus(new SolverStats(5, 1, 0))).isEqualTo(new SolverStats(15, 3, 1));
        assertThat(a.totalSteps()).isEqualTo(3);
        assertThatThrownBy(() -> new SolverStats(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionsNameTimeStepAndComponent() {
        NonFiniteStateException e = new NonFiniteStateException("derivative", 2.5, 0.1, 3, Double.NaN);
        assertThat(e).hasMessageContaining("t=2.5").hasMessageContaining("component 3")
                .hasMessageContaining("h=0.1");
        assertThat(e.component()).isEqualTo(3);
        assertThat(e.time()).isEqualTo(2.5);
        assertThat(new StepSizeUnderflowException(1.0, 1e-17, 0))
                .hasMessageContaining("t=1.0").hasMessageContaining("component 0");
        assertThat(new MaxStepsExceededException(100, 3.0, 0.01, 10.0))
                .hasMessageContaining("(100)").hasMessageContaining("t=3.0");
        assertThat(NonFiniteStateException.firstNonFinite(new double[]{1, 2, Double.POSITIVE_INFINITY}))
                .isEqualTo(2);
        assertThat(NonFiniteStateException.firstNonFinite(new double[]{1})).isEqualTo(-1);
    }

    @Test
    void nonFiniteStateCarriesItsQuantityAndPass() {
        NonFiniteStateException e = new NonFiniteStateException("derivative", 2.5, 0.1, 3, Double.NaN);
        assertThat(e.quantity()).isEqualTo("derivative");
        assertThat(e.pass()).isNull();
        NonFiniteStateException p = e.inPass("forward pass of the ODE solve");
        assertThat(p.pass()).isEqualTo("forward pass of the ODE solve");
        assertThat(p.quantity()).isEqualTo("derivative");
        assertThat(p).hasMessage("forward pass of the ODE solve: derivative is not finite at t=2.5: component 3"
                + " = NaN (step size h=0.1)").hasCause(e);
        assertThat(p.time()).isEqualTo(2.5);
        assertThat(p.stepSize()).isEqualTo(0.1);
        assertThat(p.component()).isEqualTo(3);
        // a pass already named is kept
        assertThat(p.inPass("another pass")).isSameAs(p);
        assertThat(new NonFiniteStateException("state", 1.0, Double.NaN, 0, 1.0 / 0.0))
                .hasMessage("state is not finite at t=1.0: component 0 = Infinity");
    }

    @Test
    void defaultLinearizationEvaluatesAndDefersTheProductToThePoint() {
        // f(t, y) = (t·y0·y1, y0²): aᵀ∂f/∂y = (a0 t y1 + 2 a1 y0, a0 t y0), aᵀ∂f/∂t = a0 y0 y1
        double[] seen = new double[3];
        DifferentiableOdeSystem f = new DifferentiableOdeSystem() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public int parameterCount() {
                return 0;
            }

            @Override
            public void derivative(double t, double[] y, double[] dydt) {
                dydt[0] = t * y[0] * y[1];
                dydt[1] = y[0] * y[0];
            }

            @Override
            public void vectorJacobianProduct(double t, double[] y, double[] a, double[] dydt, double[] aDy,
                                              double[] aDtheta, double[] aDt) {
                seen[0] = t;
                seen[1] = y[0];
                seen[2] = y[1];
                aDy[0] = a[0] * t * y[1] + 2 * a[1] * y[0];
                aDy[1] = a[0] * t * y[0];
                aDt[0] = a[0] * y[0] * y[1];
            }
        };
        double[] y = {2, 3};
        double[] dydt = new double[2];
        Linearization lin = f.linearize(0.5, y, dydt);
        assertThat(dydt).containsExactly(3.0, 4.0);
        y[0] = 99; // the linearization keeps its own copy
        double[] aDy = new double[2];
        double[] aDt = new double[1];
        lin.vectorJacobianProduct(new double[] {1, 10}, aDy, null, aDt);
        assertThat(seen).containsExactly(0.5, 2.0, 3.0);
        assertThat(aDy).containsExactly(41.5, 1.0);
        assertThat(aDt).containsExactly(6.0);
        dydt[0] = -1; // and its own copy of the value
        assertThat(lin.value()).containsExactly(3.0, 4.0);
        assertThat(lin.sizeBytes()).isPositive();
        lin.release();
        lin.release();
        assertThat(lin.sizeBytes()).isZero();
        assertThatThrownBy(lin::value).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
        assertThatThrownBy(() -> lin.vectorJacobianProduct(new double[2], aDy, null, aDt))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    }

    @Test
    void ownedSolutionsCheckTheirShapesAndCopyStatesOut() {
        OdeSolution s = OdeSolution.ofOwned(new double[] {0, 1}, new double[][] {{1, 2}, {3, 4}}, SolverStats.ZERO);
        double[] flat = new double[5];
        s.copyState(1, flat, 2);
        assertThat(flat).containsExactly(0, 0, 3, 4, 0);
        assertThat(s.state(0)).containsExactly(1, 2);
        assertThatThrownBy(() -> s.copyState(2, flat, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("output index 2");
        assertThatThrownBy(() -> OdeSolution.ofOwned(new double[] {0, 1}, new double[][] {{1, 2}, {3}},
                SolverStats.ZERO)).hasMessageContaining("state 1 has length 1");
        assertThatThrownBy(() -> OdeSolution.ofOwned(new double[] {0}, new double[][] {{1}, {2}}, SolverStats.ZERO))
                .hasMessageContaining("1 times but 2 states");
    }

    @Test
    void statsCarryTheImplicitCountersAndAddThem() {
        SolverStats explicit = new SolverStats(10, 2, 1);
        assertThat(explicit.jacobianEvaluations()).isZero();
        assertThat(explicit.factorizations()).isZero();
        assertThat(explicit.newtonIterations()).isZero();
        assertThat(explicit.newtonFailures()).isZero();
        SolverStats implicit = new SolverStats(20, 4, 2, 3, 5, 7, 1);
        assertThat(explicit.plus(implicit)).isEqualTo(new SolverStats(30, 6, 3, 3, 5, 7, 1));
        assertThatThrownBy(() -> new SolverStats(1, 1, 0, 0, -1, 0, 0))
                .hasMessageContaining("factorizations=-1");
    }

    @Test
    void statsCarryTheSwitchingCountersAndAddThem() {
        SolverStats implicit = new SolverStats(20, 4, 2, 3, 5, 7, 1);
        assertThat(implicit.stiffSteps()).isZero();
        assertThat(implicit.methodSwitches()).isZero();
        assertThat(new SolverStats(10, 2, 1).stiffSteps()).isZero();
        SolverStats auto = new SolverStats(50, 12, 3, 4, 6, 0, 0, 5, 2);
        SolverStats sum = auto.plus(implicit);
        assertThat(sum).isEqualTo(new SolverStats(70, 16, 5, 7, 11, 7, 1, 5, 2));
        assertThat(sum.plus(auto).methodSwitches()).isEqualTo(4);
        assertThat(sum.plus(auto).stiffSteps()).isEqualTo(10);
        assertThatThrownBy(() -> new SolverStats(1, 1, 0, 0, 0, 0, 0, -1, 0)).hasMessageContaining("stiffSteps=-1");
        assertThatThrownBy(() -> new SolverStats(1, 1, 0, 0, 0, 0, 0, 0, -2))
                .hasMessageContaining("methodSwitches=-2");
    }

    @Test
    void bandPatternListsTheBand() {
        int[][] p = JacobianPattern.band(4, 1, 2);
        assertThat(p[0]).containsExactly(0, 1, 2);
        assertThat(p[1]).containsExactly(0, 1, 2, 3);
        assertThat(p[3]).containsExactly(2, 3);
        assertThatThrownBy(() -> JacobianPattern.band(3, -1, 0)).hasMessageContaining("lower=-1");
    }

    @Test
    void maxStepsMessageSaysStiffWhenTold() {
        MaxStepsExceededException plain = new MaxStepsExceededException(10, 1.0, 0.1, 2.0);
        assertThat(plain.looksStiff()).isFalse();
        assertThat(plain.getMessage()).contains("raise maxSteps");
        MaxStepsExceededException stiff = new MaxStepsExceededException(10, 1.0, 0.1, 2.0, "use rodas5p");
        assertThat(stiff.looksStiff()).isTrue();
        assertThat(stiff.getMessage()).contains("looks stiff (use rodas5p)").doesNotContain("raise maxSteps");
    }
}
