package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.StepController;
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

import java.util.concurrent.TimeUnit;

/**
 * This library against commons-math3 on the same problems, tolerances and output (the final
 * state only): {@code dopri5} vs {@code DormandPrince54Integrator}, {@code dopri8} vs
 * {@code DormandPrince853Integrator}, {@code rk4} vs {@code ClassicalRungeKuttaIntegrator} (same
 * fixed step). Each benchmark returns the final state so nothing is dead code. Run
 * {@link EvaluationReport} for the function-evaluation counts and achieved errors.
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
    private SolverOptions dopri5Pi;
    private SolverOptions dopri8;
    private SolverOptions rk4;

    /** Builds both libraries' systems and options once. */
    @Setup
    public void setup() {
        ours = problem.system();
        theirs = problem.commons();
        times = new double[] {0, problem.t1};
        dopri5 = SolverOptions.builder().method("dopri5").rtol(problem.rtol).atol(problem.atol).build();
        dopri5Pi = dopri5.toBuilder().controller(StepController.PI).build();
        dopri8 = SolverOptions.builder().method("dopri8").rtol(problem.rtol).atol(problem.atol).build();
        rk4 = SolverOptions.builder().method("rk4").stepSize(problem.fixedStep).build();
    }

    /** @return the final state from this library's dopri5 */
    @Benchmark
    public double[] dopri5Ours() {
        return OdeSolvers.solve(ours, problem.y0, times, dopri5).state(1);
    }

    /** @return the final state from this library's dopri5 with the PI controller */
    @Benchmark
    public double[] dopri5OursPi() {
        return OdeSolvers.solve(ours, problem.y0, times, dopri5Pi).state(1);
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
}
