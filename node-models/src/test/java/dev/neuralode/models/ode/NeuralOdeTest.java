package dev.neuralode.models.ode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Init;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.EarlyStopping;
import dev.neuralode.models.train.IterationEvent;
import dev.neuralode.models.train.Trainer;
import dev.neuralode.models.train.TrainingResult;
import dev.neuralode.solvers.SolverOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class NeuralOdeTest {

    static final SolverOptions RK4 = SolverOptions.builder().method("rk4").stepSize(0.1).build();

    /** Exact-enough flow of dy/dt = A y (RK4 with a tiny step), rows of y0 as column vectors. */
    static double[][] flow(double[][] a, double[][] y0, double t) {
        int n = 2000;
        double h = t / n;
        double[][] out = new double[y0.length][];
        for (int b = 0; b < y0.length; b++) {
            double[] y = y0[b].clone();
            for (int s = 0; s < n; s++) {
                double[] k1 = mul(a, y);
                double[] k2 = mul(a, axpy(y, k1, h / 2));
                double[] k3 = mul(a, axpy(y, k2, h / 2));
                double[] k4 = mul(a, axpy(y, k3, h));
                for (int i = 0; i < y.length; i++) {
                    y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
                }
            }
            out[b] = y;
        }
        return out;
    }

    static double[] mul(double[][] a, double[] y) {
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                r[i] += a[i][j] * y[j];
            }
        }
        return r;
    }

    static double[] axpy(double[] y, double[] k, double c) {
        double[] r = y.clone();
        for (int i = 0; i < r.length; i++) {
            r[i] += c * k[i];
        }
        return r;
    }

    @Test
    void recoversTheMatrixOfALinearOde() {
        double[][] a = {{-0.3, 1.0}, {-1.0, -0.2}};
        Random rng = new Random(11);
        double[][] y0 = new double[64][2];
        for (double[] row : y0) {
            row[0] = rng.nextGaussian();
            row[1] = rng.nextGaussian();
        }
        double[][] y1 = flow(a, y0, 1.0);
        Linear lin = new Linear(2, 2, false, Init.normal(0.1), new Random(0));
        NeuralOde model = NeuralOde.of(new OdeBlock(OdeFunction.of(lin), 0, 1, RK4, GradientMethod.direct()));
        List<IterationEvent> events = new ArrayList<>();
        TrainingResult r = Trainer.builder(new Adam(model.parameters(), 0.05)).iterations(250)
                .nfe(model::nfe).callback(events::add)
                .earlyStopping(EarlyStopping.onLoss(20, 0.0))
                .build()
                .fit((tape, it) -> LossFunctions.mse(model.forward(tape.constant(y0)), tape.constant(y1)));
        DMatrixRMaj w = model.namedParameters().get("ode.func.net.weight").value();
        double err = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                err = Math.max(err, Math.abs(w.get(i, j) - a[i][j]));
            }
        }
        System.out.printf("linear ODE: recovered A = [[%.4f, %.4f], [%.4f, %.4f]], max error %.1e after %d iterations,"
                + " final loss %.1e%n", w.get(0, 0), w.get(0, 1), w.get(1, 0), w.get(1, 1), err, r.iterations(),
                r.finalLoss());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertThat(w.get(i, j)).as("W[%d][%d]", i, j).isCloseTo(a[i][j], within(1e-3));
            }
        }
        assertThat(r.finalLoss()).isLessThan(1e-5);
        assertThat(events.get(0).forwardNfe()).isEqualTo(40); // 10 RK4 steps of 4 stages
        assertThat(events.get(0).elapsedNanos()).isPositive();
    }

    @Test
    void gradientMethodsAgreeAndBackwardEvaluationsAreCounted() {
        double[][] x = {{0.5, -0.2}, {1.0, 0.3}, {-0.4, 0.8}};
        double[][] y = {{0.1, 0.1}, {0.2, -0.3}, {0.0, 0.5}};
        SolverOptions dopri = SolverOptions.builder().method("dopri5").rtol(1e-9).atol(1e-11).build();
        double[][] grads = new double[3][];
        GradientMethod[] methods = {GradientMethod.direct(), GradientMethod.adjoint(), GradientMethod.checkpointed()};
        for (int m = 0; m < 3; m++) {
            NeuralOde model = new NeuralOde(new Linear(2, 3, new Random(1)), new OdeBlock(OdeFunction.of(
                    Mlp.builder(3).hidden(8).out(3).time(Mlp.TimeMode.CONCAT).seed(2).build()), 0, 1, dopri,
                    methods[m]), new Linear(3, 2, new Random(3)));
            List<IterationEvent> ev = new ArrayList<>();
            Trainer.builder(new Adam(model.parameters(), 0.0)).iterations(1).nfe(model::nfe).callback(ev::add).build()
                    .fit((tape, it) -> LossFunctions.mse(model.forward(tape.constant(x)), tape.constant(y)));
            grads[m] = model.parameters().get(2).grad().data.clone(); // ode.func.net.0.weight
            assertThat(model.parameters().get(2).name()).isEqualTo("ode.func.net.0.weight");
            assertThat(ev.get(0).forwardNfe()).isPositive();
            if (m > 0) {
                assertThat(ev.get(0).backwardNfe()).as(methods[m].name()).isPositive();
            }
            assertThat(model.ode().lastResult().stats().forwardEvaluations()).isPositive();
        }
        for (int m = 1; m < 3; m++) {
            for (int i = 0; i < grads[0].length; i++) {
                assertThat(grads[m][i]).isCloseTo(grads[0][i], within(1e-6));
            }
        }
    }

    @Test
    void wrongStateWidthIsReported() {
        NeuralOde model = NeuralOde.of(new OdeBlock(OdeFunction.of(Mlp.builder(2).hidden(4).out(2).build()),
                RK4, GradientMethod.direct()));
        Tape tape = new Tape();
        assertThatThrownBy(() -> model.forward(tape.constant(new DMatrixRMaj(3, 5))))
                .hasMessageContaining("'ode.func.net.0' (Linear 2->4)").hasMessageContaining("3x5");
        AugmentedNeuralOde anode = new AugmentedNeuralOde(2, 1, new OdeBlock(OdeFunction.of(
                Mlp.builder(3).hidden(4).out(3).build()), RK4, GradientMethod.direct()), new Linear(3, 1, new Random(0)));
        assertThatThrownBy(() -> anode.forward(tape.constant(new DMatrixRMaj(3, 3))))
                .hasMessageContaining("AugmentedNeuralOde 2+1").hasMessageContaining("batch x 2")
                .hasMessageContaining("3x3");
        SecondOrderNeuralOde second = new SecondOrderNeuralOde(2, new Linear(4, 2, new Random(0)), 0, 1, RK4,
                GradientMethod.direct());
        assertThatThrownBy(() -> second.forward(tape.constant(new DMatrixRMaj(3, 2))))
                .hasMessageContaining("SecondOrderNeuralOde").hasMessageContaining("batch x 4")
                .hasMessageContaining("3x2");
        ContinuousNormalizingFlow cnf = new ContinuousNormalizingFlow(2, Mlp.builder(2).out(2).build(), 1.0, RK4,
                GradientMethod.direct(), ContinuousNormalizingFlow.TraceEstimator.EXACT);
        assertThatThrownBy(() -> cnf.logProb(tape.constant(new DMatrixRMaj(3, 5)), new Random(0)))
                .hasMessageContaining("ContinuousNormalizingFlow").hasMessageContaining("batch x 2")
                .hasMessageContaining("3x5");
    }

    private static double accuracy(Tensor logits, int[] labels) {
        int ok = 0;
        for (int b = 0; b < labels.length; b++) {
            ok += (logits.get(b, 0) > 0 ? 1 : 0) == labels[b] ? 1 : 0;
        }
        return ok / (double) labels.length;
    }

    private static double train(NeuralOde model, double[][] x, int[] labels) {
        DMatrixRMaj y = new DMatrixRMaj(labels.length, 1);
        for (int b = 0; b < labels.length; b++) {
            y.data[b] = labels[b];
        }
        Trainer.builder(new Adam(model.parameters(), 0.05)).iterations(150).build().fit((tape, it) ->
                LossFunctions.binaryCrossEntropyWithLogits(model.forward(tape.constant(x)), tape.constant(y)));
        return accuracy(model.forward(new Tape().constant(x)), labels);
    }

    /**
     * Dupont et al. 2019: the 1-D flow of a neural ODE is monotone, so a linear read-out cannot
     * put the inner interval on one side and both outer intervals on the other (at most 75% here);
     * one augmented dimension lets trajectories pass each other.
     */
    @Test
    void augmentationSeparatesConcentricIntervals() {
        Random rng = new Random(3);
        int n = 100;
        double[][] x = new double[n][1];
        int[] labels = new int[n];
        for (int b = 0; b < n; b++) {
            if (b % 2 == 0) {
                x[b][0] = 2 * rng.nextDouble() - 1; // inner: |x| <= 1
                labels[b] = 0;
            } else {
                x[b][0] = (1.5 + rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1); // ring: 1.5 <= |x| <= 2.5
                labels[b] = 1;
            }
        }
        NeuralOde plain = new NeuralOde(Activation.identity(), new OdeBlock(OdeFunction.of(
                Mlp.builder(1).hidden(16).out(1).seed(1).build()), RK4, GradientMethod.direct()),
                new Linear(1, 1, new Random(2)));
        AugmentedNeuralOde augmented = new AugmentedNeuralOde(1, 1, new OdeBlock(OdeFunction.of(
                Mlp.builder(2).hidden(16).out(2).seed(1).build()), RK4, GradientMethod.direct()),
                new Linear(2, 1, new Random(2)));
        double accPlain = train(plain, x, labels);
        double accAug = train(augmented, x, labels);
        System.out.printf("concentric intervals: plain neural ODE accuracy %.2f, augmented %.2f%n", accPlain, accAug);
        assertThat(accPlain).isLessThanOrEqualTo(0.80);
        assertThat(accAug).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void secondOrderModelLearnsADampedOscillator() {
        // x'' = -x - 0.2 x'  <=>  a(x, v) = [-1, -0.2] · [x, v]
        double[][] s0 = {{1.0, 0.0}, {0.0, 1.0}, {-0.5, 0.5}, {0.7, -0.3}};
        double[][] target = flow(new double[][]{{0, 1}, {-1, -0.2}}, s0, 1.0);
        Linear accel = new Linear(2, 1, false, Init.zeros(), new Random(0));
        SecondOrderNeuralOde model = new SecondOrderNeuralOde(1, accel, 0, 1, RK4, GradientMethod.direct());
        Trainer.builder(new Adam(model.parameters(), 0.05)).iterations(200).build()
                .fit((tape, it) -> LossFunctions.mse(model.forward(tape.constant(s0)), tape.constant(target)));
        DMatrixRMaj w = model.namedParameters().get("ode.func.accel.weight").value();
        System.out.printf("second-order ODE: learned x'' = %.4f x + %.4f x' (true -1, -0.2)%n", w.get(0, 0),
                w.get(0, 1));
        assertThat(w.get(0, 0)).isCloseTo(-1.0, within(1e-3));
        assertThat(w.get(0, 1)).isCloseTo(-0.2, within(1e-3));
        // positions at several times follow the true oscillator, also beyond the training horizon
        Tape tp = new Tape();
        double[] times = {0, 0.5, 2.0};
        List<Tensor> xs = model.positions(tp.constant(new double[][]{{1.0}}), tp.constant(new double[][]{{0.0}}),
                times);
        assertThat(xs).hasSize(3);
        for (int k = 0; k < times.length; k++) {
            double expected = flow(new double[][]{{0, 1}, {-1, -0.2}}, new double[][]{{1.0, 0.0}}, times[k])[0][0];
            assertThat(xs.get(k).get(0, 0)).as("x(%.1f)", times[k]).isCloseTo(expected, within(1e-3));
        }
    }
}
