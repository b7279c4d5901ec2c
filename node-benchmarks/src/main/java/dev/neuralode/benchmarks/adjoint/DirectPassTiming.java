package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.ForwardPass;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.TapeOdeSystem;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The forward and the backward pass of backprop through the solver ({@code GradientMethod.direct()})
 * timed separately, on the spiral training solve (batch 20, {@code f(y) = Linear(50→2)(tanh(
 * Linear(2→50)(y³)))} with weights N(0, 0.1), dopri5 rtol 1e-7 atol 1e-9, 10 outputs over
 * [0, 0.225]), through the public {@link GradientMethod#forward} and {@link ForwardPass#backward}
 * only, so the same source runs against earlier builds of the library (compile it against their
 * jar) for before/after comparisons.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.adjoint.DirectPassTiming [iterations]
 * </pre>
 * Prints the solving thread's CPU milliseconds per forward and per backward pass for rounds 3 and
 * 4 of four (the first two warm up).
 */
public final class DirectPassTiming {

    private DirectPassTiming() {
    }

    /**
     * Runs the timing.
     *
     * @param args {@code [iterations]}, default 2000
     */
    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Random r = new Random(1);
        Parameter w1 = new Parameter("w1", gaussian(2, 50, 0.1, r));
        Parameter b1 = new Parameter("b1", gaussian(1, 50, 0.1, r));
        Parameter w2 = new Parameter("w2", gaussian(50, 2, 0.1, r));
        Parameter b2 = new Parameter("b2", gaussian(1, 2, 0.1, r));
        Dynamics f = new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                Tape tp = h.tape();
                return h.pow(3).matmul(tp.param(w1)).add(tp.param(b1)).tanh().matmul(tp.param(w2))
                        .add(tp.param(b2));
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(w1, b1, w2, b2);
            }
        };
        TapeOdeSystem sys = new TapeOdeSystem(f, 20, 2);
        double[] y0 = gaussian(20, 2, 1.0, r).data;
        double[] times = new double[10];
        for (int i = 0; i < 10; i++) {
            times[i] = 0.025 * i;
        }
        double[] g = gaussian(10, 40, 1.0, r).data;
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-7).atol(1e-9).build();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        GradientMethod method = GradientMethod.direct();
        double sink = 0;
        for (int round = 1; round <= 4; round++) {
            long fw = 0;
            long bw = 0;
            for (int i = 0; i < iters; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                ForwardPass pass = method.forward(sys, y0, times, o, true);
                long c1 = mx.getCurrentThreadCpuTime();
                sink += pass.backward(g).dy0()[0];
                long c2 = mx.getCurrentThreadCpuTime();
                fw += c1 - c0;
                bw += c2 - c1;
            }
            if (round >= 3) {
                System.out.printf("round %d: forward %.3f ms, backward %.3f ms per pass (thread CPU)%n", round,
                        fw / 1e6 / iters, bw / 1e6 / iters);
            }
        }
        if (sink == 42.4242) {
            System.out.println();
        }
    }

    private static DMatrixRMaj gaussian(int rows, int cols, double scale, Random r) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = scale * r.nextGaussian();
        }
        return m;
    }
}
