package dev.neuralode.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.models.io.Npz;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.ode.NeuralOde;
import dev.neuralode.models.ode.OdeBlock;
import dev.neuralode.models.ode.OdeFunction;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.optim.LrSchedule;
import dev.neuralode.models.optim.LrScheduler;
import dev.neuralode.models.train.EarlyStopping;
import dev.neuralode.models.train.IterationEvent;
import dev.neuralode.models.train.Trainer;
import dev.neuralode.models.train.TrainingResult;
import dev.neuralode.solvers.SolverOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example, with smaller sizes: it compiles, trains, and round-trips through .npz. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void readmeExampleRuns() throws Exception {
        // three Gaussian blobs in 4-D
        Random data = new Random(3);
        double[][] x = new double[30][4];
        int[] labels = new int[30];
        for (int i = 0; i < 30; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (j == labels[i] ? 2.0 : 0.0) + 0.5 * data.nextGaussian();
            }
        }
        Random rng = new Random(0);
        OdeFunction f = OdeFunction.of(Mlp.builder(8).hidden(16).out(8)
                .time(Mlp.TimeMode.CONCAT).activation(Activation::tanh).seed(1).build());
        OdeBlock block = new OdeBlock(f, 0.0, 1.0,
                SolverOptions.builder().method("dopri5").rtol(1e-5).atol(1e-7).build(),
                GradientMethod.adjoint());
        NeuralOde model = new NeuralOde(new Linear(4, 8, rng), block, new Linear(8, 3, rng));
        assertThat(model.namedParameters().keySet()).startsWith("encoder.weight", "encoder.bias",
                "ode.func.net.0.weight").endsWith("decoder.bias");

        Adam adam = new Adam(model.parameters(), 1e-2);
        List<IterationEvent> events = new ArrayList<>();
        TrainingResult result = Trainer.builder(adam)
                .iterations(40)
                .clipGradNorm(5.0)
                .scheduler(new LrScheduler(adam, LrSchedule.cosine(40, 1e-4)))
                .nfe(model::nfe)
                .callback(events::add)
                .earlyStopping(EarlyStopping.onLoss(50, 1e-6))
                .logEvery(20)
                .build()
                .fit((tape, it) -> LossFunctions.crossEntropy(model.forward(tape.constant(x)), labels));
        assertThat(result.finalLoss()).isLessThan(0.5 * result.losses()[0]);
        assertThat(events.get(0).forwardNfe()).isPositive();
        assertThat(events.get(0).backwardNfe()).isPositive();

        Path file = dir.resolve("model.npz");
        Npz.save(model, file);
        NeuralOde copy = new NeuralOde(new Linear(4, 8, new Random(9)), new OdeBlock(OdeFunction.of(
                Mlp.builder(8).hidden(16).out(8).time(Mlp.TimeMode.CONCAT).seed(2).build()), 0.0, 1.0,
                block.options(), GradientMethod.adjoint()), new Linear(8, 3, new Random(9)));
        Npz.load(copy, file);
        var a = model.forward(new dev.neuralode.autodiff.Tape().constant(x));
        var b = copy.forward(new dev.neuralode.autodiff.Tape().constant(x));
        assertThat(b.value().data).containsExactly(a.value().data);
    }
}
