package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.StepController;
import dev.neuralode.solvers.explicit.ButcherTableau;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
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

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This library against commons-math3 on the same problems, tolerances and output (the final
 * state only): {@code dopri5} (default controller, and the plain I controller that takes
 * commons-math3's steps) vs {@code DormandPrince54Integrator}, {@code dopri8} vs
 * {@code DormandPrince853Integrator}, {@code rk4} vs {@code ClassicalRungeKuttaIntegrator} (same
 * fixed step). Each benchmark returns the final state so nothing is dead code. Run
 * {@link EvaluationReport} for the function-evaluation counts and achieved errors.
 *
 * <p>{@link #main} is a second, load-robust measurement for shared machines: it alternates
 * batches of this library's and commons-math3's solves in one JVM per problem and times them by
 * the thread's CPU time, so time slices lost to other processes do not count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SolverBenchmark {

    /** The problem. */
    @Param({"ARENSTORF", "LORENZ", "BRUSSELATOR"})
    public BenchProblem problem;

    private OdeSystem ours;
    private FirstOrderDifferentialEquations theirs;
    private double[] times;
    private SolverOptions dopri5;
    private SolverOptions dopri5I;
    private SolverOptions dopri8;
    private SolverOptions rk4;
    private SolverOptions dopri5Generic;
    private SolverOptions dopri8Generic;

    /** Builds both libraries' systems and options once. */
    @Setup
    public void setup() {
        ours = problem.system();
        theirs = problem.commons();
        times = new double[] {0, problem.t1};
        dopri5 = SolverOptions.builder().method("dopri5").rtol(problem.rtol).atol(problem.atol).build();
        dopri5I = dopri5.toBuilder().controller(StepController.I).build();
        dopri8 = SolverOptions.builder().method("dopri8").rtol(problem.rtol).atol(problem.atol).build();
        rk4 = SolverOptions.builder().method("rk4").stepSize(problem.fixedStep).build();
        dopri5Generic = dopri5.toBuilder().method(genericCopy("dopri5")).build();
        dopri8Generic = dopri8.toBuilder().method(genericCopy("dopri8")).build();
    }

    /**
     * The registered tableau's coefficients and dense output as a new tableau without the fused
     * kernel: the generic Runge–Kutta stepper runs it (same steps, same results to the bit), which
     * measures what the hand-fused kernels are worth.
     */
    static ButcherTableau genericCopy(String name) {
        ButcherTableau t = OdeSolvers.tableau(name);
        return new ButcherTableau(name + "-generic", t.order(), t.errorOrder(), t.controlOrder(), t.a(), t.b(),
                t.c(), t.errorWeights(), t.secondaryErrorWeights(), t.isFsal())
                .withContinuousExtension(t.continuousExtension());
    }

    /** @return the final state from dopri5 run by the generic stepper (no fused kernel) */
    @Benchmark
    public double[] dopri5OursGeneric() {
        return OdeSolvers.solve(ours, problem.y0, times, dopri5Generic).state(1);
    }

    /** @return the final state from dopri8 run by the generic stepper (no fused kernel) */
    @Benchmark
    public double[] dopri8OursGeneric() {
        return OdeSolvers.solve(ours, problem.y0, times, dopri8Generic).state(1);
    }

    /** @return the final state from this library's dopri5 */
    @Benchmark
    public double[] dopri5Ours() {
        return OdeSolvers.solve(ours, problem.y0, times, dopri5).state(1);
    }

    /**
     * @return the final state from this library's dopri5 with the plain I controller, the
     *         controller of commons-math3 (the same step sequence at the same tolerance)
     */
    @Benchmark
    public double[] dopri5OursI() {
        return OdeSolvers.solve(ours, problem.y0, times, dopri5I).state(1);
    }

    /** @return the final state from commons-math3's DormandPrince54Integrator */
    @Benchmark
    public double[] dopri5Commons() {
        double[] y = new double[problem.y0.length];
        new DormandPrince54Integrator(1e-12, 10, problem.atol, problem.rtol)
                .integrate(theirs, 0, problem.y0.clone(), problem.t1, y);
        return y;
    }

    /** @return the final state from this library's dopri8 (DOP853) */
    @Benchmark
    public double[] dopri8Ours() {
        return OdeSolvers.solve(ours, problem.y0, times, dopri8).state(1);
    }

    /** @return the final state from commons-math3's DormandPrince853Integrator */
    @Benchmark
    public double[] dopri8Commons() {
        double[] y = new double[problem.y0.length];
        new DormandPrince853Integrator(1e-12, 10, problem.atol, problem.rtol)
                .integrate(theirs, 0, problem.y0.clone(), problem.t1, y);
        return y;
    }

    /** @return the final state from this library's rk4 */
    @Benchmark
    public double[] rk4Ours() {
        return OdeSolvers.solve(ours, problem.y0, times, rk4).state(1);
    }

    /** @return the final state from commons-math3's ClassicalRungeKuttaIntegrator */
    @Benchmark
    public double[] rk4Commons() {
        double[] y = new double[problem.y0.length];
        new ClassicalRungeKuttaIntegrator(problem.fixedStep)
                .integrate(theirs, 0, problem.y0.clone(), problem.t1, y);
        return y;
    }

    /** Keeps results alive. */
    private static volatile double sink;

    /**
     * The interleaved CPU-time comparison: for each pair, 30 rounds of one batch per library
     * (each batch about 20 ms of CPU) after a warm-up of at least 20 rounds and 4 s; prints the median
     * CPU time per solve of each and the ratio of the medians with the interquartile range of the
     * per-round ratios. Run one problem and pair per JVM (as JMH forks do), for example
     * {@code java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.SolverBenchmark LORENZ dopri8}.
     *
     * @param args a problem name ({@code ARENSTORF}, {@code LORENZ}, {@code BRUSSELATOR}) and
     *             optionally pair names ({@code dopri5}, {@code dopri5-I}, {@code dopri8},
     *             {@code rk4}, and {@code dopri5-generic}, {@code dopri8-generic}: the same
     *             tableaus without their fused kernels); everything in one JVM when empty (then the problems share call
     *             sites and JIT profiles)
     */
    public static void main(String[] args) {
        BenchProblem[] problems = args.length == 0 ? BenchProblem.values()
                : new BenchProblem[] {BenchProblem.valueOf(args[0])};
        java.util.List<String> only = args.length < 2 ? null
                : Arrays.asList(args).subList(1, args.length);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-12s %-14s %12s %12s %7s %17s%n", "problem", "pair", "ours us",
                "commons us", "ratio", "per-round IQR");
        for (BenchProblem p : problems) {
            SolverBenchmark b = new SolverBenchmark();
            b.problem = p;
            b.setup();
            Object[][] pairs = {
                {"dopri5", (Supplier<double[]>) b::dopri5Ours, (Supplier<double[]>) b::dopri5Commons},
                {"dopri5-I", (Supplier<double[]>) b::dopri5OursI, (Supplier<double[]>) b::dopri5Commons},
                {"dopri8", (Supplier<double[]>) b::dopri8Ours, (Supplier<double[]>) b::dopri8Commons},
                {"rk4", (Supplier<double[]>) b::rk4Ours, (Supplier<double[]>) b::rk4Commons},
                {"dopri5-generic", (Supplier<double[]>) b::dopri5OursGeneric, (Supplier<double[]>) b::dopri5Commons},
                {"dopri8-generic", (Supplier<double[]>) b::dopri8OursGeneric, (Supplier<double[]>) b::dopri8Commons}};
            for (Object[] pair : pairs) {
                if (only != null && !only.contains((String) pair[0])) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Supplier<double[]> ours = (Supplier<double[]>) pair[1];
                @SuppressWarnings("unchecked")
                Supplier<double[]> theirs = (Supplier<double[]>) pair[2];
                double once = cpuPerSolve(mx, ours, 1);
                int reps = (int) Math.max(1, Math.min(10_000, 20e-3 / Math.max(once, 1e-7)));
                // warm-up: at least 20 rounds and 4 s of wall time (JIT threads are slow under load)
                long warmUntil = System.nanoTime() + 4_000_000_000L;
                for (int i = 0; i < 20 || System.nanoTime() < warmUntil; i++) {
                    cpuPerSolve(mx, ours, reps);
                    cpuPerSolve(mx, theirs, reps);
                }
                int rounds = 30;
                double[] a = new double[rounds];
                double[] c = new double[rounds];
                double[] r = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    a[i] = cpuPerSolve(mx, ours, reps);
                    c[i] = cpuPerSolve(mx, theirs, reps);
                    r[i] = a[i] / c[i];
                }
                Arrays.sort(a);
                Arrays.sort(c);
                Arrays.sort(r);
                int m = a.length;
                System.out.printf("%-12s %-14s %12.1f %12.1f %7.3f    [%.3f, %.3f]%n", p, pair[0],
                        a[m / 2] * 1e6, c[m / 2] * 1e6, a[m / 2] / c[m / 2], r[m / 4], r[3 * m / 4]);
            }
        }
    }

    /** CPU seconds per call of {@code solve}, over {@code reps} calls. */
    private static double cpuPerSolve(ThreadMXBean mx, Supplier<double[]> solve, int reps) {
        long t0 = mx.getCurrentThreadCpuTime();
        double acc = 0;
        for (int i = 0; i < reps; i++) {
            acc += solve.get()[0];
        }
        long t1 = mx.getCurrentThreadCpuTime();
        sink += acc;
        return (t1 - t0) * 1e-9 / reps;
    }
}
