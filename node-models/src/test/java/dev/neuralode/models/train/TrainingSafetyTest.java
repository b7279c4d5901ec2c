package dev.neuralode.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.optim.AdamW;
import dev.neuralode.models.optim.LrSchedule;
import dev.neuralode.models.optim.Optimizer;
import dev.neuralode.models.optim.RmsProp;
import dev.neuralode.models.optim.Sgd;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Non-finite values and settings that would turn the weights into NaN are stopped before they reach
 * the weights, with a message a user can act on (issue 13, items 2, 5 and 7).
 */
class TrainingSafetyTest {

    private static Parameter param(String name, double... v) {
        return new Parameter(name, new DMatrixRMaj(1, v.length, true, v));
    }

    // ---------------------------------------------------------------- item 2: Trainer

    @Test
    void aNonFiniteGradientStopsTrainingNamingTheIterationAndTheParameter() {
        Parameter a = param("layer.0.weight", 1.0, 2.0);
        Parameter b = param("layer.0.bias", 0.5);
        Trainer trainer = Trainer.builder(new Sgd(List.of(a, b), 0.1)).iterations(10).build();
        double[][] atStart = new double[2][];
        // (b - b)·sqrt(b - b + x) is 0 for all b, with a finite loss; from iteration 3 on its
        // derivative 0·∞ is NaN (x = 0), which reaches the gradient of b only
        assertThatThrownBy(() -> trainer.fit((tape, it) -> {
            if (it == 3) {
                atStart[0] = a.value().data.clone();
                atStart[1] = b.value().data.clone();
            }
            Tensor pb = tape.param(b);
            Tensor zero = pb.sub(pb).add(tape.scalar(it >= 3 ? 0.0 : 1.0)).sqrt().mul(pb.sub(pb));
            return tape.param(a).square().sum().add(pb.square()).add(zero);
        }))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("iteration 3")
                .hasMessageContaining("'layer.0.bias'")
                .hasMessageContaining("NaN")
                .hasMessageContaining("step was skipped");
        assertThat(a.value().data).containsExactly(atStart[0]);
        assertThat(b.value().data).containsExactly(atStart[1]);
    }

    @Test
    void aStepThatOverflowsTheWeightsIsUndoneAndNamed() {
        Parameter a = param("w", 1.0, 1.0);
        Trainer trainer = Trainer.builder(new Sgd(List.of(a), 1e10)).iterations(3).build();
        // a finite loss and gradient (1e300, 1), but 1 - 1e10·1e300 overflows
        assertThatThrownBy(() -> trainer.fit((tape, it) -> tape.param(a).mul(tape.constant(1, 2, 1e300, 1.0)).sum()))
                .isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("iteration 0")
                .hasMessageContaining("'w'")
                .hasMessageContaining("undone");
        assertThat(a.value().data).containsExactly(1.0, 1.0);
    }

    // ---------------------------------------------------------------- item 5: optimizer steps count as changes

    @Test
    void anOptimizerStepBetweenForwardAndBackwardIsDetected() {
        Parameter w = param("decoder.weight", 1.0, 2.0);
        Sgd opt = new Sgd(List.of(w), 0.1);
        Tape tape = new Tape();
        Tensor loss = tape.param(w).square().sum();
        w.accumulateGrad(new DMatrixRMaj(1, 2, true, 1.0, 1.0));
        opt.step();
        assertThatThrownBy(() -> tape.backward(loss))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'decoder.weight'")
                .hasMessageContaining("modified in place");
    }

    // ---------------------------------------------------------------- item 7: configuration

    private static void rejects(ThrowingCallable c, String... parts) {
        var a = assertThatThrownBy(c).isInstanceOf(IllegalArgumentException.class);
        for (String p : parts) {
            a.hasMessageContaining(p);
        }
    }

    @Test
    void settingsThatWouldTurnTheWeightsIntoNaNAreRejectedAtConfiguration() {
        List<Parameter> ps = List.of(param("x", 1.0));
        Optimizer sgd = new Sgd(ps, 0.1);
        rejects(() -> sgd.setLr(Double.POSITIVE_INFINITY), "learning rate Infinity", "finite and >= 0");
        rejects(() -> sgd.setLr(Double.NaN), "learning rate NaN", "finite and >= 0");
        rejects(() -> sgd.setLr(-1e-3), "learning rate -0.001");
        assertThat(sgd.lr()).isEqualTo(0.1);
        rejects(() -> new Sgd(ps, 0.1, Double.NaN, 0, 0, false), "momentum = NaN", "[0, ∞)");
        rejects(() -> new Sgd(ps, 0.1, -0.5, 0, 0, false), "momentum = -0.5");
        rejects(() -> new Sgd(ps, 0.1, 0.9, Double.NaN, 0, false), "dampening = NaN", "[0, 1]");
        rejects(() -> new Sgd(ps, 0.1, 0.9, -0.1, 0, false), "dampening = -0.1");
        rejects(() -> new Sgd(ps, 0.1, 0.9, 0, Double.NaN, false), "weight decay = NaN", "[0, ∞)");
        rejects(() -> new Sgd(ps, 0.1, 0.9, 0, -1, false), "weight decay = -1");
        rejects(() -> new Adam(ps, 0.1, 0.9, 0.999, 0, 0, false), "Adam", "eps = 0", "(0, ∞)");
        rejects(() -> new Adam(ps, 0.1, 0.9, 0.999, -1e-8, 0, false), "eps = -1.0E-8");
        rejects(() -> new Adam(ps, 0.1, Double.NaN, 0.999, 1e-8, 0, false), "beta1 = NaN", "[0, 1)");
        rejects(() -> new Adam(ps, 0.1, 0.9, Double.NaN, 1e-8, 0, false), "beta2 = NaN", "[0, 1)");
        rejects(() -> new AdamW(ps, 0.1, 0.9, 0.999, 0, 0.01, false), "AdamW", "eps = 0");
        rejects(() -> new AdamW(ps, 0.1, 0.9, 0.999, 1e-8, Double.NaN, false), "AdamW", "weight decay = NaN");
        rejects(() -> new RmsProp(ps, 0.01, 0.99, 0, 0, 0, false), "RmsProp", "eps = 0", "(0, ∞)");
        rejects(() -> new RmsProp(ps, 0.01, Double.NaN, 1e-8, 0, 0, false), "alpha = NaN", "[0, 1)");
        rejects(() -> new RmsProp(ps, 0.01, 0.99, 1e-8, 0, Double.NaN, false), "momentum = NaN");
        rejects(() -> new Adam(ps, Double.POSITIVE_INFINITY), "learning rate Infinity");
        rejects(() -> LrSchedule.exponential(Double.NaN), "exponential schedule", "gamma = NaN", "> 0");
        rejects(() -> LrSchedule.exponential(-0.5), "gamma = -0.5");
        rejects(() -> LrSchedule.step(10, Double.NaN), "step schedule", "gamma = NaN");
        rejects(() -> LrSchedule.step(0, 0.5), "stepSize = 0", ">= 1");
        rejects(() -> LrSchedule.cosine(10, Double.NaN), "cosine schedule", "etaMin = NaN", ">= 0");
        rejects(() -> LrSchedule.cosine(10, -1), "etaMin = -1.0");
        rejects(() -> Trainer.builder(sgd).clipGradNorm(-5), "clipGradNorm", "maxNorm = -5.0", "0 to disable");
        rejects(() -> Trainer.builder(sgd).clipGradNorm(Double.NaN), "clipGradNorm", "maxNorm = NaN");
    }
}
