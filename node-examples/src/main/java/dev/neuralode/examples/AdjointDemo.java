package dev.neuralode.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.knowm.xchart.XYChart;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.solvers.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Backprop through the solver against the adjoint methods (Chen et al. 2018, §2). Backprop
 * ({@code direct}) differentiates the solver's own operations: the exact gradient of the
 * discrete computation, but it keeps every stage of every step, so its memory grows with the
 * number of steps. The backsolve adjoint ({@code adjoint}) integrates the state, the adjoint
 * {@code a = ∂L/∂y} and the parameter gradient backwards together and keeps only the outputs:
 * constant memory, an approximate gradient (the error of the backward solves). The checkpointed
 * adjoint ({@code checkpoint}) keeps a state every few steps and re-solves forwards between them.
 *
 * <p>The demo takes the spiral network with random weights and a batch of spiral points,
 * compares the three parameter gradients of {@code L = Σ y(T)²} at tight tolerance, then times
 * them and reads their stored doubles as the number of fixed rk4 steps grows.
 */
@Command(name = "adjoint", mixinStandardHelpOptions = true,
        description = {"Backprop through the solver vs the backsolve and checkpointed adjoints: gradient "
                + "agreement, then time and memory as the number of steps grows.",
                "Plots: adjoint-gradients.png, adjoint-time.png, adjoint-memory.png"})
public final class AdjointDemo extends Demo {

    @Option(names = "--steps", split = ",", defaultValue = "10,20,50,100,200,500,1000", paramLabel = "N",
            description = "numbers of fixed rk4 steps of the scaling study (default: ${DEFAULT-VALUE})")
    int[] steps;

    @Option(names = "--t-end", defaultValue = "5.0", paramLabel = "T",
            description = "integration time (default: ${DEFAULT-VALUE})")
    double tEnd;

    @Option(names = "--batch", defaultValue = "20", paramLabel = "B",
            description = "initial states (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--rtol", defaultValue = "1e-7", paramLabel = "TOL",
            description = "dopri5 relative tolerance of the agreement test, atol = rtol/100 (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "K",
            description = "timed repeats per point, the fastest is kept (default: ${DEFAULT-VALUE})")
    int repeats;

    private static final String[] METHODS = {"direct", "adjoint", "checkpoint"};

    /** One gradient evaluation's outcome. */
    private record Run(double[] grad, double seconds, GradientStats stats) {
    }

    @Override
    protected void validate() {
        for (int n : steps) {
            requireAtLeast("--steps", n, 1);
        }
        requirePositive("--t-end", tEnd);
        requireAtLeast("--batch", batch, 1);
        requireAtLeast("--repeats", repeats, 1);
        requirePositive("--rtol", rtol);
    }

    @Override
    protected DemoResult run() throws Exception {
        Random rng = new Random(common.seed());
        Sequential net = SpiralDemo.network(rng);
        Dynamics f = Flows.dynamics(net);
        double[][] states = SpiralData.reference().states();
        double[][] y0 = new double[batch][];
        for (int b = 0; b < batch; b++) {
            y0[b] = states[rng.nextInt(states.length)];
        }
        log.info("spiral network ({} parameters), batch {}, L = sum y(T)^2, T = {}", net.parameterCount(), batch, tEnd);

        // 1. agreement at tight tolerance
        SolverOptions tight = SolverOptions.builder().method("dopri5").rtol(rtol).atol(rtol / 100).build();
        Map<String, Run> agree = new LinkedHashMap<>();
        for (String m : METHODS) {
            agree.put(m, gradient(net, f, y0, tight, m));
            GradientStats s = agree.get(m).stats();
            log.info("{}: |grad| {} nfe forward {} backward {} stored doubles {} (peak {})", m,
                    fmt(norm(agree.get(m).grad())), s.forwardEvaluations(), s.backwardEvaluations(),
                    s.storedDoubles(), s.peakStoredDoubles());
        }
        double[] ref = agree.get("direct").grad();
        double diffAdjoint = relDiff(agree.get("adjoint").grad(), ref);
        double diffCheckpoint = relDiff(agree.get("checkpoint").grad(), ref);
        log.info("relative gradient difference to backprop: adjoint {}, checkpoint {}", fmt(diffAdjoint),
                fmt(diffCheckpoint));

        XYChart sc = Plots.xy("Parameter gradients: adjoint vs backprop (dopri5, rtol " + rtol + ")",
                "backprop through the solver", "adjoint methods", 560, 520);
        double lo = Arrays.stream(ref).min().orElse(-1);
        double hi = Arrays.stream(ref).max().orElse(1);
        Plots.line(sc, "y = x", new double[] {lo, hi}, new double[] {lo, hi}, java.awt.Color.GRAY, 1f);
        Plots.scatter(sc, "backsolve adjoint", ref, agree.get("adjoint").grad(), Plots.PALETTE[0], 7);
        Plots.scatter(sc, "checkpointed adjoint", ref, agree.get("checkpoint").grad(), Plots.PALETTE[1], 4);
        sc.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        save(sc, "adjoint-gradients.png");

        // 2. time and memory against the number of fixed rk4 steps
        int n = steps.length;
        double[] xs = new double[n];
        double[][] ms = new double[METHODS.length][n];
        double[][] kb = new double[METHODS.length][n];
        double[] diffs = new double[n];
        gradient(net, f, y0, SolverOptions.builder().method("rk4").stepSize(tEnd / 50).build(), "direct"); // warm-up
        Progress progress = new Progress(log, "adjoint", n);
        for (int i = 0; i < n; i++) {
            xs[i] = steps[i];
            SolverOptions fixed = SolverOptions.builder().method("rk4").stepSize(tEnd / steps[i])
                    .maxSteps(steps[i] + 10L).build();
            double[] g0 = null;
            for (int k = 0; k < METHODS.length; k++) {
                Run best = null;
                for (int r = 0; r < Math.max(1, repeats); r++) {
                    Run run = gradient(net, f, y0, fixed, METHODS[k]);
                    if (best == null || run.seconds() < best.seconds()) {
                        best = run;
                    }
                }
                ms[k][i] = best.seconds() * 1e3;
                kb[k][i] = best.stats().peakStoredDoubles() * 8.0 / 1024;
                if (k == 0) {
                    g0 = best.grad();
                } else if (k == 1) {
                    diffs[i] = relDiff(best.grad(), g0);
                }
            }
            log.info(String.format(Locale.ROOT, "steps %5d  ms direct/adjoint/checkpoint %7.2f/%7.2f/%7.2f  "
                    + "KiB %7.1f/%7.1f/%7.1f  adjoint vs backprop %.2e  elapsed %.1fs", steps[i], ms[0][i], ms[1][i],
                    ms[2][i], kb[0][i], kb[1][i], kb[2][i], diffs[i], progress.elapsedSeconds()));
        }
        XYChart time = Plots.logLog("Time per gradient (rk4, fixed steps)", "steps", "milliseconds");
        XYChart mem = Plots.logLog("Memory kept for the backward pass (peak)", "steps", "KiB");
        mem.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        time.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        String[] labels = {"backprop through the solver", "backsolve adjoint", "checkpointed adjoint"};
        for (int k = 0; k < METHODS.length; k++) {
            Plots.lineWithMarkers(time, labels[k], xs, ms[k], Plots.PALETTE[k]);
            Plots.lineWithMarkers(mem, labels[k], xs, kb[k], Plots.PALETTE[k]);
        }
        save(time, "adjoint-time.png");
        save(mem, "adjoint-memory.png");

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("grad_rel_diff_adjoint", diffAdjoint);
        figures.put("grad_rel_diff_checkpoint", diffCheckpoint);
        figures.put("max_steps", xs[n - 1]);
        for (int k = 0; k < METHODS.length; k++) {
            figures.put("ms_" + METHODS[k], ms[k][n - 1]);
        }
        for (int k = 0; k < METHODS.length; k++) {
            figures.put("kib_" + METHODS[k], kb[k][n - 1]);
        }
        String summary = String.format(Locale.ROOT,
                "adjoint: grad_rel_diff_adjoint=%.2e grad_rel_diff_checkpoint=%.2e steps=%d ms_direct=%.2f "
                        + "ms_adjoint=%.2f ms_checkpoint=%.2f kib_direct=%.1f kib_adjoint=%.1f kib_checkpoint=%.1f",
                diffAdjoint, diffCheckpoint, steps[n - 1], ms[0][n - 1], ms[1][n - 1], ms[2][n - 1], kb[0][n - 1],
                kb[1][n - 1], kb[2][n - 1]);
        return new DemoResult("adjoint", summary, figures, images());
    }

    /** The parameter gradient of {@code L = Σ y(T)²} with one method, timed. */
    private Run gradient(Sequential net, Dynamics f, double[][] y0, SolverOptions options, String method) {
        net.zeroGrad();
        long t0 = System.nanoTime();
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(f, tape.constant(y0), new double[] {0, tEnd}, options,
                Flows.gradient(method));
        Tensor loss = r.at(1).square().sum();
        tape.backward(loss);
        double seconds = (System.nanoTime() - t0) * 1e-9;
        List<Double> g = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            org.ejml.data.DMatrixRMaj pg = p.grad();
            for (int i = 0; i < pg.getNumElements(); i++) {
                g.add(pg.data[i]);
            }
        }
        return new Run(g.stream().mapToDouble(Double::doubleValue).toArray(), seconds, r.stats());
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** {@code ‖a - b‖ / ‖b‖}. */
    static double relDiff(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s) / Math.max(norm(b), Double.MIN_NORMAL);
    }
}
