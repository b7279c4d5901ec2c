package dev.neuralode.benchmarks.autodiff;

import dev.neuralode.autodiff.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tape's {@code tanh} kernel ({@link Kernels#tanh(double[], double[], int)}) over 1000 values,
 * the spiral MLP's hidden layer (batch 20 × 50), against a loop of {@link Math#tanh} in the same
 * run; ns per value = time / 1000. Inputs are standard normal from a fixed seed.
 * Run: {@code java -jar node-benchmarks/target/benchmarks.jar TanhBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TanhBenchmark {

    private final double[] x = new double[1000];
    private final double[] y = new double[1000];

    /** Standard normal inputs from a fixed seed. */
    @Setup
    public void setup() {
        Random rnd = new Random(0);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
    }

    /**
     * The library's array tanh.
     *
     * @return an output element, so the work is not optimised away
     */
    @Benchmark
    public double tanh() {
        Kernels.tanh(x, y, x.length);
        return y[0];
    }

    /**
     * Baseline: {@link Math#tanh} over the same values.
     *
     * @return an output element
     */
    @Benchmark
    public double tanhMath() {
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.tanh(x[i]);
        }
        return y[0];
    }
}
