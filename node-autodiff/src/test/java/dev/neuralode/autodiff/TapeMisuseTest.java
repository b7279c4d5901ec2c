package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Misuses that used to give a silently wrong or empty gradient, or an exception far from the cause
 * (issue 13, items 3, 5 and 6): each is now an {@link IllegalStateException} that says what happened.
 */
class TapeMisuseTest {

    private static DMatrixRMaj m(int r, int c, double... v) {
        return new DMatrixRMaj(r, c, true, v);
    }

    // ---------------------------------------------------------------- item 3: noGrad results

    @Test
    void backwardOfAResultComputedUnderNoGradIsAnError() {
        Parameter w = new Parameter("w", m(1, 2, 1, 2));
        Tape tape = new Tape();
        Tensor loss;
        try (Tape.Scope s = tape.noGrad()) {
            loss = tape.constant(m(1, 2, 3, 4)).mul(tape.param(w)).sum();
        }
        assertThatThrownBy(() -> tape.backward(loss))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("noGrad()")
                .hasMessageContaining("1x1");
        assertThat(w.grad().data).containsOnly(0.0);
    }

    @Test
    void backwardOfConstantsOnlyIsAnError() {
        Tape tape = new Tape();
        Tensor loss = tape.constant(m(1, 2, 3, 4)).square().sum();
        assertThatThrownBy(() -> tape.backward(loss, null, false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("constants only");
    }

    @Test
    void aNoGradPartInsideARecordedLossIsFine() {
        Parameter w = new Parameter("w", m(1, 2, 1, 2));
        Tape tape = new Tape();
        Tensor scale;
        try (Tape.Scope s = tape.noGrad()) {
            scale = tape.param(w).sum();            // 3, treated as a constant
        }
        tape.backward(tape.param(w).mul(scale).sum());
        assertThat(w.grad().data).containsExactly(3.0, 3.0);
    }

    // ---------------------------------------------------------------- item 5: version counter

    @Test
    void aParameterChangedInPlaceBetweenForwardAndBackwardIsNamed() {
        Parameter w = new Parameter("encoder.0.weight", m(1, 2, 1, 2));
        Tape tape = new Tape();
        Tensor x = tape.constant(m(1, 2, 3, 4));
        Tensor loss = tape.param(w).square().mul(x).sum();
        w.setValue(m(1, 2, 10, 20));                 // as an optimizer step between forward and backward
        assertThatThrownBy(() -> tape.backward(loss))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'encoder.0.weight'")
                .hasMessageContaining("modified in place")
                .hasMessageContaining("version 0 then, 1 now");
        assertThat(w.grad().data).containsOnly(0.0);
    }

    @Test
    void directWritesAreSeenAfterMarkModified() {
        Parameter w = new Parameter("w", m(1, 2, 1, 2));
        Tape tape = new Tape();
        Tensor loss = tape.param(w).square().sum();
        w.value().data[0] = 5;
        w.markModified();
        assertThat(w.version()).isEqualTo(1);
        assertThatThrownBy(() -> tape.gradients(loss, null, false, tape.param(w)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'w'");
    }

    @Test
    void aChangeBeforeTheForwardPassOrOnATapeThatRecordedNothingIsFine() {
        Parameter w = new Parameter("w", m(1, 2, 1, 2));
        Tape scratch = new Tape();
        try (Tape.Scope s = scratch.noGrad()) {
            scratch.param(w).square().sum();          // read, nothing recorded
        }
        w.setValue(m(1, 2, 2, 3));
        Tape tape = new Tape();
        tape.backward(tape.param(w).square().sum());
        assertThat(w.grad().data).containsExactly(4.0, 6.0);
        w.setValue(m(1, 2, 1, 1));                    // after backward: the next step's business
        assertThatCode(() -> {
            Tape next = new Tape();
            next.backward(next.param(w).sum());
        }).doesNotThrowAnyException();
    }

    // ---------------------------------------------------------------- item 6: custom op results

    private static Op op(String name, java.util.function.Function<DMatrixRMaj[], DMatrixRMaj> forward) {
        return new Op() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DMatrixRMaj forward(DMatrixRMaj[] inputs) {
                return forward.apply(inputs);
            }

            @Override
            public Tensor[] backward(Tensor gradOutput, Tensor[] inputs, Tensor output, boolean[] needsGrad) {
                return new Tensor[] {gradOutput};
            }
        };
    }

    @Test
    void aCustomOpWhoseForwardReturnsNullIsRejectedAtApply() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(2, 3, 1, 2, 3, 4, 5, 6));
        assertThatThrownBy(() -> tape.apply(op("myop", in -> null), x))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("op 'myop'")
                .hasMessageContaining("returned null")
                .hasMessageContaining("2x3");
        assertThat(tape.size()).isZero();
    }

    @Test
    void aCustomOpWhoseResultIsMalformedIsRejectedAtApply() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(2, 3, 1, 2, 3, 4, 5, 6));
        Op bad = op("badshape", in -> {
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            out.numRows = 4;                            // shape says 4x4, data holds one value
            out.numCols = 4;
            return out;
        });
        assertThatThrownBy(() -> tape.apply(bad, x))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("op 'badshape'")
                .hasMessageContaining("4x4");
    }

    // ---------------------------------------------------------------- item 4: gradients of unrecorded work

    @Test
    void gradientsWithRespectToATensorComputedUnderNoGradIsAnError() {
        // what a dynamics that takes its own Jacobian trace sees on the solver's no-grad scratch tape:
        // the state is a constant and nothing is recorded; the gradient used to come back as zeros
        Tape tape = new Tape();
        tape.noGrad();
        Tensor h = tape.constant(m(2, 3, 1, 2, 3, 4, 5, 6));
        Tensor z = h.sliceCols(0, 2);
        Tensor f = z.tanh().mul(z);
        assertThatThrownBy(() -> tape.gradients(f.sliceCols(0, 1).sum(), null, true, z))
                .isInstanceOf(UnrecordedGraphException.class)
                .hasMessageContaining("wrt[0] (shape 2x2) requires no gradient")
                .hasMessageContaining("no-grad mode")
                .hasMessageContaining("tape.variable");
    }

    @Test
    void gradientsOfAnOutputComputedUnderNoGradIsAnError() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 2, 0.5, -1));
        Tensor y;
        try (Tape.Scope s = tape.noGrad()) {
            y = x.square().sum();
        }
        assertThatThrownBy(() -> tape.gradients(y, null, false, x))
                .isInstanceOf(UnrecordedGraphException.class)
                .hasMessageContaining("noGrad()")
                .hasMessageContaining("1x1");
        // recorded, the same gradient is 2x; a variable the output does not depend on gets zeros
        Tensor other = tape.variable(m(1, 1, 7));
        Tensor[] g = tape.gradients(x.square().sum(), null, false, x, other);
        assertThat(g[0].value().data).containsExactly(1.0, -2.0);
        assertThat(g[1].value().data).containsExactly(0.0);
    }
}
