package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * Time per training iteration of the spiral reference problem (REFERENCE.md; torchdiffeq's
 * ode_demo): 1000 points of {@code dy/dt = y³A} on [0, 25], batches of 20 ten-point windows
 * ({@code [0, 0.225]}), model {@code f(y) = Linear(50→2)(tanh(Linear(2→50)(y³)))} with weights
 * N(0, 0.1), dopri5 rtol 1e-7 atol 1e-9, mean absolute error, RMSprop (lr 1e-3, alpha 0.99,
 * eps 1e-8). One iteration = batch assembly, forward solve, loss, backward, optimizer step.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.adjoint.SpiralTrainingTiming [iterations] [rounds]
 * </pre>
 * Prints, per gradient method and round, milliseconds per iteration (mean over the round after
 * a warm-up round; wall clock, the thread's CPU time and the process's CPU time, which includes
 * the garbage collector; CPU times are what a loaded machine disturbs least)
 * and forward / backward function evaluations per iteration. Rounds alternate between the
 * methods so drifting machine load affects both alike.
 */
public final class SpiralTrainingTiming {

    private static final int POINTS = 1000;
    private static final int BATCH = 20;
    private static final int WINDOW = 10;

    private final double[][] truth = new double[POINTS][];
    private final double[] t = new double[POINTS];
    private final SpiralProblem model = new SpiralProblem();
    private final SolverOptions options = SolverOptions.builder().method("dopri5").rtol(1e-7).atol(1e-9).build();
    private final double[][] sq;
    private final Random rng = new Random(0);
    private final DMatrixRMaj y0 = new DMatrixRMaj(BATCH, 2);
    private final DMatrixRMaj target = new DMatrixRMaj(WINDOW * BATCH, 2);
    private final double[] times = new double[WINDOW];
    long forwardEvals;
    long backwardEvals;

    SpiralTrainingTiming() {
        for (int i = 0; i < POINTS; i++) {
            t[i] = 25.0 * i / (POINTS - 1);
        }
        double[][] a = {{-0.1, 2.0}, {-2.0, -0.1}};
        OdeSolution sol = OdeSolvers.solve((tt, y, d) -> {
            double u = y[0] * y[0] * y[0];
            double v = y[1] * y[1] * y[1];
            d[0] = u * a[0][0] + v * a[1][0];
            d[1] = u * a[0][1] + v * a[1][1];
        }, new double[] {2, 0}, t, options);
        for (int i = 0; i < POINTS; i++) {
            truth[i] = sol.state(i);
        }
        System.arraycopy(t, 0, times, 0, WINDOW);
        List<Parameter> ps = model.parameters();
        sq = new double[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            sq[i] = new double[ps.get(i).size()];
        }
    }

    /** One training iteration. */
    void iteration(GradientMethod method) {
        int[] starts = sample();
        for (int b = 0; b < BATCH; b++) {
            y0.data[2 * b] = truth[starts[b]][0];
            y0.data[2 * b + 1] = truth[starts[b]][1];
            for (int i = 0; i < WINDOW; i++) {
                int r = i * BATCH + b;
                target.data[2 * r] = truth[starts[b] + i][0];
                target.data[2 * r + 1] = truth[starts[b] + i][1];
            }
        }
        List<Parameter> ps = model.parameters();
        for (Parameter p : ps) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(model, tape.constant(y0), times, options, method);
        Tensor loss = r.stacked().sub(tape.constant(target)).abs().mean();
        tape.backward(loss);
        GradientStats s = r.stats();
        forwardEvals += s.forwardEvaluations();
        backwardEvals += s.backwardEvaluations();
        for (int i = 0; i < ps.size(); i++) { // RMSprop, PyTorch defaults
            double[] w = ps.get(i).value().data;
            double[] g = ps.get(i).grad().data;
            double[] v = sq[i];
            for (int k = 0; k < w.length; k++) {
                v[k] = 0.99 * v[k] + 0.01 * g[k] * g[k];
                w[k] -= 1e-3 * g[k] / (Math.sqrt(v[k]) + 1e-8);
            }
        }
    }

    private int[] sample() {
        int range = POINTS - WINDOW;
        int[] pick = new int[BATCH];
        boolean[] used = new boolean[range];
        for (int b = 0; b < BATCH; b++) {
            int s;
            do {
                s = rng.nextInt(range);
            } while (used[s]);
            used[s] = true;
            pick[b] = s;
        }
        return pick;
    }

    /**
     * Runs the timing.
     *
     * @param args optional: iterations per round (default 300) and rounds per method (default 3)
     */
    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String[] names = {"direct", "adjoint"};
        GradientMethod[] methods = {GradientMethod.direct(), GradientMethod.adjoint()};
        SpiralTrainingTiming[] runs = {new SpiralTrainingTiming(), new SpiralTrainingTiming()};
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < iters; i++) {
                runs[k].iteration(methods[k]); // warm-up round
            }
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        System.out.println("| method | round | ms per iteration (wall) | ms per iteration (thread CPU) "
                + "| ms per iteration (process CPU, incl. GC) | forward nfe / it | backward nfe / it |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int round = 1; round <= rounds; round++) {
            for (int k = 0; k < 2; k++) {
                SpiralTrainingTiming run = runs[k];
                run.forwardEvals = 0;
                run.backwardEvals = 0;
                long s = System.nanoTime();
                long c = mx.getCurrentThreadCpuTime();
                long pc = os.getProcessCpuTime();
                for (int i = 0; i < iters; i++) {
                    run.iteration(methods[k]);
                }
                double cpu = (mx.getCurrentThreadCpuTime() - c) / 1e6 / iters;
                double proc = (os.getProcessCpuTime() - pc) / 1e6 / iters;
                double ms = (System.nanoTime() - s) / 1e6 / iters;
                System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.1f | %.1f |%n", names[k], round, ms, cpu, proc,
                        (double) run.forwardEvals / iters, (double) run.backwardEvals / iters);
            }
        }
    }
}
