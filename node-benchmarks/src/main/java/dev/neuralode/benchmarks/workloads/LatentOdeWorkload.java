package dev.neuralode.benchmarks.workloads;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.models.ode.OdeFunction;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.solvers.SolverOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The latent ODE of torchdiffeq's {@code examples/latent_ode.py} at that script's size, trained
 * on the whole data set every iteration, as a user porting the example would write it:
 * <ul>
 *   <li>data: 1000 noisy spirals ({@code generate_spiral2d}: Archimedean spirals
 *       {@code r = a + bθ}, a = 0, b = 0.3, θ ∈ [0, 6π] on 500 points (the function's default: the
 *       script sets {@code ntotal = 1000} but does not pass it), clockwise or counter-clockwise with
 *       probability ½, a window of 100 consecutive points starting uniformly in [100, 400),
 *       Gaussian noise σ = 0.3), observed at the first 100 grid times {@code t ∈ [0, 3.74]};</li>
 *   <li>encoder: {@code h ← tanh(Linear(27→25)(cat(x_t, h)))} run backwards over the 100
 *       observations from {@code h = 0}, then {@code Linear(25→8)} gives the posterior mean and
 *       log-variance of {@code z0} (latent dimension 4; the script applies it after every step
 *       and uses the last, here it is applied once);</li>
 *   <li>{@code z0 = μ + e^{logVar/2} ε}, integrated by {@code dz/dt = Linear(20→4)(ELU(Linear(20→20)
 *       (ELU(Linear(4→20)(z)))))} with dopri5 at torchdiffeq's default tolerances (rtol 1e-7,
 *       atol 1e-9) to the 100 observation times, backpropagated through the solver
 *       ({@link GradientMethod#direct()}, like torchdiffeq's {@code odeint});</li>
 *   <li>decoder {@code Linear(20→2)(ReLU(Linear(4→20)(z)))} on all 100 000 latent states;</li>
 *   <li>loss: the negative ELBO per spiral, {@code (1/1000) Σ [-log N(x | dec(z), 0.3²) +
 *       KL(q(z0|x) ‖ N(0, I))]}; Adam, lr 0.01, PyTorch's defaults otherwise.</li>
 * </ul>
 * All layers use PyTorch's default initialisation, seeded. Everything is float64 (torchdiffeq's
 * example runs float32).
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.workloads.LatentOdeWorkload [iterations] [method]
 * </pre>
 * {@code iterations} defaults to 300, {@code method} to {@code dopri5} (the library's dopri5
 * defaults; {@code dopri5_torchdiffeq} takes torchdiffeq's error estimate, combine with the
 * {@code TORCHDIFFEQ} controller via the third argument {@code torchdiffeq}). Prints the loss every
 * 10 iterations, then seconds per iteration (wall clock and this thread's CPU time) over all
 * iterations, the first 30 (warm-up) and the rest, forward and backward function evaluations per
 * iteration, bytes allocated per iteration (all threads, {@code com.sun.management.ThreadMXBean}),
 * garbage-collection counts and time, and {@code VmRSS} / {@code VmHWM} from
 * {@code /proc/self/status} at the end.
 *
 * <p>Single-threaded; allocates the data set once and, per iteration, whatever the tape, the solver
 * and the optimizer allocate (that is what it measures).
 */
public final class LatentOdeWorkload {

    static final int SPIRALS = 1000;
    static final int TOTAL = 500; // generate_spiral2d's default: the script's ntotal = 1000 is never passed
    static final int SAMPLES = 100;
    static final int OBS = 2;
    static final int LATENT = 4;
    static final int RNN_HIDDEN = 25;
    static final int HIDDEN = 20;
    static final double NOISE_STD = 0.3;
    static final int WARMUP = 30;

    /** Observations, {@code [sample time][spiral * 2 + coordinate]}. */
    private final DMatrixRMaj[] obs = new DMatrixRMaj[SAMPLES];
    /** The same observations stacked time-major, {@code (SAMPLES · SPIRALS) × 2}. */
    private final DMatrixRMaj stackedObs = new DMatrixRMaj(SAMPLES * SPIRALS, OBS);
    private final double[] times = new double[SAMPLES];

    private final Linear i2h;
    private final Linear h2o;
    private final OdeFunction func;
    private final Sequential dec;
    private final List<Parameter> params = new ArrayList<>();
    private final Adam adam;
    private final SolverOptions options;
    private final GradientMethod method = GradientMethod.direct();
    private Random noise = new Random(2);

    long forwardEvals;
    long backwardEvals;
    double lastLoss;

    LatentOdeWorkload(SolverOptions options) {
        this.options = options;
        spirals(new Random(0));
        Random init = new Random(1);
        i2h = new Linear(OBS + RNN_HIDDEN, RNN_HIDDEN, init);
        h2o = new Linear(RNN_HIDDEN, 2 * LATENT, init);
        func = OdeFunction.of(new Sequential(new Linear(LATENT, HIDDEN, init), Activation.elu(),
                new Linear(HIDDEN, HIDDEN, init), Activation.elu(), new Linear(HIDDEN, LATENT, init)));
        dec = new Sequential(new Linear(LATENT, HIDDEN, init), Activation.relu(), new Linear(HIDDEN, OBS, init));
        params.addAll(func.parameters());
        params.addAll(dec.parameters());
        params.addAll(i2h.parameters());
        params.addAll(h2o.parameters());
        adam = new Adam(params, 0.01);
    }

    /** torchdiffeq's {@code generate_spiral2d} with the example's arguments. */
    private void spirals(Random rng) {
        double stop = 6 * Math.PI;
        double a = 0.0;
        double b = 0.3;
        double[][] cw = new double[TOTAL][2];
        double[][] cc = new double[TOTAL][2];
        for (int i = 0; i < TOTAL; i++) {
            double t = stop * i / (TOTAL - 1);
            if (i < SAMPLES) {
                times[i] = t;
            }
            double zcw = stop + 1.0 - t;
            double rcw = a + b * 50.0 / zcw;
            cw[i][0] = rcw * Math.cos(zcw) - 5.0;
            cw[i][1] = rcw * Math.sin(zcw);
            double rcc = a + b * t;
            cc[i][0] = rcc * Math.cos(t) + 5.0;
            cc[i][1] = rcc * Math.sin(t);
        }
        for (int k = 0; k < SAMPLES; k++) {
            obs[k] = new DMatrixRMaj(SPIRALS, OBS);
        }
        for (int s = 0; s < SPIRALS; s++) {
            int t0 = SAMPLES + rng.nextInt(TOTAL - 2 * SAMPLES);
            double[][] traj = rng.nextDouble() > 0.5 ? cc : cw;
            for (int k = 0; k < SAMPLES; k++) {
                for (int j = 0; j < OBS; j++) {
                    double v = traj[t0 + k][j] + NOISE_STD * rng.nextGaussian();
                    obs[k].data[s * OBS + j] = v;
                    stackedObs.data[(k * SPIRALS + s) * OBS + j] = v;
                }
            }
        }
    }

    /** One training iteration on the whole data set. */
    void iteration() {
        adam.zeroGrad();
        lastLoss = lossAndGradient();
        adam.step();
    }

    /** The loss, with the parameters' gradients accumulated; no optimizer step. */
    double lossAndGradient() {
        try (Tape tape = new Tape()) {
            Tensor w = tape.param(i2h.param("weight"));
            Tensor bias = tape.param(i2h.param("bias"));
            Tensor h = tape.full(SPIRALS, RNN_HIDDEN, 0.0);
            for (int k = SAMPLES - 1; k >= 0; k--) { // backwards in time, as the example
                h = Tensor.concatCols(tape.constant(obs[k]), h).linear(w, bias).tanh();
            }
            Tensor out = h2o.forward(h);
            Tensor mu = out.sliceCols(0, LATENT);
            Tensor logVar = out.sliceCols(LATENT, 2 * LATENT);
            Tensor z0 = LossFunctions.reparameterize(mu, logVar,
                    LossFunctions.gaussianNoise(tape, SPIRALS, LATENT, noise));
            OdeSolveResult r = OdeSolve.solve(func, z0, times, options, method);
            Tensor pred = dec.forward(r.stacked());
            Tensor logLik = LossFunctions.gaussianLogLikelihood(pred, tape.scalar(2 * Math.log(NOISE_STD)),
                    tape.constant(stackedObs)).sum();
            Tensor loss = LossFunctions.klStandardNormal(mu, logVar).sum().sub(logLik).scale(1.0 / SPIRALS);
            tape.backward(loss);
            GradientStats s = r.stats();
            forwardEvals += s.forwardEvaluations();
            backwardEvals += s.backwardEvaluations();
            return loss.item();
        }
    }

    /**
     * Compares the gradient of the first iteration's loss with central differences in one entry of
     * every parameter (the same ε for every evaluation): a check that the port trains on the
     * gradient of the loss it reports.
     */
    void gradientCheck() {
        adam.zeroGrad();
        noise = new Random(2);
        lossAndGradient();
        double[] grads = new double[params.size()];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = params.get(i).grad().data[params.get(i).size() / 2];
        }
        for (int i = 0; i < grads.length; i++) {
            Parameter p = params.get(i);
            double[] v = p.value().data;
            int k = v.length / 2;
            double g = grads[i];
            double h = 1e-5 * Math.max(1.0, Math.abs(v[k]));
            double old = v[k];
            v[k] = old + h;
            noise = new Random(2);
            double up = lossAndGradient();
            v[k] = old - h;
            noise = new Random(2);
            double down = lossAndGradient();
            v[k] = old;
            double fd = (up - down) / (2 * h);
            System.out.printf(Locale.ROOT, "gradient check %-14s [%d] tape %+.6e  central difference %+.6e  rel %.1e%n",
                    p.name(), k, g, fd, Math.abs(g - fd) / Math.max(1e-12, Math.abs(fd)));
        }
    }

    static long allocatedBytes() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }

    static String procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return line.substring(key.length() + 1).trim();
                }
            }
        } catch (java.io.IOException e) {
            return "n/a (" + e.getMessage() + ")";
        }
        return "n/a";
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionTime());
        }
        return n;
    }

    static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return to > from ? s / (to - from) : Double.NaN;
    }

    /** Milliseconds of {@code seconds} per evaluation in {@code evals} over {@code [from, to)}. */
    static double perEval(double[] seconds, double[] evals, int from, int to) {
        double s = 0;
        double n = 0;
        for (int i = from; i < to; i++) {
            s += seconds[i];
            n += evals[i];
        }
        return n > 0 ? 1e3 * s / n : Double.NaN;
    }

    /**
     * Runs the workload.
     *
     * @param args optional: iterations (default 300); the dopri5 variant ({@code dopri5} or
     *             {@code dopri5_torchdiffeq}); {@code torchdiffeq} (or {@code default}) to use
     *             torchdiffeq's step controller (or the method's own); {@code gradcheck} to compare
     *             the first gradient with central differences instead of training
     */
    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        String name = args.length > 1 ? args[1] : "dopri5";
        SolverOptions.Builder b = SolverOptions.builder().method(name).rtol(1e-7).atol(1e-9);
        if (args.length > 2 && args[2].equals("torchdiffeq")) {
            b.controller(dev.neuralode.solvers.StepController.TORCHDIFFEQ);
            name += " + TORCHDIFFEQ controller";
        }
        SolverOptions options = b.build();
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        LatentOdeWorkload w = new LatentOdeWorkload(options);
        if (args.length > 3 && args[3].equals("gradcheck")) {
            w.gradientCheck();
            return;
        }
        double[] wall = new double[iters];
        double[] cpu = new double[iters];
        double[] alloc = new double[iters];
        double[] fwd = new double[iters];
        double[] bwd = new double[iters];
        long gc0 = gcCount();
        long gcMs0 = gcMillis();
        long start = System.nanoTime();
        for (int i = 0; i < iters; i++) {
            long a0 = allocatedBytes();
            long f0 = w.forwardEvals;
            long b0 = w.backwardEvals;
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            w.iteration();
            wall[i] = (System.nanoTime() - t0) / 1e9;
            cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            alloc[i] = allocatedBytes() - a0;
            fwd[i] = w.forwardEvals - f0;
            bwd[i] = w.backwardEvals - b0;
            if (i % 10 == 0 || i == iters - 1) {
                System.out.printf(Locale.ROOT, "iter %d loss %.4f forward nfe %.0f s %.3f%n", i + 1, w.lastLoss,
                        fwd[i], wall[i]);
            }
        }
        double total = (System.nanoTime() - start) / 1e9;
        int warm = Math.min(WARMUP, iters);
        System.out.printf(Locale.ROOT, "latent ODE, %d spirals x %d observations, %s, %d iterations, %.1f s total%n",
                SPIRALS, SAMPLES, name, iters, total);
        System.out.printf(Locale.ROOT, "s/iter wall       all %.4f  first %d %.4f  after %.4f%n",
                mean(wall, 0, iters), warm, mean(wall, 0, warm), mean(wall, warm, iters));
        System.out.printf(Locale.ROOT, "s/iter thread CPU all %.4f  first %d %.4f  after %.4f%n",
                mean(cpu, 0, iters), warm, mean(cpu, 0, warm), mean(cpu, warm, iters));
        System.out.printf(Locale.ROOT, "forward nfe/iter %.1f (first %.0f, last %.0f), backward nfe/iter %.1f%n",
                mean(fwd, 0, iters), fwd[0], fwd[iters - 1], mean(bwd, 0, iters));
        System.out.printf(Locale.ROOT, "ms wall per forward evaluation all %.3f  first %d %.3f  after %.3f%n",
                perEval(wall, fwd, 0, iters), warm, perEval(wall, fwd, 0, warm), perEval(wall, fwd, warm, iters));
        System.out.printf(Locale.ROOT, "MB allocated/iter all %.1f  first %d %.1f  after %.1f%n",
                mean(alloc, 0, iters) / 1e6, warm, mean(alloc, 0, warm) / 1e6, mean(alloc, warm, iters) / 1e6);
        System.out.printf(Locale.ROOT, "GC %d collections, %d ms; VmRSS %s, VmHWM %s; max heap %d MB; %s%n",
                gcCount() - gc0, gcMillis() - gcMs0, procStatus("VmRSS"), procStatus("VmHWM"),
                Runtime.getRuntime().maxMemory() >> 20, loadAverage());
    }

    static String loadAverage() {
        try {
            return "loadavg " + Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "loadavg n/a";
        }
    }
}
