package dev.neuralode.benchmarks.autodiff;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
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
 * Forward and forward+backward of the two reference MLPs on the autodiff tape (one thread):
 * <ul>
 *   <li>{@code spiral}: batch 20, {@code y ↦ y³}, Linear 2→50, tanh, Linear 50→2 (the torchdiffeq
 *       ode_demo dynamics; PyTorch 1.13 CPU, one thread: forward 13 µs, forward+backward 72 µs);</li>
 *   <li>{@code wide}: batch 128, Linear 64→256, tanh, Linear 256→64 (PyTorch float64: forward 275 µs,
 *       forward+backward 1.0 ms).</li>
 * </ul>
 * Weights are stored {@code in × out} and applied with the fused {@link Tensor#affine} op; the
 * backward is from the scalar {@code sum} of the output, so its cost is the network's own.
 * Run: {@code java -jar node-benchmarks/target/benchmarks.jar MlpBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MlpBenchmark {

    /** Which network. */
    @Param({"spiral", "wide"})
    public String net;

    private DMatrixRMaj input;
    private Parameter w1;
    private Parameter b1;
    private Parameter w2;
    private Parameter b2;
    private boolean cube;

    /** Builds the network and the batch from a fixed seed. */
    @Setup
    public void setup() {
        Random rnd = new Random(0);
        int batch;
        int in;
        int hidden;
        if (net.equals("spiral")) {
            batch = 20;
            in = 2;
            hidden = 50;
            cube = true;
        } else {
            batch = 128;
            in = 64;
            hidden = 256;
            cube = false;
        }
        input = gaussian(batch, in, 1.0, rnd);
        w1 = new Parameter("w1", gaussian(in, hidden, 0.1, rnd));
        b1 = Parameter.zeros("b1", 1, hidden);
        w2 = new Parameter("w2", gaussian(hidden, in, 0.1, rnd));
        b2 = Parameter.zeros("b2", 1, in);
    }

    /**
     * An {@code r × c} matrix of normal values with standard deviation {@code sd} (also used by
     * {@link ProductBenchmark}).
     */
    static DMatrixRMaj gaussian(int r, int c, double sd, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = sd * rnd.nextGaussian();
        }
        return m;
    }

    private Tensor forward(Tape tape) {
        Tensor x = tape.constant(input);
        if (cube) {
            x = x.pow(3);
        }
        return x.affine(tape.param(w1), tape.param(b1)).tanh().affine(tape.param(w2), tape.param(b2));
    }

    /**
     * Forward pass, recorded on a tape (as in training). The tape is closed after (try-with-resources),
     * so its arrays serve the next call, as in a training loop written with {@code try (Tape t = ...)}.
     *
     * @return an output element, so the work is not optimised away
     */
    @Benchmark
    public double forward() {
        try (Tape tape = new Tape()) {
            return forward(tape).value().data[0];
        }
    }

    /**
     * Forward pass without recording (inference, the solver's forward pass).
     *
     * @return an output element
     */
    @Benchmark
    public double forwardNoGrad() {
        try (Tape tape = new Tape(); Tape.Scope s = tape.noGrad()) {
            return forward(tape).value().data[0];
        }
    }

    /**
     * Forward and backward of {@code sum(output)}; parameter gradients accumulate.
     *
     * @return a parameter gradient, so the work is not optimised away
     */
    @Benchmark
    public DMatrixRMaj forwardBackward() {
        try (Tape tape = new Tape()) {
            tape.backward(forward(tape).sum());
        }
        return w1.grad();
    }

    /**
     * Forward and backward as {@link #forwardBackward()}, on a tape that is not closed: every value
     * and gradient is a fresh array (the baseline the recycling is measured against).
     *
     * @return a parameter gradient
     */
    @Benchmark
    public DMatrixRMaj forwardBackwardUnclosed() {
        Tape tape = new Tape();
        tape.backward(forward(tape).sum());
        return w1.grad();
    }
}
