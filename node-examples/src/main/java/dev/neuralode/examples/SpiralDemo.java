package dev.neuralode.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.knowm.xchart.XYChart;

import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Init;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.models.optim.RmsProp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The spiral benchmark of torchdiffeq's {@code ode_demo.py}, exactly as the project's
 * docs/REFERENCE.md defines it: learn {@code dy/dt = (y³) A} from 1000 points of one trajectory with
 * {@code f(y) = Linear(50→2)(tanh(Linear(2→50)(y³)))}, mini-batches of 20 ten-point windows, an L1
 * loss, RMSprop (lr 1e-3) and dopri5 (rtol 1e-7, atol 1e-9), with gradients either by backprop
 * through the solver ({@code direct}) or by the adjoint method. The test metric is the mean
 * absolute error of the whole trajectory from {@code y(0)} over all 1000 points.
 */
@Command(name = "spiral", mixinStandardHelpOptions = true,
        description = {"The spiral benchmark (torchdiffeq's ode_demo): learn dy/dt = (y^3) A from one trajectory. "
                + "Prints: spiral: gradient=G method=M iterations=N s_per_iter=X nfe_forward_per_iter=F "
                + "nfe_backward_per_iter=B final_full_L1=L",
                "Plots: spiral-trajectories.png, spiral-phase.png, spiral-vector-field.png, spiral-training.png"})
public final class SpiralDemo extends Demo {

    @Option(names = "--iterations", defaultValue = "200", paramLabel = "N",
            description = "training iterations; the reference run is 2000 (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--gradient", defaultValue = "direct", paramLabel = "G",
            description = "direct (backprop through the solver), adjoint or checkpoint (default: ${DEFAULT-VALUE})")
    String gradient;

    @Option(names = "--method", defaultValue = "dopri5", paramLabel = "M",
            description = "solver of the model (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--rtol", defaultValue = "1e-7", paramLabel = "TOL",
            description = "relative tolerance of the model's solves (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-9", paramLabel = "TOL",
            description = "absolute tolerance of the model's solves (default: ${DEFAULT-VALUE})")
    double atol;

    @Option(names = "--step-size", paramLabel = "H",
            description = "fixed step size; fixed-step methods such as rk4 use " + Flows.DEFAULT_FIXED_STEP
                    + " without it, an adaptive method given one takes fixed steps")
    Double stepSize;

    @Option(names = "--max-steps", defaultValue = "" + Flows.DEFAULT_MAX_STEPS, paramLabel = "N",
            description = "steps one ODE solve may take; a run whose model needs more stops, naming the iteration "
                    + "(default: ${DEFAULT-VALUE})")
    long maxSteps;

    @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "LR",
            description = "RMSprop learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--test-every", defaultValue = "20", paramLabel = "K",
            description = "evaluate the full-trajectory L1 every K iterations, untimed; 0: only after the last "
                    + "(default: ${DEFAULT-VALUE})")
    int testEvery;

    @Option(names = "--data-size", defaultValue = "1000", paramLabel = "N", hidden = true,
            description = "time points of the data (default: ${DEFAULT-VALUE})")
    int dataSize;

    /** The benchmark's dynamics network: {@code Linear(50→2)(tanh(Linear(2→50)(y³)))}. */
    static Sequential network(Random rng) {
        return new Sequential(Activation.of("cube", y -> y.pow(3)),
                new Linear(2, 50, true, Init.normal(0.1), rng), Activation.tanh(),
                new Linear(50, 2, true, Init.normal(0.1), rng));
    }

    @Override
    protected void validate() {
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--test-every", testEvery, 0);
        requirePositive("--lr", lr);
        Flows.options(method, rtol, atol, stepSize, maxSteps);
        Flows.gradientName(gradient);
    }

    @Override
    protected String failureHint() {
        return "the learning rate --lr " + lr + " may be too large (the reference is 1e-3), or raise --max-steps";
    }

    @Override
    protected DemoResult run() throws Exception {
        SpiralData data = new SpiralData(dataSize, 25.0, 10, 20);
        Random rng = new Random(common.seed());
        Sequential f = network(rng);
        RmsProp opt = new RmsProp(f.parameters(), lr);
        DiffSolve solver = new DiffSolve(f, method, rtol, atol, stepSize, maxSteps, gradient);
        String methodName = Flows.method(method).name();
        String gradientName = Flows.gradientName(gradient);
        double[] bt = data.batchTimes();
        double[] t = data.times();
        double[][] truth = data.states();
        log.info("spiral: {} points on [0, 25], batch {}x{}, {} parameters, gradient {}, {}", data.size(),
                data.batchSize(), data.batchTime(), f.parameterCount(), gradientName, solver.describe(stepSize));

        double[] losses = new double[iterations];
        List<double[]> tests = new ArrayList<>();
        long trainNanos = 0;
        // the last quarter of the iterations (at least one), once the JIT has compiled the hot code
        int tailFrom = iterations - Math.max(1, iterations / 4);
        long tailNanos = 0;
        long fwdNfe = 0;
        long bwdNfe = 0;
        double[][] learned = null;
        Progress progress = new Progress(log, "spiral", iterations);
        for (int it = 1; it <= iterations; it++) {
            try {
                long t0 = System.nanoTime();
                SpiralData.Batch b = data.batch(rng);
                opt.zeroGrad();
                OdeSolveResult pred;
                try (Tape tape = new Tape()) { // closed: its arrays serve the next iteration
                    pred = solver.solve(tape.constant(b.y0()), bt);
                    Tensor loss = batchLoss(pred, b);
                    tape.backward(loss);
                    losses[it - 1] = loss.item();
                }
                opt.step();
                long dt = System.nanoTime() - t0;
                trainNanos += dt;
                if (it > tailFrom) {
                    tailNanos += dt;
                }
                long nf = pred.stats().forwardEvaluations();
                long nb = pred.stats().backwardEvaluations();
                fwdNfe += nf;
                bwdNfe += nb;
                if (it < iterations && stopRequest().isRequested()) {
                    log.warn("spiral: stopped ({}) after {} of {} iterations", stopRequest().reason(), it, iterations);
                    iterations = it; // now the last iteration: the test metric, summary and plots follow as usual
                }
                // the test metric (untimed): every testEvery iterations and always after the last one
                if ((testEvery > 0 && it % testEvery == 0) || it == iterations) {
                    learned = trajectory(solver, t);
                    double l1 = l1(learned, truth);
                    tests.add(new double[] {it, l1});
                    String extra = String.format(Locale.ROOT, "full_L1 %.4f", l1);
                    if (it % Math.max(1, Math.max(testEvery, iterations / 20)) == 0 || it == iterations) {
                        log.info(progress.line(it, losses[it - 1], nf + nb, extra));
                    }
                } else if (testEvery <= 0) {
                    progress.update(it, losses[it - 1], nf + nb, null);
                }
            } catch (RuntimeException e) {
                throw DemoFailure.of("training failed at iteration " + it + " of " + iterations, failureHint(), e);
            }
            if (!Double.isFinite(losses[it - 1])) {
                throw new DemoFailure("training diverged at iteration " + it + " of " + iterations + ": the batch loss is "
                        + losses[it - 1] + "; " + failureHint(), null);
            }
        }
        losses = java.util.Arrays.copyOf(losses, iterations);
        dev.neuralode.models.io.Npz.save(f, checkpointFile("spiral")); // the weights (its own loop: no Trainer state)
        double finalL1 = tests.get(tests.size() - 1)[1];
        double sPerIter = trainNanos * 1e-9 / iterations;
        double nfeF = (double) fwdNfe / iterations;
        double nfeB = (double) bwdNfe / iterations;
        int last = Math.min(5, tests.size());
        double meanLast = tests.subList(tests.size() - last, tests.size()).stream().mapToDouble(p -> p[1]).average()
                .orElse(Double.NaN);
        double sPerIterTail = iterations > tailFrom ? tailNanos * 1e-9 / (iterations - tailFrom) : sPerIter;
        log.info(String.format(Locale.ROOT, "training %.2fs (%.5f s/iteration, JIT warm-up included; the last %d "
                + "iterations: %.5f s/iteration); full-trajectory L1: final %.4f, best %.4f, mean of the last %d "
                + "evaluations %.4f", trainNanos * 1e-9, sPerIter, iterations - tailFrom, sPerIterTail, finalL1,
                tests.stream().mapToDouble(p -> p[1]).min().orElse(Double.NaN), last, meanLast));

        save(SpiralPlots.trajectories(t, truth, learned, iterations), "spiral-trajectories.png");
        save(SpiralPlots.phase(truth, learned, iterations), "spiral-phase.png");
        Plots.VectorField learnedField = (x, y) -> {
            Tensor v = f.forward(new Tape().constant(1, 2, x, y));
            return new double[] {v.get(0, 0), v.get(0, 1)};
        };
        Plots.VectorField trueField = (x, y) -> {
            double[] d = new double[2];
            SpiralData.TRUE_DYNAMICS.derivative(0, new double[] {x, y}, d);
            return d;
        };
        saveGrid(SpiralPlots.fieldPair(trueField, learnedField, truth, learned), 1, 2, "spiral-vector-field.png");
        XYChart tr = Plots.xy("Training", "iteration", "L1");
        tr.getStyler().setYAxisLogarithmic(true);
        Plots.line(tr, "batch loss", Plots.iterations(tr, iterations), losses, Plots.PALETTE[0], 1f);
        if (!tests.isEmpty()) {
            Plots.lineWithMarkers(tr, "full-trajectory L1", tests.stream().mapToDouble(p -> p[0]).toArray(),
                    tests.stream().mapToDouble(p -> p[1]).toArray(), Plots.PALETTE[3]);
        }
        Plots.legendBelow(tr);
        save(tr, "spiral-training.png");

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("s_per_iter", sPerIter);
        figures.put("s_per_iter_last_quarter", sPerIterTail);
        figures.put("nfe_forward_per_iter", nfeF);
        figures.put("nfe_backward_per_iter", nfeB);
        figures.put("final_full_L1", finalL1);
        figures.put("final_batch_loss", losses[iterations - 1]);
        figures.put("mean_last_full_L1", meanLast);
        String summary = String.format(Locale.ROOT,
                "spiral: gradient=%s method=%s iterations=%d s_per_iter=%.5f nfe_forward_per_iter=%.1f "
                        + "nfe_backward_per_iter=%.1f final_full_L1=%.4f",
                gradientName, methodName, iterations, sPerIter, nfeF, nfeB, finalL1);
        return new DemoResult("spiral", summary, figures, images());
    }

    /**
     * The benchmark's training loss: the mean absolute error over the {@code batchTime × batchSize × 2}
     * predictions ({@code pred.stacked()} is time-major, {@code (T·B) × 2}, like the stacked target).
     *
     * @param pred the solve from the batch's initial states at the batch times
     * @param b    the batch
     * @return the 1×1 loss on the solve's tape
     */
    static Tensor batchLoss(OdeSolveResult pred, SpiralData.Batch b) {
        Tensor y = pred.stacked();
        return y.sub(y.tape().constant(b.stackedTarget())).abs().mean();
    }

    /** The model's trajectory from {@code y(0)} at all data times (not differentiated). */
    static double[][] trajectory(DiffSolve solver, double[] t) {
        Tape tape = new Tape();
        tape.noGrad(); // evaluation only: nothing is kept for a backward pass
        OdeSolveResult ys = solver.solve(tape.constant(1, 2, SpiralData.Y0[0], SpiralData.Y0[1]), t);
        double[][] out = new double[t.length][];
        for (int i = 0; i < t.length; i++) {
            out[i] = new double[] {ys.at(i).get(0, 0), ys.at(i).get(0, 1)};
        }
        return out;
    }

    /** The test metric: mean absolute error of a trajectory from y(0) over all points. */
    static double l1(double[][] y, double[][] truth) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += Math.abs(y[i][0] - truth[i][0]) + Math.abs(y[i][1] - truth[i][1]);
        }
        return s / (2.0 * y.length);
    }
}
