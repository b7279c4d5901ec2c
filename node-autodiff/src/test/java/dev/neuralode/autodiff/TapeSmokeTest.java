package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TapeSmokeTest {

    static DMatrixRMaj random(int r, int c, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }

    @Test
    void mlpGradientMatchesFiniteDifferences() {
        Random rnd = new Random(1);
        DMatrixRMaj x = random(5, 2, rnd);
        DMatrixRMaj w1 = random(2, 7, rnd);
        DMatrixRMaj b1 = random(1, 7, rnd);
        DMatrixRMaj w2 = random(7, 2, rnd);
        var r = GradientCheck.firstOrder(
                xs -> xs[0].pow(3).matmul(xs[1]).add(xs[2]).tanh().matmul(xs[3]).abs().mean(),
                new DMatrixRMaj[]{x, w1, b1, w2}, 1e-6);
        assertThat(r.maxError()).as(r.toString()).isLessThan(1e-7);
        var r2 = GradientCheck.secondOrder(
                xs -> xs[0].matmul(xs[1]).add(xs[2]).tanh().matmulTransB(xs[3].transpose()).square().mean(),
                new DMatrixRMaj[]{x, w1, b1, w2}, 1e-5, 3);
        assertThat(r2.maxError()).as(r2.toString()).isLessThan(1e-6);
    }

    @Test
    void parametersAccumulateAcrossTapes() {
        Parameter p = new Parameter("w", new DMatrixRMaj(1, 1, true, 3.0));
        for (int i = 0; i < 2; i++) {
            Tape tape = new Tape();
            Tensor w = tape.param(p);
            tape.backward(w.mul(w).sum()); // d(w^2)/dw = 6
        }
        assertThat(p.grad().get(0, 0)).isEqualTo(12.0);
        Tape tape = new Tape();
        tape.backward(tape.param(p).sum());
        assertThatThrownBy(() -> tape.param(p)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released");
    }

    @Test
    void shapeErrorsNameOpAndShapes() {
        Tape tape = new Tape();
        Tensor a = tape.constant(new DMatrixRMaj(2, 3));
        Tensor b = tape.constant(new DMatrixRMaj(4, 3));
        assertThatThrownBy(() -> a.add(b)).hasMessageContaining("'add'").hasMessageContaining("2x3")
                .hasMessageContaining("4x3");
        assertThatThrownBy(() -> a.matmul(b)).hasMessageContaining("'matmul'");
    }
}
