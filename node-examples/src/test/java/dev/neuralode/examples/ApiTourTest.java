package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.models.io.Npz;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.ode.NeuralOde;
import dev.neuralode.models.ode.OdeBlock;
import dev.neuralode.models.ode.OdeFunction;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.Trainer;
import dev.neuralode.models.train.TrainingResult;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.events.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API tour of the root README, compiled and run: if a README snippet stops compiling or its
 * result changes, this test fails. Each method holds one snippet as printed there, followed by
 * assertions against an independent reference.
 */
class ApiTourTest {

    @Test
    void solveAnOde() {
        // README: "Solve an ODE"
        OdeSystem f = (t, y, dydt) -> { dydt[0] = y[1]; dydt[1] = -y[0]; };   // harmonic oscillator
        OdeSolution sol = OdeSolvers.solve(f, new double[] {1, 0}, new double[] {0, 1, 2, 3},
                SolverOptions.builder().method("dopri5").rtol(1e-8).atol(1e-10).build());
        double[] y3 = sol.state(3);                                          // ≈ (cos 3, -sin 3)
        // end of snippet
        assertThat(y3[0]).isCloseTo(Math.cos(3), within(1e-7));
        assertThat(y3[1]).isCloseTo(-Math.sin(3), within(1e-7));
        assertThat(sol.stats().functionEvaluations()).isPositive();
    }

    @Test
    void events() {
        // README: "Events"
        OdeSystem fall = (t, y, d) -> { d[0] = y[1]; d[1] = -9.81; };        // (height, velocity)
        Event bounce = Event.when((t, y) -> y[0]).falling()
                .reset((t, y, yNew) -> { yNew[0] = 0; yNew[1] = -0.9 * y[1]; });
        Event stop = Event.when((t, y) -> t - 5).terminal();                 // end at t = 5
        OdeSolution ball = OdeSolvers.solve(fall, new double[] {10, 0}, new double[] {0, 100},
                SolverOptions.builder().rtol(1e-10).atol(1e-12).events(bounce, stop).build());
        double firstBounce = ball.events().get(0).time();                    // √(2·10/9.81)
        boolean stopped = ball.terminated();                                 // true: times() ends at 5
        // end of snippet
        assertThat(firstBounce).isCloseTo(Math.sqrt(2 * 10 / 9.81), within(1e-11));
        assertThat(stopped).isTrue();
        assertThat(ball.times()).containsExactly(new double[] {0, 5}, within(1e-12));
        double v0 = Math.sqrt(2 * 10 * 9.81);
        assertThat(ball.events()).hasSize(3);                              // two bounces, then the stop
        assertThat(ball.events().get(1).time()).isCloseTo(v0 / 9.81 * (1 + 2 * 0.9), within(1e-10));
    }

    @Test
    void differentiateThroughASolve() {
        // README: "Dynamics on the tape, and the gradient of a solve"
        Parameter a = new Parameter("A", new DMatrixRMaj(new double[][] {{-0.1, 2.0}, {-2.0, -0.1}}));
        Dynamics f = new Dynamics() {                                   // dh/dt = h A  (batch × 2)
            @Override public Tensor apply(Tensor t, Tensor h) { return h.matmul(h.tape().param(a)); }
            @Override public List<Parameter> parameters() { return List.of(a); }
        };
        Tape tape = new Tape();
        Tensor y0 = tape.constant(new DMatrixRMaj(new double[][] {{2.0, 0.0}}));
        OdeSolveResult ys = OdeSolve.solve(f, y0, new double[] {0.0, 0.5, 1.0},
                SolverOptions.builder().method("dopri5").rtol(1e-9).atol(1e-11).build(),
                GradientMethod.adjoint());                               // or direct(), checkpointed()
        Tensor loss = ys.at(2).square().sum();                           // L = |y(1)|²
        tape.backward(loss);                                             // a.grad() = dL/dA
        // end of snippet
        DMatrixRMaj analytic = a.grad().copy();
        // independent reference: central finite differences of L through a commons-free solve
        double eps = 1e-6;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double fd = (lossAt(a.value(), i, j, eps) - lossAt(a.value(), i, j, -eps)) / (2 * eps);
                assertThat(analytic.get(i, j)).isCloseTo(fd, within(1e-5 * Math.max(1, Math.abs(fd))));
            }
        }
    }

    private static double lossAt(DMatrixRMaj a, int i, int j, double delta) {
        DMatrixRMaj m = a.copy();
        m.add(i, j, delta);
        OdeSystem f = (t, y, dydt) -> {
            dydt[0] = y[0] * m.get(0, 0) + y[1] * m.get(1, 0);
            dydt[1] = y[0] * m.get(0, 1) + y[1] * m.get(1, 1);
        };
        double[] y = OdeSolvers.solve(f, new double[] {2, 0}, new double[] {0, 1},
                SolverOptions.builder().method("dopri8").rtol(1e-13).atol(1e-15).build()).state(1);
        return y[0] * y[0] + y[1] * y[1];
    }

    @Test
    void trainSaveAndLoad(@TempDir Path dir) throws Exception {
        // README: "Train a neural ODE with the adjoint, save and load it"
        Random rng = new Random(0);
        DMatrixRMaj x = new DMatrixRMaj(64, 2);
        DMatrixRMaj target = new DMatrixRMaj(64, 2);
        for (int r = 0; r < 64; r++) {                         // learn the rotation (x, y) -> (-y, x)
            x.set(r, 0, rng.nextGaussian());
            x.set(r, 1, rng.nextGaussian());
            target.set(r, 0, -x.get(r, 1));
            target.set(r, 1, x.get(r, 0));
        }
        OdeFunction func = OdeFunction.of(Mlp.builder(2).hidden(16).out(2).seed(1).build());
        OdeBlock block = new OdeBlock(func, 0.0, 1.0,
                SolverOptions.builder().method("dopri5").rtol(1e-5).atol(1e-7).build(),
                GradientMethod.adjoint());
        NeuralOde model = new NeuralOde(new Linear(2, 2, rng), block, new Linear(2, 2, rng));
        TrainingResult result = Trainer.builder(new Adam(model.parameters(), 1e-2))
                .iterations(150)
                .nfe(model::nfe)
                .build()
                .fit((tape, it) -> LossFunctions.mse(model.forward(tape.constant(x)), tape.constant(target)));
        Path file = dir.resolve("model.npz");
        Npz.save(model, file);                     // numpy.load("model.npz")["ode.func.net.0.weight"]
        Npz.load(model, file);                     // checks every name and shape first
        // end of snippet
        assertThat(result.finalLoss()).isLessThan(0.1 * result.losses()[0]);
        assertThat(Files.size(file)).isPositive();
        assertThat(Npz.read(file)).containsKeys("encoder.weight", "ode.func.net.0.weight", "decoder.bias");
    }
}
