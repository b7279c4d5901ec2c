package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * {@link Tape#close()} and {@link Tape#recycle()}: arrays come back only from tapes declared dead,
 * later tapes reuse them, and nothing that outlives a tape (parameters, leaves, open tapes) is
 * touched. Every op's results with recycled arrays are checked in {@code OpRegistryTest}.
 */
class RecyclingTest {

    private static DMatrixRMaj random(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }

    private static Set<double[]> identities(List<double[]> arrays) {
        Set<double[]> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(arrays);
        return s;
    }

    /** A small layer on {@code tape}: {@code tanh(x W + b)}. */
    private static Tensor layer(Tape tape, DMatrixRMaj x, Parameter w, Parameter b) {
        return tape.constant(x).affine(tape.param(w), tape.param(b)).tanh();
    }

    @Test
    void aClosedTapesArraysServeTheNextTapeAndGiveTheSameValues() {
        DMatrixRMaj x = random(7, 3, 1);
        Parameter w = new Parameter("w", random(3, 11, 2));
        Parameter b = new Parameter("b", random(1, 11, 3));
        Tape first = new Tape();
        DMatrixRMaj expected = layer(first, x, w, b).value().copy();
        Set<double[]> firstArrays = identities(first.ownedArrays());
        assertThat(first.ownedBytes()).isEqualTo(2L * 7 * 11 * 8);
        first.close();

        Tape second = new Tape();
        Tensor y = layer(second, x, w, b);
        assertThat(firstArrays.contains(y.value().data))
                .as("the second tape's result lives in one of the first tape's arrays").isTrue();
        assertThat(y.value().data).containsExactly(expected.data);
        second.close();
    }

    @Test
    void anOpenTapesArraysAreNeverReused() {
        DMatrixRMaj x = random(5, 2, 4);
        Parameter w = new Parameter("w", random(2, 9, 5));
        Parameter b = new Parameter("b", random(1, 9, 6));
        Tape open = new Tape();
        Tensor kept = layer(open, x, w, b);
        DMatrixRMaj copy = kept.value().copy();
        Tape other = new Tape();
        layer(other, x, w, b);
        other.close();
        for (int i = 0; i < 3; i++) {
            Tape t = new Tape();
            Tensor y = layer(t, x, w, b);
            assertThat(identities(open.ownedArrays()).contains(y.value().data)).isFalse();
            y.value().data[0] = 1e300; // scribble on a reused array
            t.close();
        }
        assertThat(kept.value().data).containsExactly(copy.data);
    }

    @Test
    void parameterGradientsAndLeavesOutliveTheTape() {
        DMatrixRMaj x = random(4, 3, 7);
        Parameter w = new Parameter("w", random(3, 6, 8));
        Parameter b = Parameter.zeros("b", 1, 6);
        DMatrixRMaj gw;
        DMatrixRMaj leafValue = x.copy();
        try (Tape tape = new Tape()) {
            tape.backward(layer(tape, x, w, b).sum());
            gw = w.grad().copy();
        }
        for (int i = 0; i < 3; i++) {
            try (Tape tape = new Tape()) {
                Tensor y = layer(tape, x, w, b);
                java.util.Arrays.fill(y.value().data, Double.NaN);
            }
        }
        assertThat(w.grad().data).containsExactly(gw.data);
        assertThat(x.data).containsExactly(leafValue.data);
    }

    @Test
    void recycleKeepsTheTapeUsableAndCloseEndsIt() {
        Tape tape = new Tape();
        Tensor c = tape.constant(random(3, 3, 9));
        double first = c.tanh().sum().item();
        tape.recycle();
        assertThat(tape.ownedBytes()).isZero();
        assertThat(c.tanh().sum().item()).as("leaves keep their arrays").isEqualTo(first);
        tape.close();
        tape.close(); // idempotent
        assertThatThrownBy(c::tanh).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(tape::recycle).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void arraysAllocatedOutsideATapesOpsAreNotCollected() {
        Tape tape = new Tape();
        tape.constant(random(2, 2, 10));
        tape.variable(random(2, 2, 11));
        assertThat(tape.ownedArrays()).isEmpty();
        assertThat(Buffers.zeros(3, 3).data).hasSize(9);
        assertThat(tape.ownedArrays()).isEmpty();
        tape.close();
    }
}
