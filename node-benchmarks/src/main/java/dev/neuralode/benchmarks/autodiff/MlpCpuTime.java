package dev.neuralode.benchmarks.autodiff;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A companion to {@link MlpBenchmark} for shared, oversubscribed machines: it runs the same three
 * benchmark methods on the same networks, but measures the benchmark thread's own CPU time
 * ({@link ThreadMXBean#getCurrentThreadCpuTime()}) and reports the fastest of several batches, so
 * time slices lost to other processes do not count. JMH's wall-clock averages remain the primary
 * figures; this gives the steadier per-call cost. One JVM per network, so the JIT profile of one
 * shape does not shape the code run for the other.
 *
 * <p>Run: {@code java -cp node-benchmarks/target/benchmarks.jar
 * dev.neuralode.benchmarks.autodiff.MlpCpuTime [spiral|wide]...} (both networks by default, each in
 * a child JVM).
 */
public final class MlpCpuTime {

    private static final int BATCHES = 15;

    private MlpCpuTime() {
    }

    /**
     * Measures the networks named in {@code args} (default: {@code spiral} and {@code wide}, each
     * in its own child JVM) and prints one line per benchmark method.
     *
     * @param args network names; with exactly one name the measurement runs in this JVM
     * @throws Exception if a child JVM cannot be started
     */
    public static void main(String[] args) throws Exception {
        String[] nets = args.length == 0 ? new String[]{"spiral", "wide"} : args;
        if (nets.length == 1) {
            measure(nets[0]);
            return;
        }
        String java = System.getProperty("java.home") + "/bin/java";
        String cp = System.getProperty("java.class.path");
        for (String net : nets) {
            Process p = new ProcessBuilder(java, "-cp", cp, MlpCpuTime.class.getName(), net).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("measurement of '" + net + "' failed");
            }
        }
    }

    private static void measure(String net) {
        if (!net.equals("spiral") && !net.equals("wide")) {
            throw new IllegalArgumentException("unknown network '" + net + "'; valid: spiral, wide");
        }
        MlpBenchmark b = new MlpBenchmark();
        b.net = net;
        b.setup();
        int calls = net.equals("spiral") ? 20_000 : 100;
        report(net, "forward", b::forward, calls);
        report(net, "forwardNoGrad", b::forwardNoGrad, calls);
        report(net, "forwardBackward", b::forwardBackward, calls);
        report(net, "forwardBackwardUnclosed", b::forwardBackwardUnclosed, calls);
    }

    private static volatile Object sink;

    private static void report(String net, String name, Supplier<Object> f, int calls) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 10 * calls; i++) {
            sink = f.get();
        }
        long best = Long.MAX_VALUE;
        long total = 0;
        for (int batch = 0; batch < BATCHES; batch++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < calls; i++) {
                sink = f.get();
            }
            long dt = mx.getCurrentThreadCpuTime() - t0;
            best = Math.min(best, dt);
            total += dt;
        }
        System.out.printf(Locale.ROOT, "%-16s %-7s min %9.2f us  mean %9.2f us (CPU time per call, %d x %d calls)%n",
                name, net, best / 1e3 / calls, total / 1e3 / calls / BATCHES, BATCHES, calls);
    }
}
