package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class BadInputTest {

    private final GradientProblems.Mlp f = new GradientProblems.Mlp(2, 4, 1, false);
    private final SolverOptions o = SolverOptions.defaults();

    @Test
    void nonMonotoneTimesAreRejectedNamingTheIndex() {
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, 2));
        assertThatThrownBy(() -> OdeSolve.solve(f, y0, new double[] {0, 1, 0.5}, o, GradientMethod.adjoint()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("times[2]=0.5");
        assertThatThrownBy(() -> OdeSolve.solve(f, y0, new double[] {0, 0, 1}, o, GradientMethod.direct()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equal");
        assertThatThrownBy(() -> OdeSolve.solve(f, y0, new double[] {0, Double.NaN}, o, GradientMethod.direct()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output time 1");
    }

    @Test
    void timesMustBeAVectorOnTheSameTape() {
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, 2));
        assertThatThrownBy(() -> OdeSolve.solve(f, y0, tape.constant(new DMatrixRMaj(2, 2)), o,
                GradientMethod.adjoint())).hasMessageContaining("2x2");
        assertThatThrownBy(() -> OdeSolve.solve(f, y0, new Tape().scalar(1), o, GradientMethod.adjoint()))
                .hasMessageContaining("different tapes");
    }

    @Test
    void dynamicsOfTheWrongShapeIsReported() {
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(3, 2));
        Dynamics wrong = new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                return h.sum(1);
            }

            @Override
            public java.util.List<dev.neuralode.autodiff.Parameter> parameters() {
                return java.util.List.of();
            }
        };
        assertThatThrownBy(() -> OdeSolve.solve(wrong, y0, new double[] {0, 1}, o, GradientMethod.adjoint()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("3x1").hasMessageContaining("3x2");
    }

    @Test
    void parameterWhoseShapeChangedBeforeBackwardIsReported() {
        for (GradientMethod m : Fixtures.methods()) {
            GradientProblems.Mlp g = new GradientProblems.Mlp(2, 4, 1, false);
            Tape tape = new Tape();
            OdeSolveResult r = OdeSolve.solve(g, tape.variable(GradientProblems.random(1, 2, 0.5, new Random(1))),
                    new double[] {0, 1}, o, m);
            g.w1().value().reshape(4, 2); // 2x4 -> 4x2: its gradient can no longer match
            assertThatThrownBy(() -> tape.backward(r.at(1).sum()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'w1'").hasMessageContaining("4x2").hasMessageContaining("2x4");
        }
    }

    @Test
    void invalidMethodOptions() {
        assertThatThrownBy(() -> GradientMethod.checkpointed(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> GradientMethod.adjoint(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
