package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.AdjointOptions;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Prints the table users need to choose a gradient method: for the spiral problem, the time of
 * one gradient (the solving thread's CPU time plus the collectors' reported collection time,
 * median of several runs: on a shared machine wall time mostly measures the other processes), the peak number of doubles the method stores (counted by the library), the
 * megabytes allocated and the peak heap of one gradient as the number of fixed rk4 steps grows
 * (10², 10³, ... up to {@code maxSteps}), and the gradient error of each method against central
 * finite differences (of a solve at rtol 1e-12), along one random parameter direction, at dopri5
 * tolerances 1e-3 to 1e-9, on the timing problem and on a harder variant (weights with standard deviation 0.5,
 * outputs on [0, 9]). The accuracy table runs the backsolve adjoint with its reconstruction check off
 * ({@link AdjointOptions#maxReconstructionError()} infinite), so that it shows the gradient error the
 * check guards against, and prints the relative reconstruction error beside it: rows above the
 * default limit are the ones a default {@code adjoint()} refuses.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.adjoint.GradientMethodTable [maxSteps]
 * </pre>
 */
public final class GradientMethodTable {

    private GradientMethodTable() {
    }

    /**
     * Runs the table.
     *
     * @param args optional: the largest step count (default 10000; 0 prints the accuracy table only)
     */
    public static void main(String[] args) {
        int maxSteps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        boolean timing = maxSteps >= 100;
        final SpiralProblem sp = new SpiralProblem();
        List<GradientMethod> methods = List.of(GradientMethod.direct(), GradientMethod.adjoint(),
                GradientMethod.checkpointed());
        System.out.println("| rk4 steps | method | ms per gradient (thread CPU + GC, median) | ratio to forward | peak stored doubles "
                + "| MB allocated per gradient | peak heap MB | backward evals |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int steps = 100; timing && steps <= maxSteps; steps *= 10) {
            SolverOptions o = SpiralProblem.rk4(steps);
            double fwd = time(() -> sp.loss(o), steps);
            double[] fwdHeap = heap(() -> sp.loss(o));
            System.out.printf(Locale.ROOT, "| %d | forward only | %.2f | 1.0 | — | %.1f | %.1f | — |%n", steps, fwd,
                    fwdHeap[0], fwdHeap[1]);
            for (GradientMethod m : methods) {
                OdeSolveResult[] last = new OdeSolveResult[1];
                double ms = time(() -> last[0] = sp.gradient(o, m), steps);
                double[] hp = heap(() -> sp.gradient(o, m));
                GradientStats s = last[0].stats();
                System.out.printf(Locale.ROOT, "| %d | %s | %.2f | %.1f | %d | %.1f | %.1f | %d |%n", steps, m.name(),
                        ms, ms / fwd, s.peakStoredDoubles(), hp[0], hp[1], s.backwardEvaluations());
            }
        }
        double off = Double.POSITIVE_INFINITY;
        List<GradientMethod> withSemi = List.of(GradientMethod.direct(),
                GradientMethod.adjoint(AdjointOptions.builder().maxReconstructionError(off).build()),
                GradientMethod.adjoint(AdjointOptions.builder().seminorm(true).maxReconstructionError(off).build()),
                GradientMethod.checkpointed());
        // the timing problem (easy) and a harder variant: outputs on [0, 9], weight std 0.5
        accuracy("spiral, weights N(0, 0.1), outputs on [0, 0.9]", new SpiralProblem(), withSemi);
        accuracy("harder: weights with standard deviation 0.5, outputs on [0, 9]", new SpiralProblem(0.5, 1.0), withSemi);
    }

    /** Relative error of dL/dθ·v against central differences of a dopri5 rtol 1e-12 solve. */
    private static void accuracy(String label, SpiralProblem p, List<GradientMethod> methods) {
        System.out.println();
        System.out.println(label);
        System.out.println();
        System.out.println("| dopri5 rtol (atol = rtol/100) | method | relative gradient error vs FD | forward steps "
                + "| backward steps | relative reconstruction error (default limit "
                + AdjointOptions.DEFAULT_MAX_RECONSTRUCTION_ERROR + ") |");
        System.out.println("|---|---|---|---|---|---|");
        SolverOptions ref = SolverOptions.builder().method("dopri5").rtol(1e-12).atol(1e-14).build();
        double[] v = direction(p, 7);
        double eps = 1e-6;
        shift(p, v, eps);
        double plus = p.loss(ref);
        shift(p, v, -2 * eps);
        double minus = p.loss(ref);
        shift(p, v, eps);
        double fd = (plus - minus) / (2 * eps);
        for (double tol : new double[] {1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9}) {
            SolverOptions o = SolverOptions.builder().method("dopri5").rtol(tol).atol(tol / 100).build();
            for (GradientMethod m : methods) {
                OdeSolveResult r = p.gradient(o, m);
                double g = dot(p, v);
                double recon = r.stats().relativeReconstructionError();
                System.out.printf(Locale.ROOT, "| %.0e | %s | %.2e | %d | %d | %s |%n", tol, m.name(),
                        Math.abs(g - fd) / Math.abs(fd), r.stats().forwardSteps(), r.stats().backwardSteps(),
                        Double.isNaN(recon) ? "—" : String.format(Locale.ROOT, "%.2e", recon));
            }
        }
    }

    private static double time(Runnable r, int steps) {
        int reps = steps >= 100_000 ? 1 : Math.max(3, 20_000 / steps);
        int warm = steps >= 100_000 ? 0 : Math.min(reps, 5); // by then the code is compiled
        for (int i = 0; i < warm; i++) {
            r.run();
        }
        double[] t = new double[reps];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < reps; i++) {
            long s = mx.getCurrentThreadCpuTime();
            long gc = gcMillis();
            r.run();
            t[i] = (mx.getCurrentThreadCpuTime() - s) / 1e6 + (gcMillis() - gc);
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }

    /** Total collection time of all garbage collectors so far, in milliseconds. */
    private static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, b.getCollectionTime());
        }
        return sum;
    }

    /**
     * Heap of one run: megabytes allocated by this thread, and the peak heap occupancy (summed
     * pool peaks after a full collection; an upper bound, it includes garbage not yet collected).
     */
    private static double[] heap(Runnable r) {
        System.gc();
        List<java.lang.management.MemoryPoolMXBean> pools = new java.util.ArrayList<>();
        for (java.lang.management.MemoryPoolMXBean b : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == java.lang.management.MemoryType.HEAP && b.isValid()) {
                b.resetPeakUsage();
                pools.add(b);
            }
        }
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long a0 = mx.getThreadAllocatedBytes(tid);
        r.run();
        long allocated = mx.getThreadAllocatedBytes(tid) - a0;
        long peak = 0;
        for (java.lang.management.MemoryPoolMXBean b : pools) {
            peak += b.getPeakUsage().getUsed();
        }
        return new double[] {allocated / 1e6, peak / 1e6};
    }

    private static double[] direction(SpiralProblem p, long seed) {
        Random r = new Random(seed);
        int n = 0;
        for (Parameter q : p.parameters()) {
            n += q.size();
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static void shift(SpiralProblem p, double[] v, double eps) {
        int off = 0;
        for (Parameter q : p.parameters()) {
            double[] d = q.value().data;
            for (int i = 0; i < q.size(); i++) {
                d[i] += eps * v[off++];
            }
        }
    }

    private static double dot(SpiralProblem p, double[] v) {
        int off = 0;
        double s = 0;
        for (Parameter q : p.parameters()) {
            double[] g = q.grad().data;
            for (int i = 0; i < q.size(); i++) {
                s += g[i] * v[off++];
            }
        }
        return s;
    }
}
