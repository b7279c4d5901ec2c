package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.GradientMethod;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Bytes allocated and thread CPU time per spiral training iteration ({@link SpiralTrainingTiming}'s
 * iteration: batch, forward solve, loss, backward, RMSprop step) for one gradient method, after a
 * warm-up of the same length; allocation from {@code com.sun.management.ThreadMXBean}.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.adjoint.SpiralAllocation direct|adjoint [iterations]
 * </pre>
 */
public final class SpiralAllocation {

    private SpiralAllocation() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the method ({@code direct} or {@code adjoint}) and optionally the iterations per
     *             round (default 400; five rounds, the best CPU time and the last round's allocation)
     */
    public static void main(String[] args) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String name = args.length > 0 ? args[0] : "direct";
        if (!name.equals("direct") && !name.equals("adjoint")) {
            throw new IllegalArgumentException("SpiralAllocation: method must be direct or adjoint, got " + name);
        }
        GradientMethod m = name.equals("direct") ? GradientMethod.direct() : GradientMethod.adjoint();
        int iters = args.length > 1 ? Integer.parseInt(args[1]) : 400;
        SpiralTrainingTiming run = new SpiralTrainingTiming();
        for (int i = 0; i < iters; i++) {
            run.iteration(m);
        }
        double best = Double.POSITIVE_INFINITY;
        double kb = 0;
        for (int r = 0; r < 5; r++) {
            long b = mx.getCurrentThreadAllocatedBytes();
            long c = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < iters; i++) {
                run.iteration(m);
            }
            best = Math.min(best, (mx.getCurrentThreadCpuTime() - c) / 1e6 / iters);
            kb = (mx.getCurrentThreadAllocatedBytes() - b) / 1024.0 / iters;
        }
        System.out.printf(Locale.ROOT, "%s: %.1f KB allocated per iteration, best thread CPU %.3f ms per iteration%n",
                name, kb, best);
    }
}
