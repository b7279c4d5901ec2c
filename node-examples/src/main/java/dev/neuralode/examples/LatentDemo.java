package dev.neuralode.examples;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.knowm.xchart.XYChart;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.GruCell;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A latent ODE (Chen et al. 2018, §5; Rubanova et al. 2019) on irregularly sampled noisy spirals:
 * a GRU reads a spiral's observations backwards in time and outputs the posterior
 * {@code q(z₀ | x) = N(μ, σ²)} of a latent initial state; a neural ODE carries {@code z₀} through
 * time, and a decoder maps {@code z(t)} to the observation at {@code t}. Because the latent
 * trajectory is defined at every time, the model reconstructs the spiral between irregular
 * observations and extrapolates it forwards and backwards in time.
 *
 * <p>Training maximises the evidence lower bound with observation noise σ = the data's noise.
 * Each spiral observes its own random subset of a shared grid, so a batch is solved once on the
 * grid and the reconstruction term is masked.
 */
@Command(name = "latent", mixinStandardHelpOptions = true,
        description = {"Latent ODE (GRU encoder, ODE in latent space, decoder) on irregularly sampled noisy "
                + "spirals; reconstruction and extrapolation forwards and backwards in time.",
                "Plots: latent-extrapolation.png, latent-training.png"})
public final class LatentDemo extends Demo {

    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N",
            description = "Adam iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--spirals", defaultValue = "64", paramLabel = "N",
            description = "training spirals (one batch) (default: ${DEFAULT-VALUE})")
    int spirals;

    @Option(names = "--grid", defaultValue = "40", paramLabel = "G",
            description = "points of the shared time grid (default: ${DEFAULT-VALUE})")
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

    private static final double WINDOW = Math.PI;

    /** Encoder (GRU backwards over the grid) → q(z₀) → latent ODE → decoder. */
    final class Model extends Layer {
        final GruCell gru;
        final Linear toPosterior;
        final Sequential dynamics;
        final Sequential decoder;
        final int hiddenSize = 25;
        final Flows.NfeCounter nfe = new Flows.NfeCounter();

        Model(Random rng) {
            gru = registerModule("encoder", new GruCell(3, hiddenSize, rng));
            toPosterior = registerModule("posterior", new Linear(hiddenSize, 2 * latentDim, rng));
            dynamics = registerModule("dynamics", Mlp.builder(latentDim).hidden(20).hidden(20).out(latentDim)
                    .activation(dev.neuralode.models.nn.Activation::elu).random(rng).build());
            decoder = registerModule("decoder", Mlp.builder(latentDim).hidden(20).out(2).random(rng).build());
        }

        /** The posterior's mean and log-variance, {@code B × 2L}. */
        Tensor encode(Tape tape, Datasets.Spirals d, int[] rows) {
            Tensor h = tape.constant(new DMatrixRMaj(rows.length, hiddenSize));
            for (int k = d.grid().length - 1; k >= 0; k--) {
                DMatrixRMaj in = new DMatrixRMaj(rows.length, 3);
                DMatrixRMaj m = new DMatrixRMaj(rows.length, hiddenSize);
                boolean any = false;
                for (int b = 0; b < rows.length; b++) {
                    if (d.mask()[rows[b]][k]) {
                        in.set(b, 0, d.obs()[rows[b]][k][0]);
                        in.set(b, 1, d.obs()[rows[b]][k][1]);
                        in.set(b, 2, 1.0);
                        for (int j = 0; j < hiddenSize; j++) {
                            m.set(b, j, 1.0);
                        }
                        any = true;
                    }
                }
                if (!any) {
                    continue;
                }
                Tensor next = gru.step(tape.constant(in), h);
                h = h.add(next.sub(h).mul(tape.constant(m)));
            }
            return toPosterior.forward(h);
        }

        /** Decoded observations at the given times from latent initial states. */
        List<Tensor> decode(Tensor z0, double[] times) {
            List<Tensor> zs = Flows.solve(dynamics, z0, times, method, rtol, gradient, nfe);
            List<Tensor> xs = new ArrayList<>();
            for (Tensor z : zs) {
                xs.add(decoder.forward(z));
            }
            return xs;
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("use encode and decode");
        }
    }

    @Override
    protected DemoResult run() throws Exception {
        Random rng = new Random(common.seed());
        Datasets.Spirals data = Datasets.spirals(spirals, grid, observations, WINDOW, noise, rng);
        Datasets.Spirals test = Datasets.spirals(8, grid, observations, WINDOW, noise, rng);
        Model model = new Model(new Random(common.seed() + 1));
        log.info("latent ODE: {} parameters, {} spirals x {} of {} grid times, noise {}", model.parameterCount(),
                spirals, observations, grid, noise);
        int[] all = java.util.stream.IntStream.range(0, spirals).toArray();
        double logVarNoise = 2 * Math.log(noise);
        Random noiseRng = new Random(common.seed() + 2);
        double[] losses = new double[iterations];
        Progress progress = new Progress(log, "latent", iterations);
        long start = System.nanoTime();
        Trainer.builder(new Adam(model.parameters(), lr)).iterations(iterations).nfe(model.nfe)
                .callback(e -> {
                    losses[e.iteration()] = e.loss();
                    progress.update(e.iteration() + 1, e.loss(), e.forwardNfe() + e.backwardNfe(), null);
                })
                .build()
                .fit((tape, it) -> {
                    Tensor post = model.encode(tape, data, all);
                    Tensor mu = post.sliceCols(0, latentDim);
                    Tensor logVar = post.sliceCols(latentDim, 2 * latentDim);
                    Tensor z0 = LossFunctions.reparameterize(mu, logVar,
                            LossFunctions.gaussianNoise(tape, all.length, latentDim, noiseRng));
                    List<Tensor> xs = model.decode(z0, data.grid());
                    return LossFunctions.negativeElbo(logLikelihood(tape, data, all, xs, logVarNoise), mu, logVar,
                            Math.min(1.0, (it + 1.0) / (0.5 * iterations)));
                });
        double trainSeconds = (System.nanoTime() - start) * 1e-9;

        // reconstruction and extrapolation error on held-out spirals, from the posterior mean
        int[] testRows = java.util.stream.IntStream.range(0, test.size()).toArray();
        Tape tape = new Tape();
        tape.noGrad();
        Tensor mu = model.encode(tape, test, testRows).sliceCols(0, latentDim);
        double[] tt = test.truthT();
        int zero = 0;
        while (tt[zero] < 0) {
            zero++;
        }
        double[] fwdT = java.util.Arrays.copyOfRange(tt, zero, tt.length);
        double[] bwdT = new double[zero + 1];
        for (int j = 0; j <= zero; j++) {
            bwdT[j] = j == 0 ? 0.0 : tt[zero - j];
        }
        if (fwdT[0] != 0) {
            double[] f = new double[fwdT.length + 1];
            System.arraycopy(fwdT, 0, f, 1, fwdT.length);
            fwdT = f;
        }
        List<Tensor> fwd = model.decode(mu, fwdT);
        List<Tensor> bwd = model.decode(mu, bwdT);
        double[] err = errors(test, fwdT, fwd, bwdT, bwd);
        plots(test, fwdT, fwd, bwdT, bwd, losses);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("final_loss", losses[iterations - 1]);
        figures.put("reconstruction_rmse", err[0]);
        figures.put("forward_extrapolation_rmse", err[1]);
        figures.put("backward_extrapolation_rmse", err[2]);
        figures.put("train_s", trainSeconds);
        String summary = String.format(Locale.ROOT,
                "latent: iterations=%d final_neg_elbo=%.4g reconstruction_rmse=%.4f forward_extrapolation_rmse=%.4f "
                        + "backward_extrapolation_rmse=%.4f train_s=%.1f",
                iterations, losses[iterations - 1], err[0], err[1], err[2], trainSeconds);
        return new DemoResult("latent", summary, figures, images());
    }

    /** Per-spiral masked Gaussian log-likelihood, {@code B × 1}. */
    private static Tensor logLikelihood(Tape tape, Datasets.Spirals d, int[] rows, List<Tensor> xs, double logVar) {
        Tensor total = null;
        for (int k = 0; k < xs.size(); k++) {
            DMatrixRMaj target = new DMatrixRMaj(rows.length, 2);
            DMatrixRMaj m = new DMatrixRMaj(rows.length, 2);
            boolean any = false;
            for (int b = 0; b < rows.length; b++) {
                if (d.mask()[rows[b]][k]) {
                    target.set(b, 0, d.obs()[rows[b]][k][0]);
                    target.set(b, 1, d.obs()[rows[b]][k][1]);
                    m.set(b, 0, 1.0);
                    m.set(b, 1, 1.0);
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            Tensor ll = LossFunctions.gaussianLogLikelihood(xs.get(k), tape.scalar(logVar), tape.constant(target))
                    .mul(tape.constant(m)).sum(1);
            total = total == null ? ll : total.add(ll);
        }
        return total;
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
        save(loss, "latent-training.png");
    }

    private static double[] xs(List<double[]> pts, int j) {
        return pts.stream().mapToDouble(p -> p[j]).toArray();
    }
}
