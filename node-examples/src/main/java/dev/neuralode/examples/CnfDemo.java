package dev.neuralode.examples;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.knowm.xchart.XYChart;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Init;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A continuous normalizing flow (Chen et al. 2018, §4; FFJORD, Grathwohl et al. 2019) on 2-D
 * densities. A sample moves by {@code dz/dt = f(z, t)} and its log-density by the instantaneous
 * change of variables {@code d log p(z(t))/dt = -tr(∂f/∂z)}. Integrating data backwards from
 * {@code t = 1} to {@code t = 0} gives {@code log p(x) = log N(z(0); 0, I) - ∫₀¹ tr(∂f/∂z) dt};
 * training maximises it, sampling integrates standard-normal draws forwards.
 *
 * <p>The field here is one hidden layer, {@code f(z, t) = W₂ tanh(W₁ z + u t + b₁) + b₂}, whose
 * Jacobian trace is exact and cheap: {@code tr = Σ_j (1 - a_j²) (W₁ W₂)_{jj}}.
 */
@Command(name = "cnf", mixinStandardHelpOptions = true,
        description = {"Continuous normalizing flow on a 2-D density (two moons or circles): maximum likelihood "
                + "with the exact trace; plots of the target, samples and the learned density.",
                "Plots: cnf-density.png, cnf-flow.png, cnf-training.png"})
public final class CnfDemo extends Demo {

    @Option(names = "--density", defaultValue = "moons", paramLabel = "NAME",
            description = "target density: moons or circles (default: ${DEFAULT-VALUE})")
    String density;

    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N",
            description = "Adam iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B",
            description = "fresh target samples per iteration (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--hidden", defaultValue = "64", paramLabel = "H",
            description = "hidden units of the field (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--method", defaultValue = "dopri5", paramLabel = "M",
            description = "ODE solver (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--rtol", defaultValue = "1e-3", paramLabel = "TOL",
            description = "relative tolerance (atol = rtol/10) (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--gradient", defaultValue = "adjoint", paramLabel = "G",
            description = "gradient method: direct, adjoint or checkpoint (default: ${DEFAULT-VALUE})")
    String gradient;

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "LR",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    /**
     * The augmented dynamics on {@code [z, Δ]} ({@code B × 3}):
     * {@code d/dt [z, Δ] = [f(z, t), -tr ∂f/∂z]}.
     */
    static final class Field extends Layer {
        Field(int hidden, Random rng) {
            registerParameter("w1", Init.normal(1.0).sample(hidden, 2, rng));
            registerParameter("u", Init.normal(1.0).sample(1, hidden, rng));
            registerParameter("b1", Init.normal(1.0).sample(1, hidden, rng));
            registerParameter("w2", Init.normal(0.1).sample(2, hidden, rng));
            registerParameter("b2", Init.zeros().sample(1, 2, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("the CNF field needs time: forward(t, x)");
        }

        @Override
        public Tensor forward(Tensor t, Tensor s) {
            var tape = s.tape();
            Tensor w1 = tape.param(param("w1"));
            Tensor w2 = tape.param(param("w2"));
            Tensor z = s.sliceCols(0, 2);
            Tensor a = z.matmulTransB(w1).add(t.matmul(tape.param(param("u")))).add(tape.param(param("b1"))).tanh();
            Tensor f = a.matmulTransB(w2).add(tape.param(param("b2")));
            // c_j = Σ_i W2[i, j] W1[j, i]  (1 × H)
            Tensor c = w1.mul(w2.transpose()).sum(1).transpose();
            Tensor trace = a.square().neg().add(1.0).matmulTransB(c);
            return Tensor.concatCols(f, trace.neg());
        }
    }

    private final Flows.NfeCounter nfe = new Flows.NfeCounter();

    @Override
    protected DemoResult run() throws Exception {
        Random rng = new Random(common.seed());
        Datasets.density(density, 1, new Random(0)); // validates the name early
        Field field = new Field(hidden, new Random(common.seed() + 1));
        log.info("CNF on '{}': {} parameters, {} samples per iteration", density, field.parameterCount(), batch);
        double[] losses = new double[iterations];
        Progress progress = new Progress(log, "cnf", iterations);
        long start = System.nanoTime();
        Trainer.builder(new Adam(field.parameters(), lr)).iterations(iterations).nfe(nfe)
                .callback(e -> {
                    losses[e.iteration()] = e.loss();
                    progress.update(e.iteration() + 1, e.loss(), e.forwardNfe() + e.backwardNfe(), null);
                })
                .build()
                .fit((tape, it) -> logProb(field, tape, Datasets.density(density, batch, rng)).mean().neg());
        double trainSeconds = (System.nanoTime() - start) * 1e-9;

        double[][] test = Datasets.density(density, 2000, new Random(common.seed() + 7));
        Tape testTape = new Tape();
        testTape.noGrad();
        double testNll = -logProb(field, testTape, test).mean().item();
        double[][] samples = sample(field, 1000, new Random(common.seed() + 3), new double[] {0, 1}).get(1);
        plots(field, test, samples, losses);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("final_nll", losses[iterations - 1]);
        figures.put("test_nll", testNll);
        figures.put("train_s", trainSeconds);
        String summary = String.format(Locale.ROOT, "cnf: density=%s iterations=%d final_train_nll=%.4f test_nll=%.4f train_s=%.1f",
                density, iterations, losses[iterations - 1], testNll, trainSeconds);
        return new DemoResult("cnf", summary, figures, images());
    }

    /** {@code log p(x)} per row ({@code B × 1}), integrating {@code [x, 0]} from t = 1 back to 0. */
    private Tensor logProb(Field field, Tape tape, double[][] x) {
        double[][] s = new double[x.length][3];
        for (int i = 0; i < x.length; i++) {
            s[i][0] = x[i][0];
            s[i][1] = x[i][1];
        }
        Tensor s0 = Flows.solve(field, tape.constant(s), new double[] {1, 0}, method, rtol, gradient, nfe)
                .get(1);
        // Δ(0) = ∫₀¹ tr dt, so log p(x) = log N(z(0)) - Δ(0)
        return LossFunctions.standardNormalLogProb(s0.sliceCols(0, 2)).sub(s0.sliceCols(2, 3));
    }

    /** Standard-normal draws pushed forwards, the states at the given times. */
    private List<double[][]> sample(Field field, int n, Random rng, double[] times) {
        double[][] s = new double[n][3];
        for (double[] r : s) {
            r[0] = rng.nextGaussian();
            r[1] = rng.nextGaussian();
        }
        Tape tape = new Tape();
        tape.noGrad();
        List<Tensor> st = Flows.solve(field, tape.constant(s), times, method, rtol, gradient, null);
        List<double[][]> out = new ArrayList<>();
        for (Tensor t : st) {
            double[][] a = t.toArray();
            double[][] z = new double[n][];
            for (int i = 0; i < n; i++) {
                z[i] = new double[] {a[i][0], a[i][1]};
            }
            out.add(z);
        }
        return out;
    }

    private void plots(Field field, double[][] target, double[][] samples, double[] losses) throws Exception {
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
        double[][] grid = new double[n * n][];
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                grid[iy * n + ix] = new double[] {lo + (ix + 0.5) * (hi - lo) / n, lo + (iy + 0.5) * (hi - lo) / n};
            }
        }
        Tape gridTape = new Tape();
        gridTape.noGrad();
        Tensor lp = logProb(field, gridTape, grid);
        double[][] p = new double[n][n];
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                p[iy][ix] = Math.exp(lp.get(iy * n + ix, 0));
            }
        }
        Plots.fieldFromGrid(dc, "density", p, lo, hi, lo, hi, Plots.blues(16), 0, max(p));
        for (XYChart c : List.of(tc, sc, dc)) {
            c.getStyler().setLegendVisible(false);
        }
        saveGrid(List.of(tc, sc, dc), 1, 3, "cnf-density.png");

        // how the flow carries the base distribution to the target
        double[] times = {0, 0.25, 0.5, 0.75, 1};
        List<double[][]> path = sample(field, 600, new Random(common.seed() + 5), times);
        List<XYChart> steps = new ArrayList<>();
        for (int k = 0; k < times.length; k++) {
            XYChart c = Plots.xy("t = " + times[k], "x1", "x2", 300, 300);
            Plots.scatter(c, "z", SpiralPlots.col(path.get(k), 0), SpiralPlots.col(path.get(k), 1),
                    Plots.PALETTE[k % 10], 3);
            Plots.range(c, lo, hi, lo, hi);
            c.getStyler().setLegendVisible(false);
            steps.add(c);
        }
        saveGrid(steps, 1, times.length, "cnf-flow.png");

        XYChart loss = Plots.xy("Training: negative log-likelihood", "iteration", "NLL (nats)");
        Plots.line(loss, "batch NLL", Plots.iterations(loss, losses.length), losses, Plots.PALETTE[0], 1.5f);
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
