package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.StepController;
import org.apache.commons.math3.ode.nonstiff.AdaptiveStepsizeIntegrator;
import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;

/**
 * Prints, for every benchmark pair and problem, the function evaluations and the achieved error
 * of both libraries against a reference solution (this library's dopri8 at rtol = atol = 1e-13,
 * cross-checked against commons-math3's DormandPrince853Integrator at the same tolerance; the
 * difference between the two references is printed too).
 *
 * <p>Run: {@code java -cp node-benchmarks/target/benchmarks.jar
 * dev.neuralode.benchmarks.EvaluationReport}
 */
public final class EvaluationReport {

    private EvaluationReport() {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.printf("%-12s %-7s %12s %12s %12s %12s%n", "problem", "method", "nfe ours",
                "nfe commons", "err ours", "err commons");
        for (BenchProblem p : BenchProblem.values()) {
            double[] times = {0, p.t1};
            double[] ref = OdeSolvers.solve(p.system(), p.y0, times, SolverOptions.builder()
                    .method("dopri8").rtol(1e-13).atol(1e-13).build()).state(1);
            double[] ref2 = new double[p.y0.length];
            new DormandPrince853Integrator(1e-14, 10, 1e-13, 1e-13)
                    .integrate(p.commons(), 0, p.y0.clone(), p.t1, ref2);
            System.out.printf("%-12s reference difference (ours vs commons at 1e-13): %.2e%n",
                    p, maxDiff(ref, ref2));
            for (String m : new String[] {"dopri5", "dopri5-PI", "dopri8", "rk4"}) {
                SolverOptions.Builder b = SolverOptions.builder().method(m.replace("-PI", ""));
                if (m.endsWith("-PI")) {
                    b.controller(StepController.PI);
                }
                if (m.equals("rk4")) {
                    b.stepSize(p.fixedStep);
                } else {
                    b.rtol(p.rtol).atol(p.atol);
                }
                OdeSolution s = OdeSolvers.solve(p.system(), p.y0, times, b.build());
                double[] y = new double[p.y0.length];
                long nfe;
                if (m.equals("rk4")) {
                    ClassicalRungeKuttaIntegrator ci = new ClassicalRungeKuttaIntegrator(p.fixedStep);
                    ci.integrate(p.commons(), 0, p.y0.clone(), p.t1, y);
                    nfe = ci.getEvaluations();
                } else {
                    AdaptiveStepsizeIntegrator ci = m.startsWith("dopri5")
                            ? new DormandPrince54Integrator(1e-12, 10, p.atol, p.rtol)
                            : new DormandPrince853Integrator(1e-12, 10, p.atol, p.rtol);
                    ci.integrate(p.commons(), 0, p.y0.clone(), p.t1, y);
                    nfe = ci.getEvaluations();
                }
                System.out.printf("%-12s %-7s %12d %12d %12.3e %12.3e%n", p, m,
                        s.stats().functionEvaluations(), nfe, maxDiff(s.state(1), ref), maxDiff(y, ref));
            }
        }
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
