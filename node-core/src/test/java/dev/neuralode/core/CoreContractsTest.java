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
}
