package dev.neuralode.examples;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.knowm.xchart.XYChart;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.ode.IrregularSeries;
import dev.neuralode.models.ode.LatentOde;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A latent ODE (Chen et al. 2018, §5; Rubanova et al. 2019) on irregularly sampled noisy spirals,
 * with node-models' {@link LatentOde}: a GRU reads each spiral's own observations (and the time
 * gaps between them) backwards in time and outputs the posterior {@code q(z₀ | x) = N(μ, σ²)} of
 * a latent initial state; a neural ODE carries {@code z₀} through time, and a decoder maps
 * {@code z(t)} to the observation at {@code t}. Because the latent trajectory is defined at every
 * time, the model reconstructs the spiral between irregular observations and extrapolates it
 * forwards and backwards in time.
 *
 * <p>Training maximises the evidence lower bound ({@link LatentOde#elbo}) with observation noise
 * σ = the data's noise and the KL term's weight annealed from 0 to 1 over the first half of the
 * run. Each spiral is an {@link IrregularSeries} with its own observation times.
 */
@Command(name = "latent", mixinStandardHelpOptions = true,
        description = {"Latent ODE (GRU encoder, ODE in latent space, decoder; node-models' LatentOde) on "
                + "irregularly sampled noisy spirals; reconstruction and extrapolation forwards and backwards in time.",
                "Prints: latent: iterations=N final_neg_elbo=E reconstruction_rmse=R forward_extrapolation_rmse=F "
                        + "backward_extrapolation_rmse=B train_s=S",
                "Plots: latent-extrapolation.png, latent-training.png"})
public final class LatentDemo extends Demo {

    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N",
            description = "Adam iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--spirals", defaultValue = "64", paramLabel = "N",
            description = "training spirals (one batch) (default: ${DEFAULT-VALUE})")
    int spirals;

    @Option(names = "--grid", defaultValue = "40", paramLabel = "G",
            description = "points of the time grid the observation times are drawn from (default: ${DEFAULT-VALUE})")
    int grid;

    @Option(names = "--observations", defaultValue = "15", paramLabel = "K",
            description = "random grid points each spiral observes (default: ${DEFAULT-VALUE})")
    int observations;

    @Option(names = "--noise", defaultValue = "0.03", paramLabel = "S",
            description = "observation noise standard deviation (default: ${DEFAULT-VALUE})")
    double noise;

    @Option(names = "--latent", defaultValue = "4", paramLabel = "L",
            description = "latent dimension (default: ${DEFAULT-VALUE})")
    int latentDim;

    @Option(names = "--hidden", defaultValue = "25", paramLabel = "H",
            description = "width of the GRU and of the dynamics' and decoder's hidden layers (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--encoder", defaultValue = "rnn", paramLabel = "E",
            description = "encoder: rnn (GRU fed the time gaps) or ode-rnn (ODE between observations) "
                    + "(default: ${DEFAULT-VALUE})")
    String encoder;

    @Mixin
    final FlowTrainingOptions training = new FlowTrainingOptions();

    private static final double WINDOW = Math.PI;

    @Override
    protected void validate() {
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--spirals", spirals, 1);
        requireAtLeast("--grid", grid, 2);
        requireAtLeast("--observations", observations, 1);
        if (observations > grid) {
            throw new IllegalArgumentException("--observations must be at most --grid (" + grid + "), got "
                    + observations);
        }
        requireNonNegative("--noise", noise);
        requireAtLeast("--latent", latentDim, 1);
        requireAtLeast("--hidden", hidden, 1);
        training.validate();
        encoderKind();
        // the GRU's three gates and the dynamics each hold hidden x hidden weights
        requireFitsInHeap("--hidden", hidden, 4.0 * hidden * hidden);
    }

    @Override
    protected String failureHint() {
        return training.hint();
    }

    /** The {@code --encoder} value, case-insensitively. */
    private LatentOde.Encoder encoderKind() {
        return switch (choice("--encoder", encoder.replace('_', '-'), "rnn", "gru", "ode-rnn", "odernn")) {
            case "rnn", "gru" -> LatentOde.Encoder.RNN;
            default -> LatentOde.Encoder.ODE_RNN;
        };
    }

    @Override
    protected DemoResult run() throws Exception {
        LatentOde.Encoder kind = encoderKind();
        Random rng = new Random(common.seed());
        Datasets.Spirals data = Datasets.spirals(spirals, grid, observations, WINDOW, noise, rng);
        Datasets.Spirals test = Datasets.spirals(8, grid, observations, WINDOW, noise, rng);
        List<IrregularSeries> trainSeries = series(data);
        List<IrregularSeries> testSeries = series(test);
        LatentOde model = new LatentOde(2, latentDim, hidden, kind, noise, training.solver(),
                training.gradientMethod(), common.seed() + 1);
        log.info("latent ODE ({} encoder): {} parameters, {} spirals x {} of {} grid times, noise {}", kind,
                model.parameterCount(), spirals, observations, grid, noise);
        Random noiseRng = new Random(common.seed() + 2);
        long start = System.nanoTime();
        // the KL weight grows from 0 to 1 over the first half of the run
        double[] losses = training.fitAdam(log, "latent", iterations, model.parameters(), model::nfe,
                (tape, it) -> model.elbo(tape, trainSeries, Math.min(1.0, (it + 1.0) / (0.5 * iterations)),
                        noiseRng).loss(), stopRequest(), checkpointFile("latent"))[0];
        double trainSeconds = (System.nanoTime() - start) * 1e-9;

        // reconstruction and extrapolation on held-out spirals, decoded from the posterior mean at
        // the batch's first observation time t0: forwards to the end of the truth grid, backwards
        // (decreasing times) to its start
        Tape tape = new Tape();
        tape.noGrad();
        Tensor mu = model.encode(tape, testSeries)[0];
        double t0 = testSeries.stream().mapToDouble(s -> s.times()[0]).min().orElseThrow();
        double[] tt = test.truthT();
        double[] fwdT = withStart(t0, Arrays.stream(tt).filter(t -> t > t0).toArray());
        double[] before = Arrays.stream(tt).filter(t -> t < t0).toArray();
        double[] bwdT = new double[before.length + 1];
        bwdT[0] = t0;
        for (int j = 0; j < before.length; j++) {
            bwdT[j + 1] = before[before.length - 1 - j];
        }
        List<Tensor> fwd = Arrays.asList(model.decode(mu, fwdT));
        List<Tensor> bwd = Arrays.asList(model.decode(mu, bwdT));
        double[] err = errors(test, fwdT, fwd, bwdT, bwd);
        plots(test, fwdT, fwd, bwdT, bwd, losses);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("final_loss", losses[losses.length - 1]);
        figures.put("reconstruction_rmse", err[0]);
        figures.put("forward_extrapolation_rmse", err[1]);
        figures.put("backward_extrapolation_rmse", err[2]);
        figures.put("train_s", trainSeconds);
        String summary = String.format(Locale.ROOT,
                "latent: iterations=%d final_neg_elbo=%.4g reconstruction_rmse=%.4f forward_extrapolation_rmse=%.4f "
                        + "backward_extrapolation_rmse=%.4f train_s=%.1f",
                losses.length, losses[losses.length - 1], err[0], err[1], err[2], trainSeconds);
        return new DemoResult("latent", summary, figures, images());
    }

    /** Each spiral as a series of its own observation times and noisy points. */
    static List<IrregularSeries> series(Datasets.Spirals d) {
        List<IrregularSeries> out = new ArrayList<>(d.size());
        for (int s = 0; s < d.size(); s++) {
            List<Double> ts = new ArrayList<>();
            List<double[]> vs = new ArrayList<>();
            for (int k = 0; k < d.grid().length; k++) {
                if (d.mask()[s][k]) {
                    ts.add(d.grid()[k]);
                    vs.add(d.obs()[s][k]);
                }
            }
            out.add(new IrregularSeries(ts.stream().mapToDouble(Double::doubleValue).toArray(),
                    vs.toArray(new double[0][])));
        }
        return out;
    }

    private static double[] withStart(double t0, double[] rest) {
        double[] out = new double[rest.length + 1];
        out[0] = t0;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /** RMS distance to the true curve: inside the window, after it, before it. */
    private static double[] errors(Datasets.Spirals d, double[] fwdT, List<Tensor> fwd, double[] bwdT, List<Tensor> bwd) {
        double window = d.grid()[d.grid().length - 1];
        double[] sum = new double[3];
        int[] cnt = new int[3];
        double[] tt = d.truthT();
        for (int s = 0; s < d.size(); s++) {
            for (int j = 0; j < fwdT.length; j++) {
                int part = fwdT[j] <= window ? 0 : 1;
                double[] truth = at(d, s, fwdT[j], tt);
                sum[part] += sq(fwd.get(j).get(s, 0) - truth[0]) + sq(fwd.get(j).get(s, 1) - truth[1]);
                cnt[part]++;
            }
            for (int j = 1; j < bwdT.length; j++) {
                double[] truth = at(d, s, bwdT[j], tt);
                sum[2] += sq(bwd.get(j).get(s, 0) - truth[0]) + sq(bwd.get(j).get(s, 1) - truth[1]);
                cnt[2]++;
            }
        }
        return new double[] {Math.sqrt(sum[0] / Math.max(1, cnt[0])), Math.sqrt(sum[1] / Math.max(1, cnt[1])),
            Math.sqrt(sum[2] / Math.max(1, cnt[2]))};
    }

    private static double[] at(Datasets.Spirals d, int s, double t, double[] tt) {
        int best = 0;
        for (int j = 1; j < tt.length; j++) {
            if (Math.abs(tt[j] - t) < Math.abs(tt[best] - t)) {
                best = j;
            }
        }
        return d.truth()[s][best];
    }

    private static double sq(double v) {
        return v * v;
    }

    private void plots(Datasets.Spirals d, double[] fwdT, List<Tensor> fwd, double[] bwdT, List<Tensor> bwd,
            double[] losses) throws Exception {
        double window = d.grid()[d.grid().length - 1];
        List<XYChart> charts = new ArrayList<>();
        int shown = Math.min(4, d.size());
        for (int s = 0; s < shown; s++) {
            XYChart c = Plots.xy("Held-out spiral " + (s + 1) + (d.clockwise()[s] ? " (clockwise)" : " (counter-clockwise)"),
                    "x", "y", 460, 440);
            double[][] tr = d.truth()[s];
            Plots.dashed(c, "true curve", SpiralPlots.col(tr, 0), SpiralPlots.col(tr, 1), new Color(150, 150, 150));
            List<double[]> recon = new ArrayList<>();
            List<double[]> after = new ArrayList<>();
            for (int j = 0; j < fwdT.length; j++) {
                double[] p = {fwd.get(j).get(s, 0), fwd.get(j).get(s, 1)};
                if (fwdT[j] <= window) {
                    recon.add(p);
                } else {
                    if (after.isEmpty() && !recon.isEmpty()) {
                        after.add(recon.get(recon.size() - 1));
                    }
                    after.add(p);
                }
            }
            List<double[]> before = new ArrayList<>();
            for (int j = 0; j < bwdT.length; j++) {
                before.add(new double[] {bwd.get(j).get(s, 0), bwd.get(j).get(s, 1)});
            }
            Plots.line(c, "reconstruction", xs(recon, 0), xs(recon, 1), Plots.PALETTE[0], 2.5f);
            Plots.line(c, "extrapolation forwards", xs(after, 0), xs(after, 1), Plots.PALETTE[3], 2.5f);
            Plots.line(c, "extrapolation backwards", xs(before, 0), xs(before, 1), Plots.PALETTE[2], 2.5f);
            List<double[]> o = new ArrayList<>();
            for (int k = 0; k < d.grid().length; k++) {
                if (d.mask()[s][k]) {
                    o.add(d.obs()[s][k]);
                }
            }
            Plots.scatter(c, "observations", xs(o, 0), xs(o, 1), Color.BLACK, 6);
            c.getStyler().setLegendVisible(s == 0);
            c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
            charts.add(c);
        }
        saveGrid(charts, 2, 2, "latent-extrapolation.png");
        XYChart loss = Plots.xy("Training: negative ELBO per spiral", "iteration", "-ELBO");
        double[] it = Plots.iterations(loss, losses.length);
        Plots.line(loss, "-ELBO (KL weight annealed over the first half)", it, losses, Plots.PALETTE[0], 1.5f);
        int above = Plots.focusOnTraining(loss, losses);
        if (above > 0) {
            loss.setTitle(String.format(Locale.ROOT, "Negative ELBO per spiral (first %d iterations off the top, max %.0f)",
                    above, Arrays.stream(losses).max().orElse(Double.NaN)));
        }
        Plots.legendBelow(loss);
        save(loss, "latent-training.png");
    }

    private static double[] xs(List<double[]> pts, int j) {
        return pts.stream().mapToDouble(p -> p[j]).toArray();
    }
}
