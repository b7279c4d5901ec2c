package dev.neuralode.models.nn;

import dev.neuralode.models.GradientChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.autodiff.GradientCheck;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class LayersTest {

    /** A model with nested children, to check hierarchical names. */
    static final class Net extends Layer {
        final Sequential encoder;
        final Linear head;

        Net() {
            encoder = registerModule("encoder", Mlp.builder(2).hidden(4).out(3).seed(1).build());
            head = registerModule("head", new Linear(3, 1, new Random(2)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return head.forward(encoder.forward(x));
        }
    }

    @Test
    void parametersHaveHierarchicalNames() {
        Net net = new Net();
        assertThat(net.namedParameters().keySet()).containsExactly("encoder.0.weight", "encoder.0.bias",
                "encoder.2.weight", "encoder.2.bias", "head.weight", "head.bias");
        for (var e : net.namedParameters().entrySet()) {
            assertThat(e.getValue().name()).isEqualTo(e.getKey());
        }
        assertThat(net.parameterCount()).isEqualTo(2 * 4 + 4 + 4 * 3 + 3 + 3 + 1);
        assertThat(net.encoder.get(0).path()).isEqualTo("encoder.0");
        assertThat(net.toString()).contains("(encoder): Sequential").contains("weight: 4x2");
        // a module has one parent, so each parameter has one name
        Linear shared = new Linear(2, 2, new Random(0));
        new Sequential(shared);
        assertThatThrownBy(() -> new Sequential(shared)).hasMessageContaining("'0' (Linear 2->2)")
                .hasMessageContaining("already part of a model");
        assertThatThrownBy(() -> new Sequential().add(net.head)).hasMessageContaining("'head' (Linear 3->1)");
    }

    @Test
    void initialisationIsSeededAndScaled() {
        Linear a = new Linear(200, 300, true, Init.xavierUniform(), new Random(7));
        Linear b = new Linear(200, 300, true, Init.xavierUniform(), new Random(7));
        assertThat(java.util.Arrays.equals(a.param("weight").value().data, b.param("weight").value().data)).isTrue();
        assertThat(java.util.Arrays.equals(a.param("weight").value().data,
                new Linear(200, 300, true, Init.xavierUniform(), new Random(8)).param("weight").value().data)).isFalse();
        assertThat(a.param("bias").value().data).containsOnly(0.0);
        double bound = Math.sqrt(6.0 / 500);
        assertThat(max(a.param("weight").value())).isLessThanOrEqualTo(bound).isGreaterThan(0.95 * bound);
        assertThat(std(new Linear(400, 300, true, Init.kaimingNormal(), new Random(1)).param("weight").value()))
                .isCloseTo(Math.sqrt(2.0 / 400), within(0.002));
        assertThat(std(new Linear(10, 300, true, Init.normal(0.1), new Random(1)).param("weight").value()))
                .isCloseTo(0.1, within(0.003));
        assertThat(max(new Linear(16, 300, new Random(3)).param("bias").value())).isLessThanOrEqualTo(0.25);
    }

    private static double max(DMatrixRMaj m) {
        double x = 0;
        for (double d : m.data) {
            x = Math.max(x, Math.abs(d));
        }
        return x;
    }

    private static double std(DMatrixRMaj m) {
        double s = 0;
        for (double d : m.data) {
            s += d * d;
        }
        return Math.sqrt(s / m.data.length);
    }

    @Test
    void wrongInputShapeNamesTheLayerAndBothShapes() {
        Net net = new Net();
        Tape tape = new Tape();
        Tensor x = tape.constant(new DMatrixRMaj(5, 3));
        assertThatThrownBy(() -> net.forward(x)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'encoder.0' (Linear 2->4)")
                .hasMessageContaining("batch x 2").hasMessageContaining("5x3");
        GruCell gru = new GruCell(2, 4, new Random(0));
        assertThatThrownBy(() -> gru.step(tape.constant(new DMatrixRMaj(3, 2)), tape.constant(new DMatrixRMaj(3, 5))))
                .hasMessageContaining("GruCell 2->4").hasMessageContaining("3x4").hasMessageContaining("3x5");
        assertThatThrownBy(() -> new ConcatTime(2, 3, new Random(0)).forward(x)).hasMessageContaining("needs time");
        Tensor t = tape.scalar(0.5);
        assertThatThrownBy(() -> new ConcatTime(2, 3, new Random(0)).forward(t, x))
                .hasMessageContaining("ConcatTime 2(+t)->3").hasMessageContaining("batch x 2").hasMessageContaining("5x3");
        assertThatThrownBy(() -> new ConcatSquashLinear(4, 3, new Random(0)).forward(t, x))
                .hasMessageContaining("ConcatSquashLinear 4->3").hasMessageContaining("batch x 4")
                .hasMessageContaining("5x3");
        RnnCell rnn = new RnnCell(2, 4, new Random(0));
        assertThatThrownBy(() -> rnn.step(x, tape.constant(new DMatrixRMaj(5, 4))))
                .hasMessageContaining("RnnCell 2->4").hasMessageContaining("batch x 2").hasMessageContaining("5x3");
    }

    @Test
    void gruCellMatchesTheEquationsAndGradientChecks() {
        GruCell cell = new GruCell(2, 3, new Random(4));
        double[] x = {0.3, -0.7};
        double[] h = {0.1, 0.2, -0.4};
        Tape tape = new Tape();
        Tensor out = cell.step(tape.constant(1, 2, x), tape.constant(1, 3, h));
        DMatrixRMaj wi = cell.param("weight_ih").value();
        DMatrixRMaj wh = cell.param("weight_hh").value();
        DMatrixRMaj bi = cell.param("bias_ih").value();
        DMatrixRMaj bh = cell.param("bias_hh").value();
        for (int j = 0; j < 3; j++) {
            double[] gi = new double[3];
            double[] gh = new double[3];
            for (int g = 0; g < 3; g++) {
                int row = g * 3 + j;
                gi[g] = bi.get(0, row);
                gh[g] = bh.get(0, row);
                for (int k = 0; k < 2; k++) {
                    gi[g] += wi.get(row, k) * x[k];
                }
                for (int k = 0; k < 3; k++) {
                    gh[g] += wh.get(row, k) * h[k];
                }
            }
            double r = 1 / (1 + Math.exp(-(gi[0] + gh[0])));
            double z = 1 / (1 + Math.exp(-(gi[1] + gh[1])));
            double n = Math.tanh(gi[2] + r * gh[2]);
            assertThat(out.get(0, j)).isCloseTo((1 - z) * n + z * h[j], within(1e-14));
        }
        RnnCell rnn = new RnnCell(2, 3, new Random(5));
        var res = GradientCheck.firstOrder(in -> rnn.step(in[0], cell.step(in[0], in[1])).square().sum(),
                new DMatrixRMaj[]{new DMatrixRMaj(2, 2, true, 0.1, 0.2, -0.3, 0.5),
                    new DMatrixRMaj(2, 3, true, 0.1, 0.2, 0.3, -0.1, -0.2, 0.0)}, 1e-6);
        assertThat(res.maxError()).as(res.toString()).isLessThan(1e-7);
    }

    /** Max |analytic - central difference| over every parameter element of {@code m}. */
    private static double parameterGradientError(Module m, java.util.function.Function<Tape, Tensor> loss) {
        m.zeroGrad();
        Tape tape = new Tape();
        tape.backward(loss.apply(tape));
        double[] fd = GradientChecks.centralDifferences(m.parameters(), 1e-6, () -> loss.apply(new Tape()).item());
        double err = 0;
        int k = 0;
        for (Parameter p : m.parameters()) {
            for (int i = 0; i < p.size(); i++) {
                err = Math.max(err, Math.abs(p.grad().data[i] - fd[k++]));
            }
        }
        return err;
    }

    @Test
    void rnnCellMatchesItsEquationAndParameterGradientsCheck() {
        RnnCell rnn = new RnnCell(2, 3, new Random(5));
        assertThat(rnn.namedParameters().keySet()).containsExactly("weight_ih", "weight_hh", "bias_ih", "bias_hh");
        double[] x = {0.3, -0.7};
        double[] h = {0.1, 0.2, -0.4};
        Tape tape = new Tape();
        Tensor out = rnn.step(tape.constant(1, 2, x), tape.constant(1, 3, h));
        DMatrixRMaj wi = rnn.param("weight_ih").value();
        DMatrixRMaj wh = rnn.param("weight_hh").value();
        for (int j = 0; j < 3; j++) {
            double a = rnn.param("bias_ih").value().get(0, j) + rnn.param("bias_hh").value().get(0, j);
            for (int k = 0; k < 2; k++) {
                a += wi.get(j, k) * x[k];
            }
            for (int k = 0; k < 3; k++) {
                a += wh.get(j, k) * h[k];
            }
            assertThat(out.get(0, j)).isCloseTo(Math.tanh(a), within(1e-15));
        }
        // U(±1/√H) initialisation
        for (Parameter p : rnn.parameters()) {
            assertThat(max(p.value())).isLessThanOrEqualTo(1 / Math.sqrt(3));
        }
        DMatrixRMaj xs = new DMatrixRMaj(2, 2, true, 0.1, 0.2, -0.3, 0.5);
        DMatrixRMaj hs = new DMatrixRMaj(2, 3, true, 0.1, 0.2, 0.3, -0.1, -0.2, 0.0);
        DMatrixRMaj w = new DMatrixRMaj(2, 3, true, 1, -2, 0.5, 0.3, 0.7, -1);
        assertThat(parameterGradientError(rnn, t -> rnn.step(t.constant(xs), rnn.step(t.constant(xs),
                t.constant(hs))).mul(t.constant(w)).sum())).isLessThan(1e-8);
        GruCell gru = new GruCell(2, 3, new Random(4));
        assertThat(parameterGradientError(gru, t -> gru.step(t.constant(xs), gru.step(t.constant(xs),
                t.constant(hs))).mul(t.constant(w)).sum())).isLessThan(1e-8);
    }

    @Test
    void concatTimeAndConcatSquashMatchTheirFormulas() {
        double[] x = {0.4, -1.1};
        double t = 0.7;
        Tape tape = new Tape();
        ConcatTime ct = new ConcatTime(2, 3, new Random(2));
        assertThat(ct.param("weight").value().numCols).isEqualTo(3);
        Tensor y = ct.forward(tape.scalar(t), tape.constant(1, 2, x));
        DMatrixRMaj w = ct.param("weight").value();
        for (int j = 0; j < 3; j++) {
            double e = ct.param("bias").value().get(0, j) + w.get(j, 0) * x[0] + w.get(j, 1) * x[1] + w.get(j, 2) * t;
            assertThat(y.get(0, j)).isCloseTo(e, within(1e-15));
        }
        // FFJORD: y = (x Wᵀ + b) ⊙ σ(t g_w + g_b) + t c
        ConcatSquashLinear cs = new ConcatSquashLinear(2, 3, new Random(1));
        Tensor z = cs.forward(tape.scalar(t), tape.constant(1, 2, x));
        DMatrixRMaj lw = cs.namedParameters().get("layer.weight").value();
        DMatrixRMaj lb = cs.namedParameters().get("layer.bias").value();
        DMatrixRMaj gw = cs.namedParameters().get("hyper_gate.weight").value();
        DMatrixRMaj gb = cs.namedParameters().get("hyper_gate.bias").value();
        DMatrixRMaj c = cs.namedParameters().get("hyper_bias.weight").value();
        assertThat(gw.numRows).isEqualTo(3);
        assertThat(gw.numCols).isEqualTo(1);
        for (int j = 0; j < 3; j++) {
            double lin = lb.get(0, j) + lw.get(j, 0) * x[0] + lw.get(j, 1) * x[1];
            double gate = 1 / (1 + Math.exp(-(t * gw.get(j, 0) + gb.get(0, j))));
            assertThat(z.get(0, j)).isCloseTo(lin * gate + t * c.get(j, 0), within(1e-15));
        }
        DMatrixRMaj xs = new DMatrixRMaj(2, 2, true, 0.1, 0.2, -0.3, 0.5);
        assertThat(parameterGradientError(cs, tp -> cs.forward(tp.scalar(0.3), tp.constant(xs)).square().sum()))
                .isLessThan(1e-8);
        assertThat(parameterGradientError(ct, tp -> ct.forward(tp.scalar(0.3), tp.constant(xs)).square().sum()))
                .isLessThan(1e-8);
    }

    @Test
    void everyInitialisationSchemeHasItsScale() {
        // 300 x 200 weights: 60000 draws, so sample moments are within ~1% of the targets
        int out = 300;
        int in = 200;
        double xavierStd = Math.sqrt(2.0 / (in + out));
        double kaimingStd = Math.sqrt(2.0 / in);
        Object[][] cases = {
            {Init.xavierUniform(), Math.sqrt(6.0 / (in + out)), xavierStd},
            {Init.xavierNormal(), Double.NaN, xavierStd},
            {Init.kaimingUniform(), Math.sqrt(6.0 / in), kaimingStd},
            {Init.kaimingNormal(), Double.NaN, kaimingStd},
            {Init.pytorchDefault(), 1 / Math.sqrt(in), 1 / Math.sqrt(3.0 * in)},
            {Init.normal(0.05), Double.NaN, 0.05},
            {Init.uniform(0.3), 0.3, 0.3 / Math.sqrt(3)}};
        for (Object[] c : cases) {
            Init init = (Init) c[0];
            DMatrixRMaj m = init.sample(out, in, new Random(11));
            assertThat(m.numRows).isEqualTo(out);
            assertThat(m.numCols).isEqualTo(in);
            assertThat(java.util.Arrays.equals(init.sample(out, in, new Random(11)).data, m.data)).as("seeded").isTrue();
            assertThat(std(m)).isCloseTo((double) c[2], within(0.01 * (double) c[2]));
            double bound = (double) c[1];
            if (!Double.isNaN(bound)) {
                assertThat(max(m)).isLessThanOrEqualTo(bound).isGreaterThan(0.99 * bound);
            }
        }
        assertThat(Init.zeros().sample(2, 3, new Random(0)).data).containsOnly(0.0);
    }

    @Test
    void activationsMatchTheirFormulas() {
        double[] xs = {-2.0, -0.3, 0.0, 0.4, 3.0};
        Object[][] cases = {
            {Activation.tanh(), (java.util.function.DoubleUnaryOperator) Math::tanh},
            {Activation.relu(), (java.util.function.DoubleUnaryOperator) v -> Math.max(0, v)},
            {Activation.leakyRelu(0.01), (java.util.function.DoubleUnaryOperator) v -> v > 0 ? v : 0.01 * v},
            {Activation.sigmoid(), (java.util.function.DoubleUnaryOperator) v -> 1 / (1 + Math.exp(-v))},
            {Activation.softplus(), (java.util.function.DoubleUnaryOperator) v -> Math.log1p(Math.exp(v))},
            {Activation.elu(), (java.util.function.DoubleUnaryOperator) v -> v > 0 ? v : Math.expm1(v)},
            {Activation.identity(), (java.util.function.DoubleUnaryOperator) v -> v}};
        for (Object[] c : cases) {
            Activation a = (Activation) c[0];
            var f = (java.util.function.DoubleUnaryOperator) c[1];
            Tensor y = a.forward(new Tape().constant(1, xs.length, xs));
            for (int i = 0; i < xs.length; i++) {
                assertThat(y.get(0, i)).as("%s(%s)", a.name(), xs[i]).isCloseTo(f.applyAsDouble(xs[i]), within(1e-14));
            }
            assertThat(a.parameters()).isEmpty();
        }
    }

    @Test
    void mlpBuilderOptions() {
        Sequential plain = Mlp.builder(3).hidden(5).out(2).init(Init.kaimingNormal()).zeroBias(true)
                .finalActivation(true).activation(Activation::relu).seed(4).build();
        assertThat(plain.size()).isEqualTo(4); // Linear, relu, Linear, relu
        assertThat(((Activation) plain.get(3)).name()).isEqualTo("relu");
        assertThat(plain.namedParameters().get("0.bias").value().data).containsOnly(0.0);
        assertThat(Mlp.builder(3).hidden(5).out(2).seed(4).build().get(0).param("weight").value().data)
                .as("same seed, same weights")
                .containsExactly(Mlp.builder(3).hidden(5).out(2).seed(4).build().get(0).param("weight").value().data);
        Sequential squash = Mlp.builder(2).hidden(4).out(2).time(Mlp.TimeMode.CONCAT_SQUASH).build();
        assertThat(squash.namedParameters()).containsKey("0.hyper_gate.weight").containsKey("2.hyper_bias.weight");
        Sequential concat = Mlp.builder(2).hidden(4).out(2).time(Mlp.TimeMode.CONCAT).build();
        assertThat(concat.namedParameters().get("0.weight").value().numCols).isEqualTo(3);
        assertThatThrownBy(() -> Mlp.builder(2).hidden(3).build()).hasMessageContaining("out(width)");
    }

    @Test
    void timeLayersUseTime() {
        ConcatSquashLinear cs = new ConcatSquashLinear(2, 3, new Random(1));
        assertThat(cs.namedParameters().keySet()).containsExactly("layer.weight", "layer.bias",
                "hyper_gate.weight", "hyper_gate.bias", "hyper_bias.weight");
        Sequential f = Mlp.builder(2).hidden(8).out(2).time(Mlp.TimeMode.CONCAT).seed(3).build();
        Tape tape = new Tape();
        Tensor x = tape.constant(2, 2, 1, 2, 3, 4);
        double a = f.forward(tape.scalar(0.0), x).get(1, 1);
        double b = f.forward(tape.scalar(1.0), x).get(1, 1);
        assertThat(a).isNotEqualTo(b);
        Tensor y = cs.forward(tape.scalar(0.5), x);
        assertThat(y.rows()).isEqualTo(2);
        assertThat(y.cols()).isEqualTo(3);
        for (Parameter p : cs.parameters()) {
            assertThat(p.name()).doesNotStartWith(".");
        }
    }
}
