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
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.models.ode.AugmentedNeuralOde;
import dev.neuralode.models.ode.OdeBlock;
import dev.neuralode.models.ode.OdeFunction;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.nn.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Augmented neural ODEs (Dupont, Doucet, Teh, NeurIPS 2019). The flow of an ODE is a
 * homeomorphism: trajectories never cross, so a neural ODE in the plane cannot move the whole inner
 * disc of concentric circles outside the ring around it. On a finite sample it does not have to:
 * it squeezes the ring through the gaps between the samples, with more complex dynamics, and
 * still classifies most test points correctly (99 % in the default run). Appending {@code p} zero dimensions
 * ({@code h(0) = [x, 0]}) gives the flow room to lift one class over the other.
 */
@Command(name = "anode", mixinStandardHelpOptions = true,
        description = {"Plain vs augmented neural ODE on concentric circles: accuracy, loss, function evaluations "
                + "and the learned flows. A 2-D flow cannot carry the inner disc out of the ring without crossing "
                + "trajectories, so the plain model squeezes the ring through the gaps between the samples (on the "
                + "default 256 points it still reaches 99% test accuracy); the augmented one lifts one class over "
                + "the other in its extra dimension.",
                "Plots: anode-flows.png, anode-decision.png, anode-training.png"})
public final class AnodeDemo extends Demo {

    @Option(names = "--iterations", defaultValue = "200", paramLabel = "N",
            description = "full-batch Adam iterations per model (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--augment", defaultValue = "1", paramLabel = "P",
            description = "extra zero dimensions of the augmented model (default: ${DEFAULT-VALUE})")
    int augment;

    @Option(names = "--hidden", defaultValue = "32", paramLabel = "H",
            description = "hidden width of the dynamics (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--points", defaultValue = "256", paramLabel = "N",
            description = "training points (default: ${DEFAULT-VALUE})")
    int points;

    /**
     * The solver and training flags; the default gradient is the checkpointed adjoint: the
     * backsolve adjoint's reconstruction of the plain model's contracting flow drifts past its
     * threshold (at iteration 61 of the default run), so its gradient would be wrong.
     */
    @Mixin
    final FlowTrainingOptions training = new FlowTrainingOptions("checkpoint");

    /**
     * {@code x → [x, 0_p] → ODE flow over [0, 1] → linear → logit}: node-models'
     * {@link AugmentedNeuralOde} ({@code p = 0} is the plain neural ODE).
     */
    final class Model {
        final int p;
        final AugmentedNeuralOde net;

        Model(int p, Random rng) {
            this.p = p;
            Sequential f = Mlp.builder(2 + p).hidden(hidden).hidden(hidden).out(2 + p)
                    .time(Mlp.TimeMode.CONCAT).random(rng).build();
            OdeBlock block = new OdeBlock(OdeFunction.of(f), 0, 1, training.solver(),
                    training.gradientMethod());
            net = new AugmentedNeuralOde(2, p, block, new Linear(2 + p, 1, rng));
        }

        List<Tensor> states(Tensor x, double[] times) {
            OdeSolveResult r = net.ode().trajectory(net.augment(x), times);
            List<Tensor> out = new ArrayList<>();
            for (int i = 0; i < times.length; i++) {
                out.add(r.at(i));
            }
            return out;
        }

        Tensor forward(Tensor x) {
            return net.forward(x);
        }

        int parameterCount() {
            return net.parameterCount();
        }
    }

    @Override
    protected void validate() {
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--augment", augment, 0);
        requireAtLeast("--hidden", hidden, 1);
        requireAtLeast("--points", points, 2);
        training.validate();
        requireFitsInHeap("--hidden", hidden, (double) hidden * hidden);
    }

    @Override
    protected String failureHint() {
        return training.hint();
    }

    @Override
    protected DemoResult run() throws Exception {
        Random rng = new Random(common.seed());
        Datasets.Labelled train = Datasets.circles(points, 0.5, 1.0, 1.5, rng);
        Datasets.Labelled test = Datasets.circles(points, 0.5, 1.0, 1.5, rng);
        Model plain = new Model(0, new Random(common.seed() + 1));
        Model aug = new Model(augment, new Random(common.seed() + 1));
        log.info("plain: {} parameters; augmented (+{} dims): {} parameters", plain.parameterCount(), augment,
                aug.parameterCount());
        double[][] plainHist = train("plain", plain, train);
        double[][] augHist = train("augmented", aug, train);
        double plainAcc = accuracy(plain, test);
        double augAcc = accuracy(aug, test);

        plots(plain, aug, test, plainHist, augHist);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("plain_accuracy", plainAcc);
        figures.put("augmented_accuracy", augAcc);
        figures.put("plain_loss", mean(plainHist[0], 10));
        figures.put("augmented_loss", mean(augHist[0], 10));
        figures.put("plain_nfe", mean(plainHist[1], 10));
        figures.put("augmented_nfe", mean(augHist[1], 10));
        String summary = String.format(Locale.ROOT,
                "anode: augment=%d plain_accuracy=%.3f augmented_accuracy=%.3f plain_loss=%.4f augmented_loss=%.4f "
                        + "plain_nfe_per_iter=%.1f augmented_nfe_per_iter=%.1f",
                augment, plainAcc, augAcc, figures.get("plain_loss"), figures.get("augmented_loss"),
                figures.get("plain_nfe"), figures.get("augmented_nfe"));
        return new DemoResult("anode", summary, figures, images());
    }

    /** Trains and returns {loss per iteration, nfe (forward + backward) per iteration}. */
    private double[][] train(String name, Model m, Datasets.Labelled data) {
        DMatrixRMaj y = new DMatrixRMaj(data.size(), 1);
        for (int i = 0; i < data.size(); i++) {
            y.data[i] = data.labels()[i];
        }
        return training.fitAdam(log, name, iterations, m.net.parameters(), m.net::nfe,
                (tape, it) -> LossFunctions.binaryCrossEntropyWithLogits(m.forward(tape.constant(data.x())),
                        tape.constant(y)), stopRequest(), checkpointFile(name));
    }

    private static double accuracy(Model m, Datasets.Labelled d) {
        Tape tape = new Tape();
        tape.noGrad();
        Tensor z = m.forward(tape.constant(d.x()));
        int ok = 0;
        for (int i = 0; i < d.size(); i++) {
            ok += (z.get(i, 0) > 0 ? 1 : 0) == d.labels()[i] ? 1 : 0;
        }
        return (double) ok / d.size();
    }

    private static double mean(double[] a, int last) {
        double s = 0;
        int n = Math.min(last, a.length);
        for (int i = a.length - n; i < a.length; i++) {
            s += a[i];
        }
        return s / n;
    }

    private void plots(Model plain, Model aug, Datasets.Labelled test, double[][] plainHist, double[][] augHist)
            throws Exception {
        Color[] cls = {Plots.PALETTE[0], Plots.PALETTE[3]};
        double[] ts = EulerDemo.linspace(0, 1, 21);
        int shown = Math.min(80, test.size());
        List<XYChart> flows = new ArrayList<>();
        for (Model m : List.of(plain, aug)) {
            // the plain flow in its plane; the augmented one in the (x1, augmented) plane
            int ax = 0;
            int ay = m.p == 0 ? 1 : 2;
            XYChart c = Plots.xy(m.p == 0 ? "Plain neural ODE: flow in the plane"
                    : "Augmented (+" + m.p + "): flow in the (h1, a1) plane",
                    "h1", m.p == 0 ? "h2" : "a1 (augmented)", 560, 520);
            Tape tape = new Tape();
            tape.noGrad();
            List<Tensor> st = m.states(tape.constant(java.util.Arrays.copyOf(test.x(), shown)), ts);
            for (int i = 0; i < shown; i++) {
                double[] x = new double[ts.length];
                double[] y = new double[ts.length];
                for (int k = 0; k < ts.length; k++) {
                    x[k] = st.get(k).get(i, ax);
                    y[k] = st.get(k).get(i, ay);
                }
                Color col = cls[test.labels()[i]];
                Plots.line(c, "f" + i, x, y, new Color(col.getRed(), col.getGreen(), col.getBlue(), 100), 1.2f)
                        .setShowInLegend(false);
            }
            Tensor end = st.get(ts.length - 1);
            for (int label = 0; label < 2; label++) {
                List<double[]> pts = new ArrayList<>();
                for (int i = 0; i < shown; i++) {
                    if (test.labels()[i] == label) {
                        pts.add(new double[] {end.get(i, ax), end.get(i, ay)});
                    }
                }
                Plots.scatter(c, label == 0 ? "inner disc, h(1)" : "outer ring, h(1)",
                        pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(),
                        cls[label], 7);
            }
            flows.add(c);
        }
        saveGrid(flows, 1, 2, "anode-flows.png");

        List<XYChart> regions = new ArrayList<>();
        for (Model m : List.of(plain, aug)) {
            XYChart c = Plots.xy(m.p == 0 ? "Plain neural ODE: decision regions" : "Augmented: decision regions",
                    "x1", "x2", 520, 480);
            int n = 60;
            double lo = -1.8;
            double hi = 1.8;
            double[][] grid = Plots.cellCentres(n, lo, hi, lo, hi);
            Tape gridTape = new Tape();
            gridTape.noGrad();
            Tensor z = m.forward(gridTape.constant(grid));
            double[][] p = Plots.gridValues(n, k -> 1 / (1 + Math.exp(-z.get(k, 0))));
            Plots.fieldFromGrid(c, "p", p, lo, hi, lo, hi, Plots.diverging(10), 0, 1);
            for (int label = 0; label < 2; label++) {
                Plots.scatter(c, label == 0 ? "inner disc" : "outer ring", test.coords(label, 0),
                        test.coords(label, 1), cls[label], 5);
            }
            regions.add(c);
        }
        saveGrid(regions, 1, 2, "anode-decision.png");

        XYChart loss = Plots.xy("Training loss", "iteration", "binary cross-entropy", 520, 400);
        double[] it = Plots.iterations(loss, iterations);
        // a stop request (Ctrl-C) may leave fewer iterations than --iterations
        double[] itPlain = java.util.Arrays.copyOf(it, plainHist[0].length);
        double[] itAug = java.util.Arrays.copyOf(it, augHist[0].length);
        Plots.line(loss, "plain", itPlain, plainHist[0], Plots.PALETTE[0], 1.5f);
        Plots.line(loss, "augmented", itAug, augHist[0], Plots.PALETTE[1], 1.5f);
        XYChart nfe = Plots.xy("Function evaluations per iteration", "iteration", "NFE (forward + backward)", 520, 400);
        Plots.iterations(nfe, iterations);
        Plots.line(nfe, "plain", itPlain, plainHist[1], Plots.PALETTE[0], 1.5f);
        Plots.line(nfe, "augmented", itAug, augHist[1], Plots.PALETTE[1], 1.5f);
        Plots.legendBelow(loss);
        Plots.legendBelow(nfe);
        saveGrid(List.of(loss, nfe), 1, 2, "anode-training.png");
    }
}
