package dev.neuralode.benchmarks.workloads;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.ode.ContinuousNormalizingFlow;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.solvers.SolverOptions;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The continuous normalizing flow of torchdiffeq's {@code examples/cnf.py} at that script's
 * defaults, on the library's {@link ContinuousNormalizingFlow} with the exact trace:
 * <ul>
 *   <li>data: a fresh batch of 512 points of two concentric circles every iteration
 *       ({@code sklearn.datasets.make_circles(noise=0.06, factor=0.5)}: 256 points evenly on the
 *       unit circle, 256 on the circle of radius ½, Gaussian noise σ = 0.06);</li>
 *   <li>velocity {@code f(t, z) = (1/64) Σ_w tanh(z·W_w(t) + B_w(t)) U_w(t) ⊙ σ(G_w(t))}, width 64,
 *       whose weights come from a hypernetwork {@code Linear(32→448)(tanh(Linear(32→32)(tanh(
 *       Linear(1→32)(t)))))} (hidden dimension 32);</li>
 *   <li>the joint state {@code [z, Δ]} integrated from the data at t = 10 to t = 0 with dopri5,
 *       rtol = atol = 1e-5, trace of {@code ∂f/∂z} exact (one reverse sweep per dimension),
 *       backpropagated through the solver ({@link GradientMethod#direct()});</li>
 *   <li>loss {@code -mean log p(x)} with base {@code N(0, 0.1 I)}; Adam, lr 1e-3.</li>
 * </ul>
 * The library's flow runs from 0 to T towards a standard-normal base, so the port integrates
 * {@code y = z/s} ({@code s = √0.1}) in reversed time {@code u = 10 - t}:
 * {@code dy/du = -f(10 - u, s y)/s}, whose Jacobian trace is {@code -tr ∂f/∂z}; then
 * {@code log p(x) = log N(y(10); 0, I) - Δ - 2 log s}, exactly torchdiffeq's
 * {@code log N(z(0); 0, 0.1 I) - Δ}. (The tolerances then apply to {@code y}, 3.16 times
 * {@code z}: the step sequence is not torchdiffeq's even on equal weights.)
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.workloads.CnfWorkload [iterations]
 * </pre>
 * {@code iterations} defaults to 300 (the script's default is 1000). Reports as
 * {@link LatentOdeWorkload} does.
 */
public final class CnfWorkload {

    static final int SAMPLES = 512;
    static final int WIDTH = 64;
    static final int HIDDEN = 32;
    static final int DIM = 2;
    static final double T1 = 10.0;
    static final double SCALE = Math.sqrt(0.1);

    /**
     * torchdiffeq's {@code HyperNetwork} and {@code CNF} velocity, in the port's variables
     * ({@code u = 10 - t}, {@code y = z/s}): {@code forward(u, y) = -f(10 - u, s y)/s}.
     */
    static final class HyperVelocity extends Layer {
        private final Linear fc1;
        private final Linear fc2;
        private final Linear fc3;

        HyperVelocity(Random rng) {
            int block = WIDTH * DIM;
            fc1 = registerModule("fc1", new Linear(1, HIDDEN, rng));
            fc2 = registerModule("fc2", new Linear(HIDDEN, HIDDEN, rng));
            fc3 = registerModule("fc3", new Linear(HIDDEN, 3 * block + WIDTH, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            throw new UnsupportedOperationException("HyperVelocity depends on time: call forward(t, x)");
        }

        @Override
        public Tensor forward(Tensor u, Tensor y) {
            int block = WIDTH * DIM;
            Tensor t = u.neg().add(T1);
            Tensor p = fc3.forward(fc2.forward(fc1.forward(t).tanh()).tanh()); // 1 × (3·128 + 64)
            Tensor w = p.sliceCols(0, block).reshape(WIDTH, DIM);              // W[w, i]
            Tensor uu = p.sliceCols(block, 2 * block).reshape(WIDTH, DIM)
                    .mul(p.sliceCols(2 * block, 3 * block).reshape(WIDTH, DIM).sigmoid());
            Tensor b = p.sliceCols(3 * block, 3 * block + WIDTH);              // 1 × 64
            Tensor h = y.scale(SCALE).matmulTransB(w).add(b).tanh();          // batch × 64
            return h.matmul(uu).scale(-1.0 / (WIDTH * SCALE));
        }

        @Override
        protected String kind() {
            return "HyperVelocity width " + WIDTH;
        }
    }

    private final HyperVelocity net;
    private final ContinuousNormalizingFlow flow;
    private final Adam adam;
    private final Random data = new Random(0);
    private final DMatrixRMaj x = new DMatrixRMaj(SAMPLES, DIM);
    double lastLoss;

    CnfWorkload() {
        net = new HyperVelocity(new Random(1));
        SolverOptions options = SolverOptions.builder().method("dopri5").rtol(1e-5).atol(1e-5).build();
        flow = new ContinuousNormalizingFlow(DIM, net, T1, options, GradientMethod.direct(),
                ContinuousNormalizingFlow.TraceEstimator.EXACT);
        adam = new Adam(flow.parameters(), 1e-3);
    }

    /** {@code make_circles(512, noise=0.06, factor=0.5)}, shuffled, divided by {@code s}. */
    private void circles() {
        int outer = SAMPLES / 2;
        int inner = SAMPLES - outer;
        int[] order = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            order[i] = i;
        }
        for (int i = SAMPLES - 1; i > 0; i--) {
            int j = data.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (int i = 0; i < SAMPLES; i++) {
            int k = order[i];
            double r = k < outer ? 1.0 : 0.5;
            double a = k < outer ? 2 * Math.PI * k / outer : 2 * Math.PI * (k - outer) / inner;
            x.data[2 * i] = (r * Math.cos(a) + 0.06 * data.nextGaussian()) / SCALE;
            x.data[2 * i + 1] = (r * Math.sin(a) + 0.06 * data.nextGaussian()) / SCALE;
        }
    }

    /** One training iteration on a fresh batch. */
    void iteration() {
        adam.zeroGrad();
        circles();
        try (Tape tape = new Tape()) {
            Tensor logp = flow.logProb(tape.constant(x), null).add(-DIM * Math.log(SCALE));
            Tensor loss = logp.mean().neg();
            tape.backward(loss);
            lastLoss = loss.item();
        }
        adam.step();
    }

    /**
     * Runs the workload.
     *
     * @param args optional: iterations (default 300)
     */
    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CnfWorkload w = new CnfWorkload();
        double[] wall = new double[iters];
        double[] cpu = new double[iters];
        double[] alloc = new double[iters];
        double[] nfe = new double[iters];
        long gc0 = LatentOdeWorkload.gcCount();
        long gcMs0 = LatentOdeWorkload.gcMillis();
        long start = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            long a0 = LatentOdeWorkload.allocatedBytes();
            long n0 = w.flow.nfe();
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            w.iteration();
            wall[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            alloc[i] = LatentOdeWorkload.allocatedBytes() - a0;
            nfe[i] = w.flow.nfe() - n0;
            if (i % 10 == 0 || i == iters - 1) {
                System.out.printf(Locale.ROOT, "iter %d loss %.4f nfe %.0f s %.3f%n", i + 1, w.lastLoss, nfe[i], wall[i]);
            }
        }
        double total = (System.nanoTime() - start) / 1e9;
        int warm = Math.min(LatentOdeWorkload.WARMUP, iters);
        System.out.printf(Locale.ROOT, "CNF, hypernetwork width %d, %d samples, exact trace, dopri5 rtol=atol=1e-5, "
                + "%d iterations, %.1f s total%n", WIDTH, SAMPLES, iters, total);
        System.out.printf(Locale.ROOT, "s/iter wall       all %.4f  first %d %.4f  after %.4f%n",
                LatentOdeWorkload.mean(wall, 0, iters), warm, LatentOdeWorkload.mean(wall, 0, warm),
                LatentOdeWorkload.mean(wall, warm, iters));
        System.out.printf(Locale.ROOT, "s/iter thread CPU all %.4f  first %d %.4f  after %.4f%n",
                LatentOdeWorkload.mean(cpu, 0, iters), warm, LatentOdeWorkload.mean(cpu, 0, warm),
                LatentOdeWorkload.mean(cpu, warm, iters));
        System.out.printf(Locale.ROOT, "nfe/iter (calls of the CNF dynamics, forward solve and any backward re-evaluation) %.1f "
                + "(first %.0f, last %.0f)%n", LatentOdeWorkload.mean(nfe, 0, iters), nfe[0], nfe[iters - 1]);
        System.out.printf(Locale.ROOT, "ms wall per evaluation all %.3f  first %d %.3f  after %.3f%n",
                LatentOdeWorkload.perEval(wall, nfe, 0, iters), warm, LatentOdeWorkload.perEval(wall, nfe, 0, warm),
                LatentOdeWorkload.perEval(wall, nfe, warm, iters));
        System.out.printf(Locale.ROOT, "MB allocated/iter all %.1f  first %d %.1f  after %.1f%n",
                LatentOdeWorkload.mean(alloc, 0, iters) / 1e6, warm, LatentOdeWorkload.mean(alloc, 0, warm) / 1e6,
                LatentOdeWorkload.mean(alloc, warm, iters) / 1e6);
        System.out.printf(Locale.ROOT, "GC %d collections, %d ms; VmRSS %s, VmHWM %s; max heap %d MB; %s%n",
                LatentOdeWorkload.gcCount() - gc0, LatentOdeWorkload.gcMillis() - gcMs0,
                LatentOdeWorkload.procStatus("VmRSS"), LatentOdeWorkload.procStatus("VmHWM"),
                Runtime.getRuntime().maxMemory() >> 20, LatentOdeWorkload.loadAverage());
    }
}
