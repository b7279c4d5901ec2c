package dev.neuralode.models.ode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Init;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.solvers.SolverOptions;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The ODE block and the encoder → ODE block → decoder composition against closed forms. */
class OdeBlockTest {

    static final SolverOptions TIGHT = SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();

    /** {@code dh/dt = A h} with {@code A = [[0, ω], [-ω, 0]]}: h(t) is h0 rotated by angle ωt. */
    static OdeFunction rotation(double omega) {
        Linear lin = new Linear(2, 2, false, Init.zeros(), new Random(0));
        lin.param("weight").value().set(0, 1, omega);
        lin.param("weight").value().set(1, 0, -omega);
        return OdeFunction.of(lin);
    }

    @Test
    void blockReturnsTheFinalStateOrTheStatesAtGivenTimes() {
        double omega = 1.3;
        OdeBlock block = new OdeBlock(rotation(omega), 0.0, 2.0, TIGHT, GradientMethod.adjoint());
        double[][] h0 = {{1.0, 0.0}, {0.3, -0.8}};
        Tape tape = new Tape();
        Tensor h1 = block.forward(tape.constant(h0));
        double[] times = {0.0, 0.5, 1.3, 2.0};
        OdeSolveResult traj = block.trajectory(tape.constant(h0), times);
        assertThat(traj.size()).isEqualTo(4);
        for (int k = 0; k < times.length; k++) {
            double c = Math.cos(omega * times[k]);
            double s = Math.sin(omega * times[k]);
            for (int b = 0; b < 2; b++) {
                double x = c * h0[b][0] + s * h0[b][1];
                double y = -s * h0[b][0] + c * h0[b][1];
                assertThat(traj.at(k).get(b, 0)).isCloseTo(x, within(1e-8));
                assertThat(traj.at(k).get(b, 1)).isCloseTo(y, within(1e-8));
                if (k == times.length - 1) {
                    assertThat(h1.get(b, 0)).isCloseTo(x, within(1e-8));
                    assertThat(h1.get(b, 1)).isCloseTo(y, within(1e-8));
                }
            }
        }
        assertThat(block.lastResult()).isSameAs(traj);
        assertThat(block.nfe()).isPositive();
        assertThatThrownBy(() -> new OdeBlock(rotation(1), 1.0, 1.0, TIGHT, GradientMethod.direct()))
                .hasMessageContaining("invalid interval [1.0, 1.0]");
    }

    @Test
    void neuralOdeIsEncoderThenOdeBlockThenDecoder() {
        Linear enc = new Linear(3, 2, new Random(1));
        Linear dec = new Linear(2, 1, new Random(2));
        NeuralOde model = new NeuralOde(enc, new OdeBlock(rotation(0.9), 0.0, 1.0, TIGHT, GradientMethod.direct()),
                dec);
        assertThat(model.namedParameters().keySet()).containsExactly("encoder.weight", "encoder.bias",
                "ode.func.net.weight", "decoder.weight", "decoder.bias");
        double[] x = {0.5, -1.0, 2.0};
        Tensor y = model.forward(new Tape().constant(1, 3, x));
        // by hand: h0 = W_e x + b_e, rotate by 0.9 rad, then w_d · h1 + b_d
        DMatrixRMaj we = model.namedParameters().get("encoder.weight").value();
        DMatrixRMaj be = model.namedParameters().get("encoder.bias").value();
        double[] h0 = new double[2];
        for (int i = 0; i < 2; i++) {
            h0[i] = be.get(0, i);
            for (int j = 0; j < 3; j++) {
                h0[i] += we.get(i, j) * x[j];
            }
        }
        double c = Math.cos(0.9);
        double s = Math.sin(0.9);
        double[] h1 = {c * h0[0] + s * h0[1], -s * h0[0] + c * h0[1]};
        DMatrixRMaj wd = model.namedParameters().get("decoder.weight").value();
        double expected = model.namedParameters().get("decoder.bias").value().get(0, 0)
                + wd.get(0, 0) * h1[0] + wd.get(0, 1) * h1[1];
        assertThat(y.get(0, 0)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void dynamicsOfTheWrongWidthAreReported() {
        OdeFunction bad = OdeFunction.of(Mlp.builder(2).hidden(4).out(3).build());
        OdeBlock block = new OdeBlock(bad, TIGHT, GradientMethod.direct());
        assertThatThrownBy(() -> block.forward(new Tape().constant(new DMatrixRMaj(4, 2))))
                .hasMessageContaining("ODE function 'func'").hasMessageContaining("state of shape 4x2")
                .hasMessageContaining("returned shape 4x3");
    }
}
