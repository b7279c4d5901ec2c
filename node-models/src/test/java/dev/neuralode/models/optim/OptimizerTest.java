package dev.neuralode.models.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import java.util.List;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer against an update sequence computed by hand on the quadratic
 * {@code f(x) = x₀² + 0.5 x₁²} from {@code x = (1, -2)}, gradient {@code (2x₀, x₁)}. The expected
 * values come from an independent scalar transcription (in Python, one coordinate at a time) of
 * the algorithms in PyTorch's {@code torch.optim} documentation (SGD, Adam, AdamW, RMSprop), not
 * from this code; the plain-SGD sequence can be checked mentally ({@code x₀ ← 0.8 x₀}). The
 * gradient comes from the tape, so the test also covers the loop {@code zeroGrad → backward → step}.
 */
class OptimizerTest {

    private static void check(Function<List<Parameter>, Optimizer> make, double[][] expected) {
        Parameter p = new Parameter("x", new DMatrixRMaj(1, 2, true, 1.0, -2.0));
        Optimizer opt = make.apply(List.of(p));
        for (double[] e : expected) {
            opt.zeroGrad();
            Tape tape = new Tape();
            Tensor x = tape.param(p);
            Tensor c = tape.constant(1, 2, 1.0, 0.5);
            tape.backward(x.square().mul(c).sum());
            opt.step();
            assertThat(p.value().data[0]).isCloseTo(e[0], within(1e-12));
            assertThat(p.value().data[1]).isCloseTo(e[1], within(1e-12));
        }
    }

    @Test
    void plainSgd() {
        // x ← x - 0.1·2x·c: 1 → 0.8 → 0.64 → 0.512
        check(ps -> new Sgd(ps, 0.1), new double[][]{{0.8, -1.8}, {0.64, -1.62}, {0.512, -1.458}});
    }

    @Test
    void sgdWithMomentumDampeningAndWeightDecay() {
        check(ps -> new Sgd(ps, 0.1, 0.9, 0.1, 0.01, false), new double[][]{
            {0.799, -1.798}, {0.4735609, -1.4527618}, {0.09499854318999995, -1.00999137238}});
    }

    @Test
    void sgdClassicalMomentum() {
        // buffer b ← 0.9 b + g (b = g on the first step), x ← x - 0.1 b
        check(ps -> new Sgd(ps, 0.1, 0.9, 0, 0, false), new double[][]{
            {0.8, -1.8}, {0.45999999999999996, -1.44}, {0.06199999999999989, -0.972},
            {-0.30860000000000015, -0.4536}, {-0.5804200000000002, 0.05831999999999993}});
    }

    @Test
    void sgdNesterov() {
        check(ps -> new Sgd(ps, 0.1, 0.9, 0, 0, true), new double[][]{
            {0.62, -1.62}, {0.2224, -1.1502}, {-0.108352, -0.654642}});
    }

    @Test
    void adamWithPyTorchDefaults() {
        check(ps -> new Adam(ps, 0.1), new double[][]{
            {0.9000000005, -1.9000000005}, {0.8004122286917927, -1.8001664866210927},
            {0.7015862729460302, -1.7006233928121137}});
    }

    @Test
    void adamWithL2DecayAndAmsgrad() {
        check(ps -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, 0.1, true), new double[][]{
            {0.9000000004761904, -1.9000000004545454}, {0.8004122286431954, -1.8001664865292035},
            {0.7015862728718214, -1.700623392672905}});
    }

    /** With β₂ = 0.5 the second moment falls from step 3 on, so AMSGrad's running maximum differs. */
    @Test
    void amsgradKeepsTheLargestSecondMoment() {
        double[][] adam = {{0.9000000005, -1.9000000005}, {0.7986254635481376, -1.7993039771829957},
            {0.6947884382230897, -1.6974448323401812}, {0.5871883489499362, -1.5939687194804137},
            {0.47413964265488934, -1.488431125541078}};
        double[][] ams = {{0.9000000005, -1.9000000005}, {0.7986254635481376, -1.7993039771829957},
            {0.695472263833415, -1.6974448323401812}, {0.5955521760018526, -1.5951738559379778},
            {0.5010972068444508, -1.4945416476933238}};
        check(ps -> new Adam(ps, 0.1, 0.9, 0.5, 1e-8, 0, false), adam);
        check(ps -> new Adam(ps, 0.1, 0.9, 0.5, 1e-8, 0, true), ams);
        assertThat(Math.abs(ams[4][0] - adam[4][0])).isGreaterThan(0.02);
    }

    @Test
    void adamWDecouplesWeightDecay() {
        check(ps -> new AdamW(ps, 0.1), new double[][]{
            {0.8990000005, -1.8980000005}, {0.7985190271685215, -1.7962725891500528},
            {0.6989111831582322, -1.6949445151502027}});
    }

    @Test
    void rmsPropWithPyTorchDefaults() {
        // alpha 0.99, eps 1e-8 added after the square root
        check(ps -> new RmsProp(ps, 0.01), new double[][]{
            {0.9000000049999998, -1.9000000049999999}, {0.8329179679700331, -1.8309433328172848},
            {0.7799822732436351, -1.775349450099218}});
    }

    @Test
    void rmsPropWithMomentum() {
        check(ps -> new RmsProp(ps, 0.01, 0.99, 1e-8, 0, 0.9, false), new double[][]{
            {0.9000000049999998, -1.9000000049999999}, {0.7429179724700329, -1.7409433373172847},
            {0.5529149342289624, -1.5441299749488298}, {0.34772887466667357, -1.3238454010183425},
            {0.14194250771439434, -1.0907377218783973}});
    }

    @Test
    void defaultsAreTorchOptimDefaults() {
        List<Parameter> ps = List.of(Parameter.zeros("x", 1, 1));
        assertThat(new Adam(ps).lr()).isEqualTo(1e-3);
        assertThat(new AdamW(ps).lr()).isEqualTo(1e-3);
        assertThat(new AdamW(ps).weightDecay()).isEqualTo(1e-2);
        assertThat(new Adam(ps).weightDecay()).isEqualTo(0.0);
        assertThat(new RmsProp(ps).lr()).isEqualTo(1e-2);
        // RmsProp(ps) and RmsProp(ps, 0.01) follow the same default sequence
        check(RmsProp::new, new double[][]{{0.9000000049999998, -1.9000000049999999}});
        assertThatThrownBy(() -> new Sgd(ps, 0.1, 0.0, 0, 0, true)).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> new Adam(ps, 0.1, 1.0, 0.999, 1e-8, 0, false)).hasMessageContaining("betas");
        assertThatThrownBy(() -> new Sgd(ps, -1)).hasMessageContaining("learning rate -1");
    }

    @Test
    void rmsPropCenteredWithMomentumAndDecay() {
        check(ps -> new RmsProp(ps, 0.01, 0.99, 1e-8, 0.1, 0.5, true), new double[][]{
            {0.8994962232840834, -1.8994962230654469}, {0.781507491001611, -1.7795002672051823},
            {0.6712214420799942, -1.66417091813318}});
    }

    @Test
    void schedulesFollowPyTorchFormulas() {
        Parameter p = Parameter.zeros("x", 1, 1);
        Sgd opt = new Sgd(List.of(p), 1.0);
        LrScheduler s = new LrScheduler(opt, LrSchedule.step(2, 0.5));
        double[] lrs = new double[5];
        for (int i = 0; i < 5; i++) {
            s.step();
            lrs[i] = opt.lr();
        }
        assertThat(lrs).containsExactly(1.0, 0.5, 0.5, 0.25, 0.25);
        assertThat(LrSchedule.exponential(0.9).lr(2.0, 3)).isCloseTo(2.0 * 0.729, within(1e-15));
        LrSchedule cos = LrSchedule.cosine(10, 0.1);
        assertThat(cos.lr(1.0, 0)).isCloseTo(1.0, within(1e-15));
        assertThat(cos.lr(1.0, 5)).isCloseTo(0.55, within(1e-15));
        assertThat(cos.lr(1.0, 10)).isCloseTo(0.1, within(1e-15));
    }

    @Test
    void clipByNormRescalesGlobally() {
        Parameter a = Parameter.zeros("a", 1, 2);
        Parameter b = Parameter.zeros("b", 1, 1);
        a.accumulateGrad(new DMatrixRMaj(1, 2, true, 3.0, 0.0));
        b.accumulateGrad(new DMatrixRMaj(1, 1, true, 4.0));
        double norm = GradClip.byNorm(List.of(a, b), 1.0);
        assertThat(norm).isEqualTo(5.0);
        assertThat(GradClip.norm(List.of(a, b))).isCloseTo(1.0, within(1e-6));
        assertThat(a.grad().data[0]).isCloseTo(3.0 / (5 + 1e-6), within(1e-15));
        assertThat(GradClip.byNorm(List.of(a, b), 10.0)).isCloseTo(1.0, within(1e-6));
        assertThat(b.grad().data[0]).isCloseTo(4.0 / (5 + 1e-6), within(1e-15));
        GradClip.byValue(List.of(a, b), 0.5); // gradients were (0.6, 0) and 0.8
        assertThat(a.grad().data).containsExactly(0.5, 0.0);
        assertThat(b.grad().data).containsExactly(0.5);
        assertThatThrownBy(() -> GradClip.byNorm(List.of(a), 0)).hasMessageContaining("maxNorm must be positive");
        assertThatThrownBy(() -> GradClip.byValue(List.of(a), -1)).hasMessageContaining("maxValue");
    }
}
