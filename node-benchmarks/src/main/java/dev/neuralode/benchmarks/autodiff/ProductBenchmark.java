package dev.neuralode.benchmarks.autodiff;

import dev.neuralode.autodiff.Tape;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The matrix product the MLP benchmarks spend most of their time in: {@code product} computes
 * {@code C = A·B} of an {@code m × k} and a {@code k × n} matrix through the tape in no-grad mode
 * ({@code tape.constant(a).matmul(tape.constant(b))}, the tape closed after each call, as a
 * training loop does); {@code productEjml}, EJML's {@link CommonOps_DDRM#mult} into a
 * preallocated output, is the baseline in the same run. The shape parameter reads
 * {@code m x k x n}; GFMA/s = {@code m·k·n / time}. {@code 128x64x256} and {@code 128x256x64} are
 * the wide MLP's layers (three-row and transposed paths), {@code 128x64x64} takes the single-row
 * loop, {@code 20x50x2} and {@code 20x2x50} are the spiral MLP's layers ({@link TanhBenchmark}
 * measures the other kernel that matters).
 * Run: {@code java -jar node-benchmarks/target/benchmarks.jar ProductBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProductBenchmark {

    /** Product shape, {@code m x k x n}. */
    @Param({"128x64x256", "128x256x64", "128x64x64", "20x50x2", "20x2x50"})
    public String shape;

    private DMatrixRMaj a;
    private DMatrixRMaj b;
    private DMatrixRMaj c;

    /** Random operands from a fixed seed. */
    @Setup
    public void setup() {
        String[] dims = shape.split("x");
        int m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        Random rnd = new Random(0);
        a = MlpBenchmark.gaussian(m, k, 1.0, rnd);
        b = MlpBenchmark.gaussian(k, n, 1.0, rnd);
        c = new DMatrixRMaj(m, n);
    }

    /**
     * The library's product, through the tape without recording.
     *
     * @return an output element, so the work is not optimised away
     */
    @Benchmark
    public double product() {
        try (Tape tape = new Tape(); Tape.Scope s = tape.noGrad()) {
            return tape.constant(a).matmul(tape.constant(b)).value().data[0];
        }
    }

    /**
     * Baseline: EJML's product into a preallocated output.
     *
     * @return an output element
     */
    @Benchmark
    public double productEjml() {
        CommonOps_DDRM.mult(a, b, c);
        return c.data[0];
    }
}
