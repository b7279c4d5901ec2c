package dev.neuralode.models.ode;

import dev.neuralode.models.GradientChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.Trainer;
import dev.neuralode.models.train.TrainingResult;
import dev.neuralode.solvers.SolverOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatentOdeTest {

    static final SolverOptions RK4 = SolverOptions.builder().method("rk4").stepSize(0.1).build();

    /**
     * Noisy 2-D spirals (clockwise or anticlockwise, random phase, growing radius), each observed
     * at its own random subset of a 0.1-spaced grid on [0, 2.9].
     */
    static List<IrregularSeries> spirals(int count, int points, double noise, Random rng) {
        List<IrregularSeries> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double dir = rng.nextBoolean() ? 1 : -1;
            double phase = 2 * Math.PI * rng.nextDouble();
            boolean[] pick = new boolean[30];
            for (int k = 0; k < points; ) {
                int i = rng.nextInt(30);
                if (!pick[i]) {
                    pick[i] = true;
                    k++;
                }
            }
            double[] times = new double[points];
            double[][] values = new double[points][2];
            for (int i = 0, k = 0; i < 30; i++) {
                if (pick[i]) {
                    double t = 0.1 * i;
                    double r = 0.5 + 0.3 * t;
                    double th = phase + dir * 1.5 * t;
                    times[k] = t;
                    values[k][0] = r * Math.cos(th) + noise * rng.nextGaussian();
                    values[k][1] = r * Math.sin(th) + noise * rng.nextGaussian();
                    k++;
                }
            }
            out.add(new IrregularSeries(times, values));
        }
        return out;
    }

    private static TrainingResult train(LatentOde model, List<IrregularSeries> data, int iterations) {
        Random eps = new Random(5);
        return Trainer.builder(new Adam(model.parameters(), 0.01)).iterations(iterations).nfe(model::nfe).build()
                .fit((tape, it) -> model.elbo(tape, data, 1.0, eps).loss());
    }

    @Test
    void rnnEncoderLowersNegativeElboOnIrregularSpirals() {
        List<IrregularSeries> data = spirals(16, 10, 0.1, new Random(1));
        assertThat(data.get(0).times()).isNotEqualTo(data.get(1).times());
        LatentOde model = new LatentOde(2, 4, 16, LatentOde.Encoder.RNN, 0.1, RK4, GradientMethod.direct(), 0);
        TrainingResult r = train(model, data, 60);
        System.out.printf("latent ODE (RNN encoder): -ELBO %.1f -> %.1f%n", r.meanOfFirst(5), r.meanOfLast(5));
        assertThat(r.meanOfLast(5)).isLessThan(0.7 * r.meanOfFirst(5));
        assertThat(r.forwardNfe()).isPositive();
    }

    @Test
    void odeRnnEncoderLowersNegativeElbo() {
        List<IrregularSeries> data = spirals(8, 8, 0.1, new Random(2));
        LatentOde model = new LatentOde(2, 4, 12, LatentOde.Encoder.ODE_RNN, 0.1, RK4, GradientMethod.direct(), 1);
        assertThat(model.namedParameters()).containsKey("encoder_ode.net.0.weight");
        TrainingResult r = train(model, data, 25);
        System.out.printf("latent ODE (ODE-RNN encoder): -ELBO %.1f -> %.1f%n", r.meanOfFirst(3), r.meanOfLast(3));
        assertThat(r.meanOfLast(3)).isLessThan(0.8 * r.meanOfFirst(3));
        Tape tape = new Tape();
        var pred = model.predict(tape, data.subList(0, 2), new double[]{0.0, 1.0, 2.0});
        assertThat(pred).hasSize(3);
        assertThat(pred[2].rows()).isEqualTo(2);
    }

    /**
     * Masks: with each sequence on its own times (sharing only t0 = 0), a sequence's posterior and
     * its predictions at its own times are the same in a batch as alone, for both encoders; and the
     * ELBO's parts add up to the loss.
     */
    @Test
    void eachSequenceIsEncodedAndDecodedOnItsOwnTimes() {
        Random rng = new Random(4);
        double[][] times = {{0, 0.3, 0.7, 1.5}, {0, 0.2, 0.3, 2.0, 2.4}, {0, 1.1}};
        List<IrregularSeries> batch = new ArrayList<>();
        for (double[] t : times) {
            double[][] v = new double[t.length][2];
            for (double[] row : v) {
                row[0] = rng.nextGaussian();
                row[1] = rng.nextGaussian();
            }
            batch.add(new IrregularSeries(t, v));
        }
        double[] union = {0, 0.2, 0.3, 0.7, 1.1, 1.5, 2.0, 2.4};
        for (LatentOde.Encoder kind : LatentOde.Encoder.values()) {
            LatentOde model = new LatentOde(2, 3, 8, kind, 0.1, RK4, GradientMethod.direct(), 2);
            Tape tape = new Tape();
            var q = model.encode(tape, batch);
            var pred = model.predict(tape, batch, union);
            for (int b = 0; b < batch.size(); b++) {
                var alone = model.encode(tape, List.of(batch.get(b)));
                var own = model.predict(tape, List.of(batch.get(b)), times[b]);
                for (int j = 0; j < 3; j++) {
                    assertThat(alone[0].get(0, j)).as("%s mu[%d][%d]", kind, b, j).isCloseTo(q[0].get(b, j), within(1e-10));
                    assertThat(alone[1].get(0, j)).as("%s logVar[%d][%d]", kind, b, j)
                            .isCloseTo(q[1].get(b, j), within(1e-10));
                }
                for (int i = 0; i < times[b].length; i++) {
                    int k = java.util.Arrays.binarySearch(union, times[b][i]);
                    for (int j = 0; j < 2; j++) {
                        assertThat(own[i].get(0, j)).as("%s prediction", kind).isCloseTo(pred[k].get(b, j), within(1e-10));
                    }
                }
            }
            LatentOde.Elbo e = model.elbo(new Tape(), batch, 1.0, new Random(1));
            assertThat(e.loss().item()).isCloseTo(-e.logLikelihood() + e.kl(), within(1e-9));
            LatentOde.Elbo half = model.elbo(new Tape(), batch, 0.5, new Random(1));
            assertThat(half.loss().item()).isCloseTo(-e.logLikelihood() + 0.5 * e.kl(), within(1e-9));
            assertThat(e.kl()).isPositive();
        }
    }

    /**
     * End to end (encoder run backwards with masks, reparameterisation, latent solve, decoder,
     * ELBO): every parameter's gradient of the negative ELBO matches central differences, for
     * both encoders, with fixed noise ε.
     */
    @Test
    void elboGradientMatchesFiniteDifferencesForBothEncoders() {
        List<IrregularSeries> batch = spirals(3, 4, 0.1, new Random(6));
        for (LatentOde.Encoder kind : LatentOde.Encoder.values()) {
            LatentOde model = new LatentOde(2, 2, 4, kind, 0.3, RK4, GradientMethod.direct(), 3);
            Tape tape = new Tape();
            tape.backward(model.elbo(tape, batch, 1.0, new Random(11)).loss());
            double[] fds = GradientChecks.centralDifferences(model.parameters(), 1e-6,
                    () -> model.elbo(new Tape(), batch, 1.0, new Random(11)).loss().item());
            double err = 0;
            double scale = 0;
            int k = 0;
            for (var p : model.parameters()) {
                for (int i = 0; i < p.size(); i++) {
                    double fd = fds[k++];
                    err = Math.max(err, Math.abs(p.grad().data[i] - fd) / (1 + Math.abs(fd)));
                    scale = Math.max(scale, Math.abs(fd));
                }
            }
            System.out.printf("latent ODE (%s): %d parameters, max relative |grad - finite difference| %.1e"
                    + " (max |grad| %.2f)%n", kind, model.parameterCount(), err, scale);
            assertThat(scale).isGreaterThan(1.0);
            assertThat(err).as(kind.toString()).isLessThan(1e-6);
        }
    }

    @Test
    void badSequencesAreRejected() {
        assertThatThrownBy(() -> new IrregularSeries(new double[]{0, 0.5, 0.4}, new double[3][2]))
                .hasMessageContaining("times[2] = 0.4 after 0.5");
        LatentOde model = new LatentOde(2, 4, 8, LatentOde.Encoder.RNN, 0.1, RK4, GradientMethod.direct(), 0);
        List<IrregularSeries> wrong = List.of(new IrregularSeries(new double[]{0, 1}, new double[2][3]));
        assertThatThrownBy(() -> model.elbo(new Tape(), wrong, 1.0, new Random(0)))
                .hasMessageContaining("width 3").hasMessageContaining("expects 2");
        List<IrregularSeries> ok = List.of(new IrregularSeries(new double[]{0.5, 1}, new double[2][2]));
        assertThatThrownBy(() -> model.predict(new Tape(), ok, new double[]{0.0, 1.0}))
                .hasMessageContaining("earliest observation time 0.5").hasMessageContaining("got 0.0");
        assertThat(model.predict(new Tape(), ok, new double[]{0.5, 2.0})).hasSize(2);
    }
}
