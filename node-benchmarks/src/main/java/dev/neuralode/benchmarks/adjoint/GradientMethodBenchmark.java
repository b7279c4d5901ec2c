package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.solvers.SolverOptions;
import java.util.concurrent.TimeUnit;
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
 * Time of one gradient of the spiral loss for each gradient method as the number of fixed-step
 * rk4 steps grows, with the forward solve alone as the baseline of the same run.
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; java -jar node-benchmarks/target/benchmarks.jar GradientMethodBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GradientMethodBenchmark {

    /** Fixed rk4 steps over the solve. */
    @Param({"100", "1000", "10000", "100000"})
    public int steps;

    /** The gradient method. */
    @Param({"direct", "adjoint", "checkpointed"})
    public String method;

    private SpiralProblem problem;
    private SolverOptions options;
    private GradientMethod gradientMethod;

    /** Builds the problem (seeded). */
    @Setup
    public void setUp() {
        problem = new SpiralProblem();
        options = SpiralProblem.rk4(steps);
        gradientMethod = byName(method);
    }

    static GradientMethod byName(String name) {
        switch (name) {
            case "direct":
                return GradientMethod.direct();
            case "adjoint":
                return GradientMethod.adjoint();
            case "checkpointed":
                return GradientMethod.checkpointed();
            default:
                throw new IllegalArgumentException("unknown method " + name);
        }
    }

    /**
     * One gradient (forward solve, loss, backward).
     *
     * @return the solve's result
     */
    @Benchmark
    public OdeSolveResult gradient() {
        return problem.gradient(options, gradientMethod);
    }

    /**
     * Baseline: the forward solve and loss alone.
     *
     * @return the loss
     */
    @Benchmark
    public double forwardOnly() {
        return problem.loss(options);
    }
}
