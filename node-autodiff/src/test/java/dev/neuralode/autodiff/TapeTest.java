package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TapeTest {

    private static DMatrixRMaj m(int r, int c, double... v) {
        return new DMatrixRMaj(r, c, true, v);
    }

    @Test
    void rowColumnAndScalarBroadcastingSumGradientsBack() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(2, 3, 1, 2, 3, 4, 5, 6));
        Tensor row = tape.variable(m(1, 3, 10, 20, 30));
        Tensor col = tape.variable(m(2, 1, 100, 200));
        Tensor s = tape.variable(m(1, 1, 2));
        Tensor y = x.add(row).add(col).mul(s);
        assertThat(y.get(1, 2)).isEqualTo((6 + 30 + 200) * 2.0);
        tape.backward(y.sum());
        assertThat(x.grad().toArray()).isEqualTo(new double[][]{{2, 2, 2}, {2, 2, 2}});
        assertThat(row.grad().toArray()).isEqualTo(new double[][]{{4, 4, 4}});
        assertThat(col.grad().toArray()).isEqualTo(new double[][]{{6}, {6}});
        // d/ds Σ (x + row + col) = sum of all elements of x + row + col
        double expected = 21 + 2 * 60 + 3 * 300;
        assertThat(s.grad().item()).isEqualTo(expected);
    }

    @Test
    void tensorUsedTwiceAccumulates() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 2, 3, -1));
        Tensor y = x.mul(x).add(x.scale(5)).add(x.sin()); // x² + 5x + sin x
        tape.backward(y.sum());
        assertThat(x.grad().get(0, 0)).isCloseTo(2 * 3 + 5 + Math.cos(3), within(1e-14));
        assertThat(x.grad().get(0, 1)).isCloseTo(-2 + 5 + Math.cos(-1), within(1e-14));
        // and across two backward sweeps (retain graph), leaf gradients add up
        Tape t2 = new Tape();
        Tensor z = t2.variable(m(1, 1, 2));
        Tensor q = z.square();
        t2.backward(q, null, true, false);
        t2.backward(q, null, true, false);
        assertThat(z.grad().item()).isEqualTo(8.0);
        z.zeroGrad();
        assertThat(z.grad()).isNull();
    }

    @Test
    void manyParametersOnOneTapeEachKeepOneLeafAndGetTheirGradient() {
        // more parameters than the tape scans linearly: the leaves move to a map midway
        int count = 40;
        Parameter[] ps = new Parameter[count];
        for (int i = 0; i < count; i++) {
            ps[i] = new Parameter("p" + i, m(1, 1, i + 1));
        }
        Tape tape = new Tape();
        Tensor[] first = new Tensor[count];
        Tensor total = null;
        for (int i = 0; i < count; i++) {
            first[i] = tape.param(ps[i]);
            for (int j = 0; j <= i; j++) {
                assertThat(tape.param(ps[j])).as("leaf of p%d after %d parameters", j, i + 1).isSameAs(first[j]);
            }
            Tensor term = first[i].square(); // d/dp (p²) = 2p
            total = total == null ? term : total.add(term);
        }
        tape.backward(total.sum());
        for (int i = 0; i < count; i++) {
            assertThat(ps[i].grad().get(0, 0)).isEqualTo(2.0 * (i + 1));
        }
    }

    @Test
    void parameterSharedBetweenTapesAccumulatesUntilZeroed() {
        Parameter w = new Parameter("w", m(1, 2, 1, 2));
        for (int i = 1; i <= 3; i++) {
            Tape tape = new Tape();
            Tensor wt = tape.param(w);
            assertThat(tape.param(w)).isSameAs(wt);
            Tensor x = tape.constant(m(1, 2, i, i));
            tape.backward(wt.mul(x).sum());
        }
        assertThat(w.grad().data).containsExactly(6, 6);
        w.zeroGrad();
        assertThat(w.grad().data).containsExactly(0, 0);
        // an in-place update of the value is seen by the next tape
        w.value().set(0, 0, 5);
        Tape tape = new Tape();
        assertThat(tape.param(w).get(0, 0)).isEqualTo(5);
    }

    @Test
    void fusedLayersMatchTheirComposition() {
        java.util.Random rnd = new java.util.Random(4);
        DMatrixRMaj x = TapeSmokeTest.random(5, 3, rnd);
        DMatrixRMaj w = TapeSmokeTest.random(3, 4, rnd);
        DMatrixRMaj b = TapeSmokeTest.random(1, 4, rnd);
        Tape tape = new Tape();
        Tensor xt = tape.constant(x);
        Tensor wt = tape.constant(w);
        Tensor bt = tape.constant(b);
        double[][] fused = xt.affine(wt, bt).toArray();
        double[][] plain = xt.matmul(wt).add(bt).toArray();
        double[][] lin = xt.linear(wt.transpose(), bt).toArray();
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 4; c++) {
                assertThat(fused[r][c]).isCloseTo(plain[r][c], within(1e-14));
                assertThat(lin[r][c]).isCloseTo(plain[r][c], within(1e-14));
            }
        }
    }

    /** A custom op defined outside the library: y = x³, backward 3x² g written with tensor ops. */
    static final class Cube implements Op {
        @Override
        public String name() {
            return "cube";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] in) {
            DMatrixRMaj out = new DMatrixRMaj(in[0].numRows, in[0].numCols);
            for (int i = 0; i < out.data.length; i++) {
                double v = in[0].data[i];
                out.data[i] = v * v * v;
            }
            return out;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] in, Tensor out, boolean[] needs) {
            return new Tensor[]{g.mul(in[0].square()).scale(3)};
        }
    }

    @Test
    void customOpWorksLikeABuiltInIncludingSecondOrder() {
        OpRegistry.Entry e = new OpRegistry.Entry("cube", 1, xs -> xs[0].tape().apply(new Cube(), xs[0]),
                OpRegistry.shapes(new int[][]{{3, 4}}, new int[][]{{1, 1}}), OpRegistry.Domain.ANY, true);
        for (int[][] shapes : e.shapes()) {
            DMatrixRMaj[] x = OpContract.inputs(e, shapes, 5);
            OpContract.checkFirstOrder(e, x);
            OpContract.checkSecondOrder(e, x, 6);
            OpContract.checkPathsAndShapes(e, x);
        }
        // inside a network with built-ins
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 2, 0.5, -2));
        Tensor y = tape.apply(new Cube(), x.tanh()).sum();
        tape.backward(y);
        double t = Math.tanh(0.5);
        assertThat(x.grad().get(0, 0)).isCloseTo(3 * t * t * (1 - t * t), within(1e-14));
    }

    @Test
    void shapeMismatchesNameTheOpAndBothShapes() {
        Tape tape = new Tape();
        Tensor a = tape.constant(new DMatrixRMaj(2, 3));
        Tensor b = tape.constant(new DMatrixRMaj(4, 5));
        for (var call : List.<Runnable>of(() -> a.add(b), () -> a.sub(b), () -> a.mul(b), () -> a.div(b))) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2x3").hasMessageContaining("4x5");
        }
        assertThatThrownBy(() -> a.mul(b)).hasMessageContaining("'mul'");
        assertThatThrownBy(() -> a.matmul(b)).hasMessageContaining("'matmul'").hasMessageContaining("2x3")
                .hasMessageContaining("4x5");
        assertThatThrownBy(() -> a.affine(b, tape.constant(new DMatrixRMaj(1, 5))))
                .hasMessageContaining("'affine'").hasMessageContaining("2x3").hasMessageContaining("4x5");
        assertThatThrownBy(() -> Tensor.concatRows(a, b)).hasMessageContaining("'concat_rows'")
                .hasMessageContaining("2x3").hasMessageContaining("4x5");
        assertThatThrownBy(() -> Losses.mse(a, b)).hasMessageContaining("'mse'").hasMessageContaining("2x3")
                .hasMessageContaining("4x5");
        assertThatThrownBy(() -> a.reshape(4, 2)).hasMessageContaining("'reshape'").hasMessageContaining("2x3");
        assertThatThrownBy(() -> a.sliceRows(1, 5)).hasMessageContaining("'slice'");
    }

    @Test
    void backwardFromNonScalarNeedsACotangent() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 2, 1, 2));
        Tensor y = x.square();
        assertThatThrownBy(() -> tape.backward(y)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1x2").hasMessageContaining("cotangent");
        assertThatThrownBy(() -> tape.backward(y, tape.constant(m(2, 1, 1, 1)), false, false))
                .hasMessageContaining("2x1").hasMessageContaining("1x2");
        tape.backward(y, tape.constant(m(1, 2, 1, 10)), false, false);
        assertThat(x.grad().value().data).containsExactly(2, 40);
    }

    @Test
    void mixingTensorsOfTwoTapesFails() {
        Tape t1 = new Tape();
        Tape t2 = new Tape();
        Tensor a = t1.variable(m(1, 1, 1));
        Tensor b = t2.variable(m(1, 1, 2));
        assertThatThrownBy(() -> a.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another tape").hasMessageContaining("'add'");
        assertThatThrownBy(() -> t1.backward(b)).hasMessageContaining("another tape");
        assertThatThrownBy(() -> t1.gradients(a, null, false, b)).hasMessageContaining("another tape");
    }

    @Test
    void reusingATapeAfterBackwardFailsUnlessRetained() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 1, 3));
        Tensor y = x.square();
        tape.backward(y);
        assertThatThrownBy(() -> tape.backward(y)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released").hasMessageContaining("retainGraph");
        assertThatThrownBy(() -> x.add(x)).isInstanceOf(IllegalStateException.class);

        Tape kept = new Tape();
        Tensor z = kept.variable(m(1, 1, 3));
        Tensor q = z.square();
        kept.backward(q, null, true, false);
        kept.backward(q, null, false, false);
        assertThat(z.grad().item()).isEqualTo(12.0);
    }

    @Test
    void anomalyModeReportsFirstNonFiniteOpWithNameAndShapes() {
        Tape tape = new Tape();
        tape.setAnomalyDetection(true);
        Tensor x = tape.variable(m(2, 2, 1, -1, 2, 3));
        Tensor h = x.tanh();
        assertThatThrownBy(() -> h.log().exp()).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("'log'").hasMessageContaining("NaN").hasMessageContaining("2x2")
                .hasMessageContaining("(0, 1)");
        // a finite forward whose backward is infinite: sqrt at 0
        Tape t2 = new Tape();
        t2.setAnomalyDetection(true);
        Tensor z = t2.variable(m(1, 2, 0, 4));
        Tensor s = z.sqrt().sum();
        assertThatThrownBy(() -> t2.backward(s)).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("gradient").hasMessageContaining("'sqrt'").hasMessageContaining("1x2");
        // without anomaly mode, no check
        Tape t3 = new Tape();
        assertThat(t3.variable(m(1, 1, -1)).log().item()).isNaN();
    }

    @Test
    void noGradRecordsNothingAndRestores() {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 1, 2));
        try (Tape.Scope s = tape.noGrad()) {
            Tensor y = x.square();
            assertThat(y.requiresGrad()).isFalse();
            assertThat(tape.isRecording()).isFalse();
        }
        assertThat(tape.size()).isZero();
        assertThat(x.square().requiresGrad()).isTrue();
        assertThat(tape.opNames()).containsExactly("square");
    }

    @Test
    void createGraphGivesDifferentiableLeafGradients() {
        // f = x³ tanh(x); compare f'' with the analytic second derivative
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 1, 0.7));
        Tensor f = x.pow(3).mul(x.tanh());
        Tensor g = tape.gradients(f, null, true, x)[0];
        Tensor h = tape.gradients(g, null, false, x)[0];
        double v = 0.7;
        double t = Math.tanh(v);
        double s = 1 - t * t;
        double expected = 6 * v * t + 6 * v * v * s + v * v * v * (-2 * t * s);
        assertThat(h.item()).isCloseTo(expected, within(1e-12));
        // third order through tanh_grad's own backward
        Tensor g2 = tape.gradients(g, null, true, x)[0];
        Tensor g3 = tape.gradients(g2, null, false, x)[0];
        double fd = (secondDerivative(v + 1e-5) - secondDerivative(v - 1e-5)) / 2e-5;
        assertThat(g3.item()).isCloseTo(fd, within(1e-7));
    }

    /** Identity op that counts its backward calls. */
    private static final class CountingIdentity implements Op {
        int backwardCalls;

        @Override
        public String name() {
            return "counting_identity";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] inputs) {
            return inputs[0].copy();
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] inputs, Tensor output, boolean[] needsGrad) {
            backwardCalls++;
            return new Tensor[]{g};
        }
    }

    @Test
    void gradientsWithRespectToAnIntermediateAreNotOverwrittenByInPlaceBackward() {
        // the sweep writes elementwise gradients in place into owned accumulators; the
        // accumulator of a wrt tensor is returned, so it must survive the rest of the sweep
        Tape tape = new Tape();
        DMatrixRMaj xv = new DMatrixRMaj(new double[][] {{0.3, -1.2, 0.7}, {2.0, -0.1, 0.05}});
        Tensor x = tape.param(new Parameter("x0", xv.copy()));
        Tensor h = x.tanh();
        Tensor y = h.exp().mul(h).tanh();
        Tensor out = y.square().sum();
        Tensor[] g = tape.gradients(out, null, false, h, x);
        for (int k = 0; k < xv.getNumElements(); k++) {
            double hk = Math.tanh(xv.data[k]);
            double u = Math.exp(hk) * hk;
            double yk = Math.tanh(u);
            double dOutDh = 2 * yk * (1 - yk * yk) * Math.exp(hk) * (1 + hk);
            assertThat(g[0].value().data[k]).isCloseTo(dOutDh, within(1e-12));
            assertThat(g[1].value().data[k]).isCloseTo(dOutDh * (1 - hk * hk), within(1e-12));
        }
        // and the same as a plain backward sweep into a leaf
        Tape t2 = new Tape();
        Parameter p = new Parameter("x", xv.copy());
        Tensor o2 = t2.param(p).tanh().exp().mul(t2.param(p).tanh()).tanh().square().sum();
        t2.backward(o2);
        for (int k = 0; k < xv.getNumElements(); k++) {
            assertThat(p.grad().data[k]).isCloseTo(g[1].value().data[k], within(1e-12));
        }
    }

    @Test
    void gradientsStopsAtTheWrtTensorsAndSkipsUnrelatedBranches() {
        for (boolean createGraph : new boolean[]{false, true}) {
            Tape tape = new Tape();
            Parameter p = new Parameter("p", m(2, 2, 1, 2, 3, 4));
            CountingIdentity ancestor = new CountingIdentity();
            CountingIdentity sibling = new CountingIdentity();
            Tensor x = tape.variable(m(1, 2, 0.3, -0.2));
            Tensor h = tape.apply(ancestor, x).matmul(tape.param(p));    // ancestors of h: x, p
            Tensor w = tape.apply(sibling, tape.variable(m(2, 1, 0.5, 2.0)));
            Tensor out = h.tanh().matmul(w).sum();                       // w: a branch not through h
            int before = tape.size();
            Tensor g = tape.gradients(out, null, createGraph, h)[0];
            // d out / d h = (1 - tanh²(h)) ⊙ wᵀ
            for (int c = 0; c < 2; c++) {
                double t = Math.tanh(h.get(0, c));
                assertThat(g.get(0, c)).as("createGraph=%s", createGraph)
                        .isCloseTo((1 - t * t) * (c == 0 ? 0.5 : 2.0), within(1e-15));
            }
            // neither the ops before h nor the branch producing w were differentiated
            assertThat(ancestor.backwardCalls).as("createGraph=%s", createGraph).isZero();
            assertThat(sibling.backwardCalls).as("createGraph=%s", createGraph).isZero();
            if (createGraph) {
                // recorded: the gradient of the matmul with w for its left input, then tanh_grad; nothing for
                // the matmul producing h or for w
                assertThat(tape.opNames().subList(before, tape.size()))
                        .containsExactly("matmul_trans_b", "tanh_grad");
            }
            // leaf and parameter gradients are not touched by gradients()
            assertThat(x.grad()).isNull();
            assertThat(p.grad().data).containsOnly(0.0);
            // the full backward still reaches every leaf through both branches
            tape.backward(out, null, true, false);
            assertThat(ancestor.backwardCalls).isEqualTo(1);
            assertThat(sibling.backwardCalls).isEqualTo(1);
            assertThat(p.grad().data).doesNotContain(0.0);
        }
    }

    private static double secondDerivative(double v) {
        Tape tape = new Tape();
        Tensor x = tape.variable(m(1, 1, v));
        Tensor g = tape.gradients(x.pow(3).mul(x.tanh()), null, true, x)[0];
        return tape.gradients(g, null, false, x)[0].item();
    }
}
