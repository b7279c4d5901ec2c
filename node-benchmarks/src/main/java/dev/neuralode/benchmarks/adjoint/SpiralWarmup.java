package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.GradientMethod;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The warm-up of the spiral training loop as a fresh JVM sees it (what a user's first run of the
 * {@code spiral} demo pays): thread CPU milliseconds per iteration of {@link SpiralTrainingTiming}
 * in consecutive blocks of 50 iterations from the very first, the steady state (the median of the
 * last four blocks) and the first block from which every block stays within 25 % of it.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.adjoint.SpiralWarmup direct|adjoint [blocks]
 * </pre>
 * Run it in a fresh JVM each time (the point is the JIT's warm-up); {@code -XX:+PrintCompilation}
 * shows which methods are still interpreted or in C1 code during the slow blocks.
 */
public final class SpiralWarmup {

    /** Iterations per block. */
    static final int BLOCK = 50;

    private SpiralWarmup() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the method ({@code direct} or {@code adjoint}) and optionally the number of blocks
     *             (default 16, at least 8)
     */
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "direct";
        if (!name.equals("direct") && !name.equals("adjoint")) {
            throw new IllegalArgumentException("SpiralWarmup: method must be direct or adjoint, got " + name);
        }
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        if (blocks < 8) {
            throw new IllegalArgumentException("SpiralWarmup: at least 8 blocks, got " + blocks);
        }
        GradientMethod m = name.equals("direct") ? GradientMethod.direct() : GradientMethod.adjoint();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SpiralTrainingTiming run = new SpiralTrainingTiming();
        double[] ms = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            long c = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < BLOCK; i++) {
                run.iteration(m);
            }
            ms[b] = (mx.getCurrentThreadCpuTime() - c) / 1e6 / BLOCK;
        }
        double[] last = java.util.Arrays.copyOfRange(ms, blocks - 4, blocks);
        java.util.Arrays.sort(last);
        double steady = 0.5 * (last[1] + last[2]);
        int from = blocks;
        while (from > 0 && Math.abs(ms[from - 1] - steady) <= 0.25 * steady) {
            from--;
        }
        StringBuilder sb = new StringBuilder();
        for (double v : ms) {
            sb.append(String.format(Locale.ROOT, " %.2f", v));
        }
        double first = 0;
        for (int b = 0; b < Math.min(12, blocks); b++) {
            first += ms[b];
        }
        System.out.printf(Locale.ROOT, "%s: ms/iter per %d iterations:%s%n", name, BLOCK, sb);
        System.out.printf(Locale.ROOT, "%s: steady %.2f ms/iter, within 25 %% from iteration %d on; first %d iterations"
                + " %.2f ms/iter (%.2fx the steady state)%n", name, steady, from * BLOCK + 1,
                Math.min(12, blocks) * BLOCK, first / Math.min(12, blocks), first / Math.min(12, blocks) / steady);
    }
}
