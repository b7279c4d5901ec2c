package dev.neuralode.models.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.io.Npz;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.ode.NeuralOde;
import dev.neuralode.models.ode.OdeBlock;
import dev.neuralode.models.ode.OdeFunction;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.optim.LrSchedule;
import dev.neuralode.models.optim.LrScheduler;
import dev.neuralode.models.optim.Sgd;
import dev.neuralode.solvers.SolverOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 13: a stop request ends training after the current iteration; a checkpoint
 * (weights, Adam's moments and step count, the schedule, early stopping with its best weights, the
 * random generator, the iteration) resumes to a result bit for bit equal to the uninterrupted run's;
 * early stopping restores the best weights; checkpoints that do not fit are refused naming why; the
 * trainer closes its tapes.
 */
class CheckpointResumeTest {

    static final int ITERATIONS = 20;

    @TempDir
    Path dir;

    /** A tiny neural ODE regression, its data, and a trainer configuration built from seeds. */
    static final class Run {
        final NeuralOde model;
        final Adam adam;
        final ResumableRandom rng;
        final Trainer.Builder builder;
        final double[][] x = new double[40][2];
        final double[][] y = new double[40][1];

        Run(long initSeed, long rngSeed) {
            Random init = new Random(initSeed);
            OdeFunction f = OdeFunction.of(Mlp.builder(3).hidden(6).out(3).seed(initSeed + 1).build());
            OdeBlock block = new OdeBlock(f, 0.0, 1.0,
                    SolverOptions.builder().method("dopri5").rtol(1e-6).atol(1e-8).build(), GradientMethod.adjoint());
            model = new NeuralOde(new Linear(2, 3, init), block, new Linear(3, 1, init));
            Random data = new Random(5);
            for (int i = 0; i < x.length; i++) {
                x[i][0] = 2 * data.nextDouble() - 1;
                x[i][1] = 2 * data.nextDouble() - 1;
                y[i][0] = Math.sin(2 * x[i][0]) + x[i][1] * x[i][1];
            }
            adam = new Adam(model.parameters(), 2e-2);
            rng = new ResumableRandom(rngSeed);
            builder = Trainer.builder(adam).iterations(ITERATIONS).clipGradNorm(1.0)
                    .scheduler(new LrScheduler(adam, LrSchedule.cosine(ITERATIONS, 1e-4)))
                    .earlyStopping(EarlyStopping.onLoss(100, 0.0).restoreBestWeights())
                    .random(rng).nfe(model::nfe);
        }

        /** A mini-batch of 15 rows and Gaussian target noise (an odd count: a cached Gaussian crosses iterations). */
        Tensor loss(Tape tape, int it) {
            double[][] bx = new double[15][];
            double[][] by = new double[15][1];
            for (int i = 0; i < 15; i++) {
                int k = rng.nextInt(x.length);
                bx[i] = x[k];
                by[i][0] = y[k][0] + 0.05 * rng.nextGaussian();
            }
            return LossFunctions.mse(model.forward(tape.constant(bx)), tape.constant(by)).scale(1 + it / 50.0);
        }

        double[][] weights() {
            List<Parameter> ps = model.parameters();
            double[][] w = new double[ps.size()][];
            for (int i = 0; i < w.length; i++) {
                w[i] = ps.get(i).value().data.clone();
            }
            return w;
        }
    }

    @Test
    void resumingFromAStopRequestOrAPeriodicCheckpointIsBitIdenticalToTheUninterruptedRun() throws Exception {
        Run a = new Run(1, 7);
        TrainingResult ra = a.builder.build().fit(a::loss);
        double[][] wa = a.weights();
        assertThat(ra.iterations()).isEqualTo(ITERATIONS);

        // stopped by a callback after iteration 10, checkpointing every 7 iterations; the periodic
        // checkpoint after 14 iterations would be the one left by a run killed during iteration 14
        Path ckpt = dir.resolve("run.npz");
        Run b = new Run(1, 7);
        StopRequest stop = new StopRequest();
        TrainingResult rb = b.builder.checkpoint(ckpt, 7).stopRequest(stop)
                .callback(e -> {
                    if (e.iteration() == 10) {
                        stop.request("test stop");
                    }
                })
                .build().fit(b::loss);
        assertThat(rb.iterations()).isEqualTo(11);
        assertThat(rb.stopRequested()).isTrue();
        assertThat(rb.stopReason()).isEqualTo("test stop");
        assertThat(rb.stoppedEarly()).isFalse();
        assertThat(Npz.read(ckpt).get("trainer.iteration").data()).containsExactly(11.0);
        assertThat(Npz.read(ckpt).get("optimizer.steps").data()).containsExactly(11.0);
        assertThat(Npz.read(ckpt)).containsKeys("optimizer.state0.encoder.weight", "optimizer.state1.decoder.bias",
                "random.state", "scheduler.epoch", "early.state", "early.best.encoder.weight");

        Path periodic = dir.resolve("periodic.npz");
        Path ckpt2 = dir.resolve("run2.npz");
        Run b2 = new Run(1, 7);
        b2.builder.checkpoint(ckpt2, 7).callback(e -> {
            if (e.iteration() == 14) { // the checkpoint written after iteration 13 (14 done)
                try {
                    Files.copy(ckpt2, periodic);
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
        }).build().fit(b2::loss);
        assertThat(Npz.read(periodic).get("trainer.iteration").data()).containsExactly(14.0);

        for (Path from : List.of(ckpt, periodic)) {
            // other initial weights and another generator seed: everything comes from the checkpoint
            Run c = new Run(99, 12345);
            TrainingResult rc = c.builder.resumeFrom(from).build().fit(c::loss);
            assertThat(rc.iterations()).isEqualTo(ITERATIONS);
            assertThat(rc.losses()).as("losses resumed from %s", from.getFileName()).containsExactly(ra.losses());
            assertThat(rc.bestIteration()).isEqualTo(ra.bestIteration());
            double[][] wc = c.weights();
            for (int i = 0; i < wa.length; i++) {
                assertThat(wc[i]).as("parameter %s resumed from %s", c.model.parameters().get(i).name(),
                        from.getFileName()).containsExactly(wa[i]);
            }
            assertThat(rc.forwardNfe()).isEqualTo(ra.forwardNfe());
        }
        System.out.printf("resume: final loss %.9f, best iteration %d, forward NFE %d: identical after resuming "
                + "at iterations 11 and 14%n", ra.finalLoss(), ra.bestIteration(), ra.forwardNfe());

        // the weights alone load into a model with a prefix renaming
        Run d = new Run(42, 1);
        Npz.LoadReport rep = Npz.load(d.model, ckpt, Npz.LoadOptions.lenient().withPrefix("param.", ""));
        assertThat(rep.missing()).isEmpty();
        assertThat(rep.loaded()).hasSize(d.model.parameters().size());
    }

    @Test
    void aStopRequestedBeforeTheStartEndsAfterOneIterationAndWritesTheCheckpoint() throws Exception {
        Run r = new Run(1, 7);
        Path ckpt = dir.resolve("one.npz");
        Trainer t = r.builder.checkpoint(ckpt, 0).build();
        t.stopRequest().request("SIGINT");
        TrainingResult res = t.fit(r::loss);
        assertThat(res.iterations()).isEqualTo(1);
        assertThat(res.stopRequested()).isTrue();
        assertThat(res.stopReason()).isEqualTo("SIGINT");
        assertThat(Npz.read(ckpt).get("trainer.iteration").data()).containsExactly(1.0);
    }

    @Test
    void earlyStoppingRestoresTheWeightsOfTheBestLoss() {
        Run r = new Run(3, 8);
        List<double[][]> atStart = new ArrayList<>(); // the weights each iteration's loss was computed with
        TrainingResult res = Trainer.builder(r.adam).iterations(60)
                .earlyStopping(EarlyStopping.onLoss(4, 0.0).restoreBestWeights())
                .build().fit((tape, it) -> {
                    atStart.add(r.weights());
                    return r.loss(tape, it);
                });
        assertThat(res.stoppedEarly()).isTrue();
        int best = res.bestIteration();
        double min = Double.POSITIVE_INFINITY;
        for (double l : res.losses()) {
            min = Math.min(min, l);
        }
        assertThat(res.losses()[best]).isEqualTo(min).isEqualTo(res.bestMetric());
        assertThat(best).isLessThan(res.iterations() - 1);
        double[][] w = r.weights();
        for (int i = 0; i < w.length; i++) {
            assertThat(w[i]).containsExactly(atStart.get(best)[i]);
        }
        System.out.printf("early stopping: stopped after %d iterations, restored the weights of iteration %d "
                + "(loss %.6f)%n", res.iterations(), best, min);

        // a metric computed after the step (here: of the weights themselves) restores the weights after that step
        Run s = new Run(4, 9);
        List<double[][]> afterStep = new ArrayList<>();
        Parameter w0 = s.model.parameters().get(0);
        EarlyStopping rule = new EarlyStopping(e -> Math.abs(w0.value().data[0] - 0.1), 1, 3, 0.0, true)
                .restoreBestWeights();
        TrainingResult rs = Trainer.builder(s.adam).iterations(40).earlyStopping(rule)
                .callback(e -> afterStep.add(s.weights())).build().fit(s::loss);
        double[][] ws = s.weights();
        for (int i = 0; i < ws.length; i++) {
            assertThat(ws[i]).containsExactly(afterStep.get(rs.bestIteration())[i]);
        }
        assertThat(Math.abs(ws[0][0] - 0.1)).isEqualTo(rs.bestMetric());
    }

    @Test
    void aCheckpointThatDoesNotFitIsRefusedNamingWhyAndChangesNothing() {
        Path ckpt = dir.resolve("c.npz");
        Run a = new Run(1, 7);
        a.builder.iterations(3).checkpoint(ckpt, 0).build().fit(a::loss);

        Run sgd = new Run(2, 7);
        double[][] before = sgd.weights();
        Trainer t = Trainer.builder(new Sgd(sgd.model.parameters(), 0.1)).iterations(5).resumeFrom(ckpt).build();
        assertThatThrownBy(() -> t.fit(sgd::loss)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot resume from " + ckpt)
                .hasMessageContaining("written with optimizer dev.neuralode.models.optim.Adam, this trainer uses "
                        + "dev.neuralode.models.optim.Sgd")
                .hasMessageContaining("the checkpoint holds the state of early stopping but this trainer has none")
                .hasMessageContaining("the checkpoint holds the state of a learning-rate scheduler but this trainer has none")
                .hasMessageContaining("nothing was changed");
        assertThat(sgd.weights()).isDeepEqualTo(before);

        Linear other = new Linear(2, 5, new Random(0));
        Adam adam = new Adam(other.parameters(), 1e-2);
        assertThatThrownBy(() -> Trainer.builder(adam).iterations(2).resumeFrom(ckpt).build()
                .fit((tape, it) -> other.forward(tape.constant(new double[][]{{1, 2}})).sum()))
                .hasMessageContaining("no value for parameter 'weight'")
                .hasMessageContaining("the checkpoint has parameter 'encoder.weight', which this trainer does not train")
                .hasMessageContaining("beyond this trainer's 2 iterations");
        assertThatThrownBy(() -> Trainer.builder(adam).resumeFrom(dir.resolve("none.npz")))
                .hasMessageContaining("no checkpoint file").hasMessageContaining("none.npz");
        assertThatThrownBy(() -> Trainer.builder(adam).checkpoint(dir, 5)).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> Trainer.builder(adam).checkpoint(ckpt, -1)).hasMessageContaining("every = -1");
    }

    @Test
    void theTrainerClosesItsTapes() {
        Run r = new Run(1, 7);
        List<Tape> tapes = new ArrayList<>();
        r.builder.iterations(2).build().fit((tape, it) -> {
            tapes.add(tape);
            return r.loss(tape, it);
        });
        assertThat(tapes).hasSize(2);
        for (Tape t : tapes) {
            assertThatThrownBy(() -> t.variable(new org.ejml.data.DMatrixRMaj(1, 1)).square())
                    .hasMessageContaining("this tape was closed");
        }
    }

    @Test
    void resumableRandomDrawsWhatJavaUtilRandomDrawsAndRestoresMidGaussian() {
        Random ref = new Random(2026);
        ResumableRandom r = new ResumableRandom(2026);
        for (int i = 0; i < 2000; i++) {
            switch (i % 6) {
                case 0 -> assertThat(r.nextDouble()).isEqualTo(ref.nextDouble());
                case 1 -> assertThat(r.nextInt(37)).isEqualTo(ref.nextInt(37));
                case 2 -> assertThat(r.nextGaussian()).isEqualTo(ref.nextGaussian());
                case 3 -> assertThat(r.nextLong()).isEqualTo(ref.nextLong());
                case 4 -> assertThat(r.nextFloat()).isEqualTo(ref.nextFloat());
                default -> assertThat(r.nextBoolean()).isEqualTo(ref.nextBoolean());
            }
        }
        r.nextGaussian();
        if (r.state()[1] == 0) {
            r.nextGaussian(); // now the second value of a pair is cached
        }
        double[] s = r.state();
        assertThat(s[1]).isEqualTo(1.0);
        double[] expected = {r.nextGaussian(), r.nextGaussian(), r.nextDouble(), r.nextGaussian()};
        ResumableRandom q = new ResumableRandom(0);
        q.setState(s);
        assertThat(new double[]{q.nextGaussian(), q.nextGaussian(), q.nextDouble(), q.nextGaussian()})
                .containsExactly(expected);
        r.setSeed(5);
        assertThat(r.nextInt()).isEqualTo(new Random(5).nextInt());
        assertThatThrownBy(() -> q.setState(new double[]{-1, 0, 0})).hasMessageContaining("not a saved state");
    }
}
