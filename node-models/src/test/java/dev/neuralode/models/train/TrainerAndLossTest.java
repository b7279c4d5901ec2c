package dev.neuralode.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.autodiff.GradientCheck;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.optim.LrSchedule;
import dev.neuralode.models.optim.LrScheduler;
import dev.neuralode.models.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class TrainerAndLossTest {

    @Test
    void lossesMatchHandComputedValues() {
        Tape tape = new Tape();
        Tensor p = tape.constant(1, 3, 1.0, 2.0, 3.0);
        Tensor y = tape.constant(1, 3, 1.5, 2.0, 1.0);
        assertThat(LossFunctions.mse(p, y).item()).isCloseTo((0.25 + 0 + 4) / 3, within(1e-15));
        assertThat(LossFunctions.l1(p, y).item()).isCloseTo((0.5 + 0 + 2) / 3, within(1e-15));
        Tensor logits = tape.constant(2, 3, 1, 2, 3, 0, 0, 0);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertThat(LossFunctions.crossEntropy(logits, new int[]{2, 0}).item())
                .isCloseTo(((lse - 3) + Math.log(3)) / 2, within(1e-14));
        Tensor mu = tape.constant(1, 2, 0.5, -1.0);
        Tensor lv = tape.constant(1, 2, 0.2, -0.4);
        double kl = 0.5 * (Math.exp(0.2) + 0.25 - 1 - 0.2) + 0.5 * (Math.exp(-0.4) + 1 - 1 + 0.4);
        assertThat(LossFunctions.klStandardNormal(mu, lv).item()).isCloseTo(kl, within(1e-14));
        assertThat(LossFunctions.klDiagonalGaussians(mu, lv, tape.constant(1, 2, 0, 0), tape.constant(1, 2, 0, 0))
                .item()).isCloseTo(kl, within(1e-14));
        double nll = 0.5 * (Math.log(2 * Math.PI) + 0.2 + 0.25 * Math.exp(-0.2));
        assertThat(LossFunctions.gaussianNll(tape.constant(1, 1, 1.0), tape.constant(1, 1, 0.2),
                tape.constant(1, 1, 1.5)).item()).isCloseTo(nll, within(1e-14));
        // binary cross-entropy with logits: -[y log σ(z) + (1 - y) log(1 - σ(z))]
        Tensor z = tape.constant(1, 2, 0.7, -1.2);
        Tensor yb = tape.constant(1, 2, 1.0, 0.25);
        double s1 = 1 / (1 + Math.exp(-0.7));
        double s2 = 1 / (1 + Math.exp(1.2));
        double bce = (-Math.log(s1) - (0.25 * Math.log(s2) + 0.75 * Math.log(1 - s2))) / 2;
        assertThat(LossFunctions.binaryCrossEntropyWithLogits(z, yb).item()).isCloseTo(bce, within(1e-14));
        // log N(z; 0, I) of a row and the reparameterised sample
        assertThat(LossFunctions.standardNormalLogProb(tape.constant(1, 2, 0.5, -1.0)).item())
                .isCloseTo(-0.5 * (0.25 + 1.0) - Math.log(2 * Math.PI), within(1e-14));
        Tensor zs = LossFunctions.reparameterize(mu, lv, tape.constant(1, 2, 2.0, -1.0));
        assertThat(zs.get(0, 0)).isCloseTo(0.5 + Math.exp(0.1) * 2.0, within(1e-14));
        assertThat(zs.get(0, 1)).isCloseTo(-1.0 - Math.exp(-0.2), within(1e-14));
        Tensor ll = tape.constant(1, 1, -3.0);
        assertThat(LossFunctions.negativeElbo(ll, mu, lv, 1.0).item()).isCloseTo(3.0 + kl, within(1e-14));
        assertThat(LossFunctions.negativeElbo(ll, mu, lv, 0.25).item()).isCloseTo(3.0 + 0.25 * kl, within(1e-14));
        // KL between two non-standard diagonal Gaussians, one coordinate by hand
        double kl2 = 0.5 * (0.3 - 0.2 + (Math.exp(0.2) + Math.pow(0.5 - 0.1, 2)) / Math.exp(0.3) - 1)
                + 0.5 * (0.3 + 0.4 + (Math.exp(-0.4) + Math.pow(-1.0 - 0.1, 2)) / Math.exp(0.3) - 1);
        assertThat(LossFunctions.klDiagonalGaussians(mu, lv, tape.constant(1, 2, 0.1, 0.1),
                tape.constant(1, 2, 0.3, 0.3)).item()).isCloseTo(kl2, within(1e-14));
        assertThatThrownBy(() -> LossFunctions.mse(p, logits)).hasMessageContaining("1x3").hasMessageContaining("2x3");
        assertThatThrownBy(() -> LossFunctions.crossEntropy(logits, new int[]{3, 0})).hasMessageContaining("label 3");
        var r = GradientCheck.firstOrder(xs -> LossFunctions.gaussianNll(xs[0], xs[1], xs[2])
                        .add(LossFunctions.klStandardNormal(xs[0], xs[1]).sum()),
                new DMatrixRMaj[]{new DMatrixRMaj(2, 2, true, 0.1, 0.2, 0.3, 0.4),
                    new DMatrixRMaj(2, 2, true, -0.1, 0.2, 0.0, 0.5), new DMatrixRMaj(2, 2, true, 1, 2, 3, 4)}, 1e-6);
        assertThat(r.maxError()).as(r.toString()).isLessThan(1e-7);
    }

    @Test
    void trainerFitsRegressionAndReportsEveryIteration() {
        Random rng = new Random(0);
        double[][] x = new double[32][2];
        double[][] y = new double[32][1];
        for (int i = 0; i < 32; i++) {
            x[i][0] = rng.nextGaussian();
            x[i][1] = rng.nextGaussian();
            y[i][0] = Math.sin(x[i][0]) + 0.5 * x[i][1];
        }
        Sequential net = Mlp.builder(2).hidden(16).out(1).seed(1).build();
        Adam adam = new Adam(net.parameters(), 0.02);
        List<IterationEvent> events = new ArrayList<>();
        TrainingResult r = Trainer.builder(adam).iterations(200).clipGradNorm(10)
                .scheduler(new LrScheduler(adam, LrSchedule.exponential(0.999))).callback(events::add).logEvery(100)
                .build()
                .fit((tape, it) -> LossFunctions.mse(net.forward(tape.constant(x)), tape.constant(y)));
        assertThat(events).hasSize(200);
        assertThat(r.iterations()).isEqualTo(200);
        assertThat(r.finalLoss()).isLessThan(0.05 * r.losses()[0]);
        assertThat(events.get(1).lr()).isCloseTo(0.02 * 0.999, within(1e-15));
        assertThat(events.get(199).elapsedNanos()).isGreaterThanOrEqualTo(events.get(0).elapsedNanos());
        assertThat(r.stoppedEarly()).isFalse();
    }

    /** The trainer logs through slf4j: captured here with a logback list appender. */
    @Test
    void trainerLogsProgressThroughSlf4j() {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Trainer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            Linear lin = new Linear(1, 1, new Random(0));
            Trainer.builder(new Sgd(lin.parameters(), 0.1)).iterations(25).logEvery(10).nfe(() -> 7L).build()
                    .fit((tape, it) -> tape.param(lin.param("weight")).square().sum());
        } finally {
            logger.detachAppender(appender);
        }
        List<String> lines = appender.list.stream()
                .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        // iterations 0, 10, 20 and the last one, 24
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("iter 0 loss ").contains("nfe(f/b) 0/0").contains("lr 0.100");
        assertThat(lines.get(3)).startsWith("iter 24 loss ").contains("elapsed");
    }

    @Test
    void earlyStoppingOnAMaximisedMetricEvaluatedEveryFewIterations() {
        Linear lin = new Linear(1, 1, new Random(0));
        // "accuracy" rises until iteration 19, then stays flat; evaluated every 5 iterations
        EarlyStopping rule = new EarlyStopping(e -> Math.min(e.iteration(), 19) / 19.0, 5, 2, 0.0, false);
        TrainingResult r = Trainer.builder(new Sgd(lin.parameters(), 0.0)).iterations(100).earlyStopping(rule).build()
                .fit((tape, it) -> tape.param(lin.param("weight")).scale(0).sum());
        // evaluated at iterations 4, 9, 14, 19 (best, 1.0), 24, 29: two evaluations without gain
        assertThat(r.stoppedEarly()).isTrue();
        assertThat(r.bestIteration()).isEqualTo(19);
        assertThat(r.bestMetric()).isEqualTo(1.0);
        assertThat(r.iterations()).isEqualTo(30);
    }

    @Test
    void earlyStoppingHaltsWhenTheMetricStalls() {
        Linear lin = new Linear(1, 1, new Random(0));
        // a loss that stops improving after iteration 10
        TrainingResult r = Trainer.builder(new Sgd(lin.parameters(), 0.0)).iterations(100)
                .earlyStopping(EarlyStopping.onLoss(5, 1e-9)).build()
                .fit((tape, it) -> tape.param(lin.param("weight")).scale(0).add(Math.max(10 - it, 0)).sum());
        assertThat(r.stoppedEarly()).isTrue();
        assertThat(r.bestIteration()).isEqualTo(10);
        assertThat(r.iterations()).isEqualTo(16);
        assertThatThrownBy(() -> Trainer.builder(new Sgd(lin.parameters(), 0.1)).iterations(3).build()
                .fit((tape, it) -> tape.param(lin.param("weight")).scale(Double.NaN).sum()))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("iteration 0");
    }
}
