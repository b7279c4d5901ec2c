package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.AdjointOptions;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Prints the table users need to choose a gradient method: for the spiral problem, the time of
 * one gradient, the peak number of doubles the method stores (counted by the library) as the
 * number of fixed rk4 steps grows, and the gradient error of each method against central finite
 * differences (of a solve at rtol 1e-12), along one random parameter direction, at several dopri5
 * tolerances, on a harder variant (weights N(0, 0.25), outputs on [0, 9]).
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.adjoint.GradientMethodTable [maxSteps]
 * </pre>
 */
public final class GradientMethodTable {

    private GradientMethodTable() {
    }

    /**
     * Runs the table.
     *
     * @param args optional: the largest step count (default 10000; 0 prints the accuracy table only)
     */
    public static void main(String[] args) {
        int maxSteps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        boolean timing = maxSteps >= 100;
        final SpiralProblem sp = new SpiralProblem();
        List<GradientMethod> methods = List.of(GradientMethod.direct(), GradientMethod.adjoint(),
                GradientMethod.checkpointed());
        System.out.println("| rk4 steps | method | ms per gradient | ratio to forward | peak stored doubles | backward evals |");
        System.out.println("|---|---|---|---|---|---|");
        for (int steps = 100; timing && steps <= maxSteps; steps *= 10) {
            SolverOptions o = SpiralProblem.rk4(steps);
            double fwd = time(() -> sp.loss(o), steps);
            for (GradientMethod m : methods) {
                OdeSolveResult[] last = new OdeSolveResult[1];
                double ms = time(() -> last[0] = sp.gradient(o, m), steps);
                GradientStats s = last[0].stats();
                System.out.printf(Locale.ROOT, "| %d | %s | %.2f | %.1f | %d | %d |%n", steps, m.name(), ms, ms / fwd,
                        s.peakStoredDoubles(), s.backwardEvaluations());
            }
        }
        System.out.println();
        System.out.println("| dopri5 rtol (atol = rtol/100) | method | relative gradient error vs FD | forward steps | backward steps |");
        System.out.println("|---|---|---|---|---|");
        List<GradientMethod> withSemi = List.of(GradientMethod.direct(), GradientMethod.adjoint(),
                GradientMethod.adjoint(AdjointOptions.builder().seminorm(true).build()), GradientMethod.checkpointed());
        SpiralProblem p = new SpiralProblem(0.5, 1.0); // a harder problem: outputs on [0, 9], larger weights
        SolverOptions ref = SolverOptions.builder().method("dopri5").rtol(1e-12).atol(1e-14).build();
        double[] v = direction(p, 7);
        double eps = 1e-6;
        shift(p, v, eps);
        double plus = p.loss(ref);
        shift(p, v, -2 * eps);
        double minus = p.loss(ref);
        shift(p, v, eps);
        double fd = (plus - minus) / (2 * eps);
        for (double tol : new double[] {1e-3, 1e-5, 1e-7, 1e-9}) {
            SolverOptions o = SolverOptions.builder().method("dopri5").rtol(tol).atol(tol / 100).build();
            for (GradientMethod m : withSemi) {
                OdeSolveResult r = p.gradient(o, m);
                double g = dot(p, v);
                System.out.printf(Locale.ROOT, "| %.0e | %s | %.2e | %d | %d |%n", tol, m.name(),
                        Math.abs(g - fd) / Math.abs(fd), r.stats().forwardSteps(), r.stats().backwardSteps());
            }
        }
    }

    private static double time(Runnable r, int steps) {
        int reps = Math.max(3, 20_000 / steps);
        for (int i = 0; i < Math.min(reps, 5); i++) {
            r.run(); // warm-up
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }

    private static double[] direction(SpiralProblem p, long seed) {
        Random r = new Random(seed);
        int n = 0;
        for (Parameter q : p.parameters()) {
            n += q.size();
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static void shift(SpiralProblem p, double[] v, double eps) {
        int off = 0;
        for (Parameter q : p.parameters()) {
            double[] d = q.value().data;
            for (int i = 0; i < q.size(); i++) {
                d[i] += eps * v[off++];
            }
        }
    }

    private static double dot(SpiralProblem p, double[] v) {
        int off = 0;
        double s = 0;
        for (Parameter q : p.parameters()) {
            double[] g = q.grad().data;
            for (int i = 0; i < q.size(); i++) {
                s += g[i] * v[off++];
            }
        }
        return s;
    }
}
