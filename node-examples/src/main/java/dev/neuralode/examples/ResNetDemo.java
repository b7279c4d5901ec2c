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
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.ode.NeuralOde;
import dev.neuralode.models.ode.OdeBlock;
import dev.neuralode.models.ode.OdeFunction;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The "infinite-depth ResNet" idea of Chen et al. (2018), §2: a residual block
 * {@code h_{k+1} = h_k + (1/N) g_k(h_k)} is one Euler step of {@code dh/dt = g(h, t)}; letting the
 * number of blocks grow gives an ODE network whose hidden state exists at every time
 * {@code t ∈ [0, 1]}, whose parameters do not grow with depth, and whose training memory does not
 * either when gradients come from the adjoint method.
 *
 * <p>Both networks classify two moons with a 2-D hidden state (so their trajectories can be
 * drawn), followed by the same linear classifier.
 */
@Command(name = "resnet", mixinStandardHelpOptions = true,
        description = {"ResNet with N residual blocks vs an ODE network on two-moons classification: "
                + "accuracy, parameters, activation memory, the ODE hidden state at any time T, "
                + "hidden-state trajectories and decision boundaries.",
                "Plots: resnet-trajectories.png, resnet-decision-boundaries.png, resnet-depth.png"})
public final class ResNetDemo extends Demo {

    @Option(names = "--blocks", defaultValue = "10", paramLabel = "N",
            description = "residual blocks of the ResNet (default: ${DEFAULT-VALUE})")
    int blocks;

    @Option(names = "--hidden", defaultValue = "16", paramLabel = "H",
            description = "width of each block's / the dynamics' hidden layer (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N",
            description = "full-batch Adam iterations for each network (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--points", defaultValue = "400", paramLabel = "N",
            description = "training points (as many test points) (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--method", defaultValue = "dopri5", paramLabel = "M",
            description = "ODE solver of the ODE network (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--rtol", defaultValue = "1e-4", paramLabel = "TOL",
            description = "relative tolerance (atol = rtol/10) of adaptive solvers (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--gradient", defaultValue = "adjoint", paramLabel = "G",
            description = "gradient of the ODE network: direct, adjoint or checkpoint (default: ${DEFAULT-VALUE})")
    String gradient;

    @Option(names = "--eval-time", defaultValue = "0.5", paramLabel = "T",
            description = "evaluate the ODE network's hidden state at this time, in [0, 1] (default: ${DEFAULT-VALUE})")
    double evalTime;

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "LR",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--max-steps", defaultValue = "" + Flows.DEFAULT_MAX_STEPS, paramLabel = "N",
            description = "steps one ODE solve may take before the run stops as diverged (default: ${DEFAULT-VALUE})")
    long maxSteps;

    /** The ResNet: N residual blocks {@code h + g_k(h)/N}, then a linear classifier. */
    static final class ResNet extends Layer {
        final List<Sequential> blocks = new ArrayList<>();
        final Linear head;

        ResNet(int n, int hidden, Random rng) {
            for (int k = 0; k < n; k++) {
                blocks.add(registerModule("block" + k,
                        Mlp.builder(2).hidden(hidden).out(2).random(rng).build()));
            }
            head = registerModule("head", new Linear(2, 2, rng));
        }

        /** The hidden states h_0 .. h_N. */
        List<Tensor> states(Tensor x) {
            List<Tensor> hs = new ArrayList<>();
            Tensor h = x;
            hs.add(h);
            double scale = 1.0 / blocks.size();
            for (Sequential g : blocks) {
                h = h.add(g.forward(h).scale(scale));
                hs.add(h);
            }
            return hs;
        }

        @Override
        public Tensor forward(Tensor x) {
            List<Tensor> hs = states(x);
            return head.forward(hs.get(hs.size() - 1));
        }
    }

    /**
     * The ODE network: {@code h(1) = h(0) + ∫₀¹ f(h, t) dt}, then a linear classifier; node-models'
     * {@link NeuralOde} around an {@link OdeBlock}.
     */
    final class OdeNet extends Layer {
        final NeuralOde net;
        final Linear head;

        OdeNet(int hidden, Random rng) {
            Sequential f = Mlp.builder(2).hidden(hidden).out(2).time(Mlp.TimeMode.CONCAT).random(rng).build();
            OdeBlock block = new OdeBlock(OdeFunction.of(f), 0, 1, Flows.options(method, rtol, rtol / 10, null, maxSteps),
                    Flows.gradient(gradient));
            head = new Linear(2, 2, rng);
            net = registerModule("net", new NeuralOde(Activation.identity(), block, head));
        }

        /** The hidden states at any times (times[0] = 0 is the input). */
        List<Tensor> states(Tensor x, double[] times) {
            OdeSolveResult r = net.ode().trajectory(x, times);
            List<Tensor> out = new ArrayList<>();
            for (int i = 0; i < times.length; i++) {
                out.add(r.at(i));
            }
            return out;
        }

        @Override
        public Tensor forward(Tensor x) {
            return net.forward(x);
        }
    }

    @Override
    protected void validate() {
        requireAtLeast("--blocks", blocks, 1);
        requireAtLeast("--hidden", hidden, 1);
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--points", points, 2);
        requirePositive("--lr", lr);
        requireBetween("--eval-time", evalTime, 0, 1);
        Flows.options(method, rtol, rtol / 10, null, maxSteps);
        Flows.gradientName(gradient);
        requireFitsInHeap("--hidden", hidden, (double) hidden * hidden);
    }

    @Override
    protected String failureHint() {
        return "lower --lr (now " + lr + ") or raise --max-steps (now " + maxSteps + ")";
    }

    @Override
    protected DemoResult run() throws Exception {
        Random rng = new Random(common.seed());
        Datasets.Labelled train = Datasets.twoMoons(points, 0.1, rng);
        Datasets.Labelled test = Datasets.twoMoons(points, 0.1, rng);

        ResNet resnet = new ResNet(blocks, hidden, new Random(common.seed() + 1));
        OdeNet ode = new OdeNet(hidden, new Random(common.seed() + 2));

        log.info("ResNet: {} blocks, {} parameters; ODE net: {} parameters ({} {} gradient)",
                blocks, resnet.parameterCount(), ode.parameterCount(), Flows.method(method).name(),
                Flows.gradientName(gradient));
        double resTime = train("resnet", resnet, train, () -> 0L);
        double odeTime = train("odenet", ode, train, ode.net::nfe);

        double resAcc = accuracy(resnet, test);
        long nfe0 = ode.net.nfe();
        double odeAcc = accuracy(ode, test);
        long nfePerForward = ode.net.nfe() - nfe0;

        // accuracy of the shared classifier along depth: blocks k/N for the ResNet, any T for the ODE
        int nT = 21;
        double[] ts = EulerDemo.linspace(0, 1, nT);
        double[] odeAccT = new double[nT];
        List<Tensor> odeStates;
        Tape tape = new Tape();
        Tape.Scope noGrad = tape.noGrad();
        Tensor xTest = tape.constant(test.x());
        odeStates = ode.states(xTest, ts);
        for (int i = 0; i < nT; i++) {
            odeAccT[i] = accuracy(ode.head.forward(odeStates.get(i)), test.labels());
        }
        double[] resDepth = new double[blocks + 1];
        double[] resAccK = new double[blocks + 1];
        List<Tensor> resStates = resnet.states(xTest);
        for (int k = 0; k <= blocks; k++) {
            resDepth[k] = (double) k / blocks;
            resAccK[k] = accuracy(resnet.head.forward(resStates.get(k)), test.labels());
        }
        double[] evalTimes = evalTime > 0 ? new double[] {0, evalTime} : new double[] {0, 1e-12};
        Tensor hT = ode.states(xTest, evalTimes).get(1);
        double accAtT = accuracy(ode.head.forward(hT), test.labels());
        log.info("ODE hidden state at T={} of test point 0: ({}, {}) -> accuracy of the classifier there {}",
                evalTime, fmt(hT.get(0, 0)), fmt(hT.get(0, 1)), fmt(accAtT));

        // memory kept for the backward pass: the ResNet keeps each block's input and hidden activations
        int b = train.size();
        double resMem = (double) blocks * b * (2 + 2 * hidden) * 8;
        // the ODE net's: what its gradient method reports keeping, over one training step
        Tape stepTape = new Tape();
        stepTape.backward(LossFunctions.crossEntropy(ode.forward(stepTape.constant(train.x())), train.labels()));
        ode.zeroGrad();
        double odeMem = ode.net.ode().lastResult().stats().peakStoredDoubles() * 8.0;

        noGrad.close();
        plots(resnet, ode, test, ts, odeStates, resStates, resDepth, resAccK, odeAccT);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("resnet_accuracy", resAcc);
        figures.put("ode_accuracy", odeAcc);
        figures.put("resnet_params", (double) resnet.parameterCount());
        figures.put("ode_params", (double) ode.parameterCount());
        figures.put("resnet_activation_kb", resMem / 1024);
        figures.put("ode_activation_kb", odeMem / 1024);
        figures.put("ode_nfe", (double) nfePerForward);
        figures.put("ode_accuracy_at_T", accAtT);
        figures.put("resnet_s", resTime);
        figures.put("ode_s", odeTime);
        String summary = String.format(Locale.ROOT,
                "resnet: blocks=%d resnet_accuracy=%.3f ode_accuracy=%.3f resnet_params=%d ode_params=%d "
                        + "resnet_activation_kb=%.1f ode_activation_kb=%.1f ode_nfe=%d ode_accuracy_at_T%s=%.3f "
                        + "resnet_s=%.2f ode_s=%.2f",
                blocks, resAcc, odeAcc, resnet.parameterCount(), ode.parameterCount(), resMem / 1024,
                odeMem / 1024, nfePerForward, fmtT(evalTime), accAtT, resTime, odeTime);
        return new DemoResult("resnet", summary, figures, images());
    }

    private static String fmtT(double t) {
        return new java.math.BigDecimal(t).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private double train(String name, Layer model, Datasets.Labelled data, java.util.function.LongSupplier nfe) {
        Progress progress = new Progress(log, name, iterations);
        long start = System.nanoTime();
        int[] done = {0};
        try {
            Trainer.builder(new Adam(model.parameters(), lr)).iterations(iterations).nfe(nfe)
                    .stopRequest(stopRequest()).checkpoint(checkpointFile(name), 100)
                    .callback(e -> {
                        done[0] = e.iteration() + 1;
                        progress.update(e.iteration() + 1, e.loss(),
                                model instanceof OdeNet ? e.forwardNfe() + e.backwardNfe() : Double.NaN, null);
                    })
                    .build()
                    .fit((tape, it) -> LossFunctions.crossEntropy(model.forward(tape.constant(data.x())), data.labels()));
        } catch (RuntimeException e) {
            throw DemoFailure.of("training " + name + " failed at iteration " + (done[0] + 1) + " of " + iterations,
                    failureHint(), e);
        }
        return (System.nanoTime() - start) * 1e-9;
    }

    private static double accuracy(Layer model, Datasets.Labelled d) {
        Tape tape = new Tape();
        tape.noGrad(); // a throwaway tape: nothing is kept for a backward pass
        return accuracy(model.forward(tape.constant(d.x())), d.labels());
    }

    static double accuracy(Tensor logits, int[] labels) {
        int ok = 0;
        for (int i = 0; i < labels.length; i++) {
            int pred = logits.get(i, 1) > logits.get(i, 0) ? 1 : 0;
            ok += pred == labels[i] ? 1 : 0;
        }
        return (double) ok / labels.length;
    }

    private void plots(ResNet resnet, OdeNet ode, Datasets.Labelled test, double[] ts, List<Tensor> odeStates,
            List<Tensor> resStates, double[] resDepth, double[] resAccK, double[] odeAccT) throws Exception {
        Color[] cls = {Plots.PALETTE[0], Plots.PALETTE[3]};
        int shown = Math.min(60, test.size());
        // 1. hidden-state trajectories
        XYChart rt = Plots.xy("ResNet: hidden state after each of " + blocks + " blocks", "h1", "h2", 560, 520);
        XYChart ot = Plots.xy("ODE net: hidden state h(t), t in [0, 1]", "h1", "h2", 560, 520);
        for (int i = 0; i < shown; i++) {
            Color c = cls[test.labels()[i]];
            double[] rx = new double[resStates.size()];
            double[] ry = new double[resStates.size()];
            for (int k = 0; k < rx.length; k++) {
                rx[k] = resStates.get(k).get(i, 0);
                ry[k] = resStates.get(k).get(i, 1);
            }
            Plots.lineWithMarkers(rt, "r" + i, rx, ry, alpha(c)).setShowInLegend(false);
            double[] ox = new double[ts.length];
            double[] oy = new double[ts.length];
            for (int k = 0; k < ts.length; k++) {
                ox[k] = odeStates.get(k).get(i, 0);
                oy[k] = odeStates.get(k).get(i, 1);
            }
            Plots.line(ot, "o" + i, ox, oy, alpha(c), 1.5f).setShowInLegend(false);
        }
        for (XYChart c : List.of(rt, ot)) {
            List<Tensor> st = c == rt ? resStates : odeStates;
            Tensor end = st.get(st.size() - 1);
            for (int label = 0; label < 2; label++) {
                List<double[]> pts = new ArrayList<>();
                for (int i = 0; i < shown; i++) {
                    if (test.labels()[i] == label) {
                        pts.add(new double[] {end.get(i, 0), end.get(i, 1)});
                    }
                }
                Plots.scatter(c, "class " + label + " at the end", pts.stream().mapToDouble(p -> p[0]).toArray(),
                        pts.stream().mapToDouble(p -> p[1]).toArray(), cls[label], 7);
            }
            c.getStyler().setMarkerSize(3);
        }
        saveGrid(List.of(rt, ot), 1, 2, "resnet-trajectories.png");

        // 2. decision regions in input space
        double x0 = -2.0;
        double x1 = 2.0;
        double y0 = -1.6;
        double y1 = 1.6;
        int n = 70;
        List<XYChart> regions = new ArrayList<>();
        for (Layer model : List.of(resnet, ode)) {
            String title = model == resnet ? "ResNet (" + blocks + " blocks) decision regions" : "ODE net decision regions";
            XYChart c = Plots.xy(title, "x1", "x2", 560, 480);
            double[][] grid = Plots.cellCentres(n, x0, x1, y0, y1);
            Tape tape = new Tape();
            tape.noGrad();
            Tensor logits = model.forward(tape.constant(grid));
            double[][] p = Plots.gridValues(n, k -> 1 / (1 + Math.exp(-(logits.get(k, 1) - logits.get(k, 0)))));
            Plots.fieldFromGrid(c, "p", p, x0, x1, y0, y1, Plots.diverging(10), 0, 1);
            for (int label = 0; label < 2; label++) {
                Plots.scatter(c, "class " + label, test.coords(label, 0), test.coords(label, 1), cls[label], 5);
            }
            regions.add(c);
        }
        saveGrid(regions, 1, 2, "resnet-decision-boundaries.png");

        // 3. accuracy along depth
        XYChart depth = Plots.xy("Accuracy of the classifier along depth", "depth (block k/N, or time t)", "test accuracy");
        Plots.lineWithMarkers(depth, "ResNet after block k", resDepth, resAccK, Plots.PALETTE[0]);
        Plots.line(depth, "ODE net at time t", ts, odeAccT, Plots.PALETTE[1], 2.5f);
        depth.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        save(depth, "resnet-depth.png");
    }

    private static Color alpha(Color c) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), 110);
    }
}
