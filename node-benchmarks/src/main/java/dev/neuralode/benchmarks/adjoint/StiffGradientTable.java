package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

import org.ejml.data.DMatrixRMaj;

/**
 * The table behind node-adjoint's guide to gradient methods for stiff problems: one gradient of a
 * loss through a stiff solve with each gradient method that accepts implicit solvers
 * ({@code forwardSensitivity}, {@code quadratureAdjoint}, {@code checkpointed}) and each stiff method,
 * on two problems:
 * <ul>
 *   <li>Robertson's kinetics with multipliers on its three rate constants ({@code n = 3, p = 3}),
 *       a sum over 12 log-spaced outputs on {@code [1e-4, 1e5]} of the species scaled to O(1);</li>
 *   <li>a stiff neural ODE {@code y' = −diag(1, 1e3) y + W2 tanh(W1 y + b1) + b2}, a 2-16-2 network
 *       ({@code n = 2, p = 82}), outputs at 10 times on {@code [0, 5]}.</li>
 * </ul>
 * Each row: the median thread CPU milliseconds of one gradient (forward and backward) over 7 runs
 * after 3 warm-up runs, the forward and backward evaluations, the peak doubles the method stores,
 * and the gradient's relative error (2-norm) against the same gradient by forward sensitivities
 * with radau5 at rtol 1e-12.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.adjoint.StiffGradientTable
 * </pre>
 */
public final class StiffGradientTable {

    private StiffGradientTable() {
    }

    /** Robertson with rate multipliers θ: {@code r = (0.04, 3e7, 1e4) ⊙ θ ⊙ (y1, y2², y2 y3)}, {@code f = r·S}. */
    static final class Robertson implements Dynamics {
        final Parameter theta = new Parameter("theta", new DMatrixRMaj(1, 3, true, 1.2, 0.8, 1.1));

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            Tensor monomials = h.matmul(tape.constant(3, 3, 1, 0, 0, 0, 1, 1, 0, 0, 0))
                    .mul(h.matmul(tape.constant(3, 3, 0, 0, 0, 0, 1, 0, 0, 0, 1)).add(tape.constant(1, 3, 1, 0, 0)));
            Tensor rates = tape.param(theta).mul(tape.constant(1, 3, 0.04, 3e7, 1e4));
            return monomials.mul(rates).matmul(tape.constant(3, 3, -1, 1, 0, 0, -1, 1, 1, -1, 0));
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(theta);
        }
    }

    /** {@code y' = −diag(1, 1e3) y + W2 tanh(W1 y + b1) + b2} (row vectors). */
    static final class StiffMlp implements Dynamics {
        final Parameter w1;
        final Parameter b1;
        final Parameter w2;
        final Parameter b2;

        StiffMlp(long seed) {
            Random r = new Random(seed);
            w1 = new Parameter("w1", random(r, 2, 16, 0.7));
            b1 = new Parameter("b1", random(r, 1, 16, 0.1));
            w2 = new Parameter("w2", random(r, 16, 2, 0.3));
            b2 = new Parameter("b2", random(r, 1, 2, 0.1));
        }

        private static DMatrixRMaj random(Random r, int rows, int cols, double scale) {
            DMatrixRMaj m = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < m.data.length; i++) {
                m.data[i] = scale * r.nextGaussian();
            }
            return m;
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            Tensor net = h.matmul(tape.param(w1)).add(tape.param(b1)).tanh().matmul(tape.param(w2)).add(tape.param(b2));
            return h.mul(tape.constant(1, 2, -1, -1e3)).add(net);
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(w1, b1, w2, b2);
        }
    }

    private record Problem(String name, Supplier<Dynamics> dynamics, double[] y0, double[] times, double[] scale,
                           double atol) {
    }

    /** One gradient: the loss Σ_i scale ⊙ y(t_i) and the flat parameter gradient. */
    private static double[] gradient(Problem p, SolverOptions o, GradientMethod m, GradientStats[] stats) {
        Dynamics f = p.dynamics.get();
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, p.y0.length, true, p.y0));
        OdeSolveResult r = OdeSolve.solve(f, y0, p.times, o, m);
        Tensor w = tape.constant(1, p.scale.length, p.scale);
        Tensor loss = r.at(1).mul(w).sum();
        for (int i = 2; i < p.times.length; i++) {
            loss = loss.add(r.at(i).mul(w).sum());
        }
        tape.backward(loss);
        if (stats != null) {
            stats[0] = r.stats();
        }
        List<Double> g = new ArrayList<>();
        for (Parameter q : f.parameters()) {
            for (double v : q.grad().data) {
                g.add(v);
            }
        }
        tape.close();
        return g.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Prints the table.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        double[] logTimes = new double[13];
        logTimes[0] = 0;
        for (int i = 1; i < logTimes.length; i++) {
            logTimes[i] = Math.pow(10, -4 + 9.0 * (i - 1) / (logTimes.length - 2));
        }
        double[] mlpTimes = new double[11];
        for (int i = 0; i < mlpTimes.length; i++) {
            mlpTimes[i] = 0.5 * i;
        }
        List<Problem> problems = List.of(
                new Problem("ROBER rates (n=3, p=3)", Robertson::new, new double[] {1, 0, 0}, logTimes,
                        new double[] {1, 1e4, 1}, 1e-12),
                new Problem("stiff MLP 2-16-2 (n=2, p=82)", () -> new StiffMlp(7), new double[] {1, -0.5}, mlpTimes,
                        new double[] {1, 1}, 1e-10));
        List<GradientMethod> methods = List.of(GradientMethod.forwardSensitivity(), GradientMethod.quadratureAdjoint(),
                GradientMethod.checkpointed());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.println("| problem | solver | gradient method | ms per gradient | forward evals | backward evals "
                + "| peak stored doubles | relative error |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Problem p : problems) {
            SolverOptions tight = SolverOptions.builder().method("radau5").rtol(1e-12).atol(p.atol * 1e-4)
                    .maxSteps(1_000_000).build();
            double[] ref = gradient(p, tight, GradientMethod.forwardSensitivity(), null);
            for (String solver : new String[] {"rodas5p", "kvaerno5", "radau5"}) {
                SolverOptions o = SolverOptions.builder().method(solver).rtol(1e-6).atol(p.atol).maxSteps(1_000_000)
                        .build();
                for (GradientMethod m : methods) {
                    GradientStats[] st = new GradientStats[1];
                    double[] g = null;
                    for (int i = 0; i < 3; i++) {
                        g = gradient(p, o, m, st);
                    }
                    double[] ms = new double[7];
                    for (int i = 0; i < ms.length; i++) {
                        long c0 = mx.getCurrentThreadCpuTime();
                        g = gradient(p, o, m, st);
                        ms[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                    Arrays.sort(ms);
                    double err = 0;
                    double norm = 0;
                    for (int k = 0; k < g.length; k++) {
                        err += (g[k] - ref[k]) * (g[k] - ref[k]);
                        norm += ref[k] * ref[k];
                    }
                    GradientStats s = st[0];
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %.2f | %d | %d | %d | %.1e |%n", p.name, solver,
                            m.name(), ms[3], s.forwardEvaluations(), s.backwardEvaluations(), s.peakStoredDoubles(),
                            Math.sqrt(err / norm));
                }
            }
        }
    }
}
