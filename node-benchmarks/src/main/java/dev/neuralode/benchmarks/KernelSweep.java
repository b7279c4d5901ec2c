package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.explicit.ButcherTableau;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * What the fused dopri5 and DOP853 kernels are worth as the state grows: thread CPU time per
 * solve of a periodic reaction–diffusion chain of {@code n} components,
 * {@code y_i' = (y_{i-1} - 2y_i + y_{i+1}) n²/200 + 1 - 3y_i + 0.1y_i²} on [0, 2] at rtol = atol = 1e-8,
 * by the built-in tableau and by a copy of it without the kernel (the generic stepper; same steps,
 * same results). Best of 20 rounds after 10 warm-up rounds, each size and variant in its own
 * order within one JVM.
 *
 * <pre>
 * java -Ddev.neuralode.solvers.kernelMaxDimension=1000000 -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.KernelSweep
 * </pre>
 * The property makes the built-in tableaus use their kernels at every size (by default they do
 * below 64 components only: this sweep shows them faster up to 16, level at 32, slower from 128).
 */
public final class KernelSweep {

    private KernelSweep() {
    }

    private static volatile double sink;

    /**
     * Runs the sweep.
     *
     * @param args optional sizes (default 4 8 16 32 128 512)
     */
    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {4, 8, 16, 32, 128, 512}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("| n | method | kernel us/solve | generic us/solve | generic / kernel |");
        System.out.println("|---|---|---|---|---|");
        for (int n : sizes) {
            for (String m : new String[] {"dopri5", "dopri8"}) {
                double k = time(n, OdeSolvers.tableau(m));
                double g = time(n, SolverBenchmark.genericCopy(m));
                System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.2f |%n", n, m, k, g, g / k);
            }
        }
    }

    private static double time(int n, ButcherTableau tab) {
        OdeSystem f = (t, y, d) -> {
            for (int i = 0; i < n; i++) {
                double l = y[i == 0 ? n - 1 : i - 1];
                double r = y[i == n - 1 ? 0 : i + 1];
                d[i] = 0.5 * (l - 2 * y[i] + r) * n * n / 100.0 + 1 - 3 * y[i] + y[i] * y[i] * 0.1;
            }
        };
        double[] y0 = new double[n];
        for (int i = 0; i < n; i++) {
            y0[i] = 1 + Math.sin(2 * Math.PI * i / n);
        }
        SolverOptions o = SolverOptions.builder().method(tab).rtol(1e-8).atol(1e-8).build();
        double[] times = {0, 2};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int reps = Math.max(1, 20000 / n);
        double best = Double.POSITIVE_INFINITY;
        double acc = 0;
        for (int round = 0; round < 30; round++) {
            long c = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                OdeSolution s = OdeSolvers.solve(f, y0, times, o);
                acc += s.state(1)[0];
            }
            double us = (mx.getCurrentThreadCpuTime() - c) / 1e3 / reps;
            if (round >= 10) {
                best = Math.min(best, us);
            }
        }
        sink += acc;
        return best;
    }
}
