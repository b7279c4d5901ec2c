package dev.neuralode.examples;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.knowm.xchart.XYChart;

import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.ConcatTime;
import dev.neuralode.models.nn.Init;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.models.ode.ContinuousNormalizingFlow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A continuous normalizing flow (Chen et al. 2018, §4; FFJORD, Grathwohl et al. 2019) on 2-D
 * densities, with node-models' {@link ContinuousNormalizingFlow}. Data {@code x} at {@code t = 0}
 * moves by {@code dz/dt = f(t, z)} to the base distribution {@code N(0, I)} at {@code t = 1}, and
 * its log-density changes by the instantaneous change of variables
 * {@code d log p(z(t))/dt = -tr(∂f/∂z)}, so
 * {@code log p(x) = log N(z(1); 0, I) + ∫₀¹ tr(∂f/∂z) dt}: the exact log-likelihood, which
 * training maximises. Sampling integrates standard-normal draws from {@code t = 1} back to 0.
 *
 * <p>The velocity field is one time-dependent hidden layer,
 * {@code f(t, z) = W₂ tanh(W₁ [z, t] + b₁) + b₂} ({@link ConcatTime}, tanh, {@link Linear}), with
 * a wide first layer ({@code W₁ ~ N(0, 1)}) and a small output ({@code W₂ ~ N(0, 0.1)}) so the
 * flow starts close to the identity with varied features; the trace is exact
 * ({@link ContinuousNormalizingFlow.TraceEstimator#EXACT}, one reverse sweep per dimension) by
 * default, or Hutchinson's estimator.
 */
@Command(name = "cnf", mixinStandardHelpOptions = true,
        description = {"Continuous normalizing flow (node-models' ContinuousNormalizingFlow) on a 2-D density "
                + "(two moons or circles): maximum likelihood; plots of the target, samples and the learned density.",
                "Prints: cnf: density=D iterations=N final_train_nll=L test_nll=T train_s=S",
                "Plots: cnf-density.png, cnf-flow.png, cnf-training.png"})
public final class CnfDemo extends Demo {

    @Option(names = "--density", defaultValue = "moons", paramLabel = "NAME",
            description = "target density: moons or circles (default: ${DEFAULT-VALUE})")
    String density;

    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N",
            description = "Adam iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--batch", defaultValue = "128", paramLabel = "B",
            description = "fresh target samples per iteration (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--hidden", defaultValue = "64", paramLabel = "H",
            description = "hidden units of the field (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--trace", defaultValue = "exact", paramLabel = "T",
            description = "trace estimator: exact, rademacher or gaussian (Hutchinson) (default: ${DEFAULT-VALUE})")
    String trace;

    /**
     * The solver and training flags; the default gradient is the checkpointed adjoint: the
     * backsolve adjoint's reconstruction of the flow drifts past its threshold (at iteration 134
     * of the default run on moons), so its gradient would be wrong.
     */
    @Mixin
    final FlowTrainingOptions training = new FlowTrainingOptions("checkpoint");

    /**
     * The velocity field {@code f(t, z) = W₂ tanh(W₁ [z, t] + b₁) + b₂}.
     *
     * @param hidden the hidden width
     * @param rng    the initialisation's random source. Modified.
     * @return the layer, called as {@code forward(t, z)}
     */
    static Sequential field(int hidden, Random rng) {
        return new Sequential(new ConcatTime(2, hidden, Init.normal(1.0), rng), Activation.tanh(),
                new Linear(hidden, 2, true, Init.normal(0.1), rng));
    }

    private static ContinuousNormalizingFlow.TraceEstimator estimator(String name) {
        return switch (choice("--trace", name, "exact", "rademacher", "hutchinson", "gaussian")) {
            case "exact" -> ContinuousNormalizingFlow.TraceEstimator.EXACT;
            case "rademacher", "hutchinson" -> ContinuousNormalizingFlow.TraceEstimator.HUTCHINSON_RADEMACHER;
            default -> ContinuousNormalizingFlow.TraceEstimator.HUTCHINSON_GAUSSIAN;
        };
    }

    @Override
    protected void validate() {
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--batch", batch, 1);
        requireAtLeast("--hidden", hidden, 1);
        training.validate();
        density = choice("--density", density, "moons", "circles");
        estimator(trace);
        requireFitsInHeap("--hidden", hidden, (double) hidden * Math.max(batch, hidden));
    }

    @Override
    protected String failureHint() {
        return training.hint();
    }

    @Override
    protected DemoResult run() throws Exception {
        Random rng = new Random(common.seed());
        Sequential velocity = field(hidden, new Random(common.seed() + 1));
        ContinuousNormalizingFlow flow = new ContinuousNormalizingFlow(2, velocity, 1.0,
                training.solver(), training.gradientMethod(), estimator(trace));
        log.info("CNF on '{}': {} parameters, {} samples per iteration, {} trace", density, flow.parameterCount(),
                batch, flow.estimator());
        Random noise = new Random(common.seed() + 11);
        long start = System.nanoTime();
        double[] losses = training.fitAdam(log, "cnf", iterations, flow.parameters(), flow::nfe,
                (tape, it) -> flow.logProb(tape.constant(Datasets.density(density, batch, rng)), noise).mean()
                        .neg(), stopRequest(), checkpointFile("cnf"))[0];
        double trainSeconds = (System.nanoTime() - start) * 1e-9;

        double[][] test = Datasets.density(density, 2000, new Random(common.seed() + 7));
        double testNll = -mean(flow.logProbValues(test, noise));
        double[][] samples = flow.sample(1000, new Random(common.seed() + 3));
        plots(flow, velocity, test, samples, losses);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("final_nll", losses[losses.length - 1]);
        figures.put("test_nll", testNll);
        figures.put("train_s", trainSeconds);
        String summary = String.format(Locale.ROOT, "cnf: density=%s iterations=%d final_train_nll=%.4f test_nll=%.4f train_s=%.1f",
                density, losses.length, losses[losses.length - 1], testNll, trainSeconds);
        return new DemoResult("cnf", summary, figures, images());
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    /**
     * Standard-normal draws at {@code t = 1} carried back by the velocity field
     * {@code dz/dt = f(t, z)} (the flow's network, without the log-density column) to the given
     * decreasing times: the samples on their way to the data.
     */
    private List<double[][]> path(Sequential velocity, int n, Random rng, double[] times) {
        Tape tape = new Tape();
        try (Tape.Scope s = tape.noGrad()) {
            Tensor z = LossFunctions.gaussianNoise(tape, n, 2, rng);
            OdeSolveResult r = OdeSolve.solve(Flows.dynamics(velocity), z, times,
                    training.solver(), training.gradientMethod());
            List<double[][]> out = new ArrayList<>();
            for (int k = 0; k < times.length; k++) {
                out.add(r.at(k).toArray());
            }
            return out;
        }
    }

    private void plots(ContinuousNormalizingFlow flow, Sequential velocity, double[][] target, double[][] samples,
            double[] losses) throws Exception {
        double lo = -3;
        double hi = 3;
        Color dot = new Color(31, 119, 180, 90);
        XYChart tc = Plots.xy("Target: " + density, "x1", "x2", 440, 440);
        Plots.scatter(tc, "data", SpiralPlots.col(target, 0), SpiralPlots.col(target, 1), dot, 4);
        Plots.range(tc, lo, hi, lo, hi);
        tc.getStyler().setPlotContentSize(1.0);
        XYChart sc = Plots.xy("Samples of the flow", "x1", "x2", 440, 440);
        Plots.scatter(sc, "samples", SpiralPlots.col(samples, 0), SpiralPlots.col(samples, 1),
                new Color(214, 39, 40, 90), 4);
        Plots.range(sc, lo, hi, lo, hi);
        sc.getStyler().setPlotContentSize(1.0);
        XYChart dc = Plots.xy("Learned density p(x)", "x1", "x2", 440, 440);
        int n = 60;
        double[] lp = flow.logProbValues(Plots.cellCentres(n, lo, hi, lo, hi), new Random(common.seed() + 13));
        double[][] p = Plots.gridValues(n, k -> Math.exp(lp[k]));
        Plots.fieldFromGrid(dc, "density", p, lo, hi, lo, hi, Plots.blues(16), 0, max(p));
        for (XYChart c : List.of(tc, sc, dc)) {
            c.getStyler().setLegendVisible(false);
        }
        saveGrid(List.of(tc, sc, dc), 1, 3, "cnf-density.png");

        // how the flow carries the base distribution (t = 1) to the data (t = 0)
        double[] times = {1, 0.75, 0.5, 0.25, 0};
        List<double[][]> path = path(velocity, 600, new Random(common.seed() + 5), times);
        List<XYChart> steps = new ArrayList<>();
        for (int k = 0; k < times.length; k++) {
            String what = k == 0 ? " (base N(0, I))" : k == times.length - 1 ? " (samples)" : "";
            XYChart c = Plots.xy("t = " + times[k] + what, "x1", "x2", 300, 300);
            Plots.scatter(c, "z", SpiralPlots.col(path.get(k), 0), SpiralPlots.col(path.get(k), 1),
                    Plots.PALETTE[k % 10], 3);
            Plots.range(c, lo, hi, lo, hi);
            c.getStyler().setLegendVisible(false);
            steps.add(c);
        }
        saveGrid(steps, 1, times.length, "cnf-flow.png");

        XYChart loss = Plots.xy("Training: negative log-likelihood", "iteration", "NLL (nats)");
        Plots.line(loss, "batch NLL", Plots.iterations(loss, losses.length), losses, Plots.PALETTE[0], 1.5f);
        Plots.focusOnTraining(loss, losses);
        Plots.legendBelow(loss);
        save(loss, "cnf-training.png");
    }

    private static double max(double[][] p) {
        double m = 0;
        for (double[] r : p) {
            for (double v : r) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        return m;
    }
}
