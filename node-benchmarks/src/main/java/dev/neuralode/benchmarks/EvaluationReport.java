package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.StepController;
import org.apache.commons.math3.ode.nonstiff.AdaptiveStepsizeIntegrator;
import org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Function evaluations against achieved accuracy, this library against commons-math3, for every
 * benchmark problem and pair ({@code dopri5} / {@code DormandPrince54Integrator}, {@code dopri8}
 * / {@code DormandPrince853Integrator}, {@code rk4} / {@code ClassicalRungeKuttaIntegrator}).
 *
 * <p>The error is the maximum absolute difference of the final state from a reference (this
 * library's {@code dopri8} at rtol = atol = 1e-13, cross-checked against commons-math3's
 * {@code DormandPrince853Integrator} at the same tolerance; their difference is printed).
 *
 * <p>Same tolerance is not the same accuracy (the two libraries' controllers differ), so besides
 * the run at the benchmark tolerance both libraries are swept over the tolerances
 * {@code tol · 10^(k/4)}, {@code k = -12..12}, and each run is compared with the other library's
 * work–precision front (the runs that are more accurate than every cheaper run), interpolated
 * linearly in log(nfe)–log(error): {@code cm nfe@acc} is how many evaluations commons-math3 needs
 * for the accuracy this library reached, and the ratio {@code ours / cm nfe@acc} below 1 means
 * fewer evaluations for the same accuracy. {@code <=n} means even commons-math3's cheapest run
 * of the sweep was more accurate (it needs at most {@code n}; the ratio is then a lower bound);
 * {@code unreached} means no commons-math3 run of the sweep was as accurate. The sweep summary
 * gives the worst and the median ratio over the sweep points (each of this library's runs).
 * The {@code dopri5-I} row (the plain I controller, the same controller as commons-math3, which
 * takes the same steps at the same tolerance) calibrates the noise of this measure: where the
 * global error does not decrease monotonically with the tolerance (loose tolerances on
 * Arenstorf, the stability-limited Brusselator), ratios of identical step sequences already
 * scatter.
 *
 * <p>Run: {@code java -cp node-benchmarks/target/benchmarks.jar
 * dev.neuralode.benchmarks.EvaluationReport}
 */
public final class EvaluationReport {

    private EvaluationReport() {
    }

    /** One run: evaluations and achieved error (error NaN if the run failed). */
    record Run(double tol, long nfe, double err) {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        for (BenchProblem p : BenchProblem.values()) {
            double[] times = {0, p.t1};
            double[] ref = OdeSolvers.solve(p.system(), p.y0, times, SolverOptions.builder()
                    .method("dopri8").rtol(1e-13).atol(1e-13).build()).state(1);
            double[] ref2 = new double[p.y0.length];
            new DormandPrince853Integrator(1e-14, 10, 1e-13, 1e-13)
                    .integrate(p.commons(), 0, p.y0.clone(), p.t1, ref2);
            System.out.printf("%n%s (t1 = %s, rtol = atol = %.0e): reference difference (ours vs"
                    + " commons at 1e-13) %.2e%n", p, p.t1, p.rtol, maxDiff(ref, ref2));
            System.out.printf("%-10s %9s %9s %10s %10s %11s %8s | sweep: %6s %6s %4s%n", "method",
                    "nfe ours", "nfe cm", "err ours", "err cm", "cm nfe@acc", "ratio", "worst",
                    "median", "pts");
            for (String m : new String[] {"dopri5", "dopri5-I", "dopri8"}) {
                compareAdaptive(p, m, ref);
            }
            ClassicalRungeKuttaIntegrator ci = new ClassicalRungeKuttaIntegrator(p.fixedStep);
            double[] y = new double[p.y0.length];
            ci.integrate(p.commons(), 0, p.y0.clone(), p.t1, y);
            OdeSolution s = OdeSolvers.solve(p.system(), p.y0, times,
                    SolverOptions.builder().method("rk4").stepSize(p.fixedStep).build());
            System.out.printf("%-10s %9d %9d %10.3e %10.3e   (same fixed step h = %.3g)%n", "rk4",
                    s.stats().functionEvaluations(), ci.getEvaluations(),
                    maxDiff(s.state(1), ref), maxDiff(y, ref), p.fixedStep);
        }
    }

    private static void compareAdaptive(BenchProblem p, String m, double[] ref) {
        List<Run> ours = new ArrayList<>();
        List<Run> theirs = new ArrayList<>();
        Run oursAtTol = null;
        Run theirsAtTol = null;
        for (int k = -12; k <= 12; k++) {
            double tol = p.rtol * Math.pow(10, k / 4.0);
            Run a = ours(p, m, tol, ref);
            Run b = commons(p, m, tol, ref);
            ours.add(a);
            theirs.add(b);
            if (k == 0) {
                oursAtTol = a;
                theirsAtTol = b;
            }
        }
        List<Run> front = front(theirs);
        List<Double> ratios = new ArrayList<>();
        for (Run r : ours) {
            double need = nfeAt(front, r.err);
            if (Double.isFinite(need)) {
                ratios.add(r.nfe / Math.abs(need));
            }
        }
        ratios.sort(Comparator.naturalOrder());
        double need = nfeAt(front, oursAtTol.err);
        String needText = Double.isNaN(need) ? "unreached"
                : (need < 0 ? "<=" : "") + String.format("%.0f", Math.abs(need));
        System.out.printf("%-10s %9d %9d %10.3e %10.3e %11s %8s | %6.3f %6.3f %4d%n", m,
                oursAtTol.nfe, theirsAtTol.nfe, oursAtTol.err, theirsAtTol.err, needText,
                Double.isNaN(need) ? "<1" : (need < 0 ? ">=" : "")
                        + String.format("%.3f", oursAtTol.nfe / Math.abs(need)),
                ratios.isEmpty() ? Double.NaN : ratios.get(ratios.size() - 1),
                ratios.isEmpty() ? Double.NaN : ratios.get(ratios.size() / 2), ratios.size());
    }

    private static Run ours(BenchProblem p, String m, double tol, double[] ref) {
        SolverOptions.Builder b = SolverOptions.builder().method(m.replace("-I", ""))
                .rtol(tol).atol(tol).maxSteps(200_000);
        if (m.endsWith("-I")) {
            b.controller(StepController.I);
        }
        try {
            OdeSolution s = OdeSolvers.solve(p.system(), p.y0, new double[] {0, p.t1}, b.build());
            return new Run(tol, s.stats().functionEvaluations(), maxDiff(s.state(1), ref));
        } catch (RuntimeException e) {
            return new Run(tol, Long.MAX_VALUE, Double.NaN);
        }
    }

    private static Run commons(BenchProblem p, String m, double tol, double[] ref) {
        AdaptiveStepsizeIntegrator ci = m.startsWith("dopri5")
                ? new DormandPrince54Integrator(1e-12, 10, tol, tol)
                : new DormandPrince853Integrator(1e-12, 10, tol, tol);
        ci.setMaxEvaluations(2_000_000);
        double[] y = new double[p.y0.length];
        try {
            ci.integrate(p.commons(), 0, p.y0.clone(), p.t1, y);
            return new Run(tol, ci.getEvaluations(), maxDiff(y, ref));
        } catch (RuntimeException e) {
            // commons-math3's DormandPrince853 does not finish the Brusselator at loose tolerances
            return new Run(tol, Long.MAX_VALUE, Double.NaN);
        }
    }

    /** The work–precision front: by increasing nfe, the runs more accurate than all cheaper. */
    static List<Run> front(List<Run> runs) {
        List<Run> sorted = new ArrayList<>();
        for (Run r : runs) {
            if (Double.isFinite(r.err) && r.err > 0) {
                sorted.add(r);
            }
        }
        sorted.sort(Comparator.comparingLong(Run::nfe));
        List<Run> front = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (Run r : sorted) {
            if (r.err < best) {
                front.add(r);
                best = r.err;
            }
        }
        return front;
    }

    /**
     * The evaluations the front needs for error {@code err}: interpolated in log–log between
     * the two front points that bracket it; the cheapest front point's nfe, negated, when even
     * that point is more accurate (an upper bound: commons-math3 needs at most that many); NaN
     * when {@code err} is below every front point (commons-math3 did not reach it in the sweep).
     */
    static double nfeAt(List<Run> front, double err) {
        if (!(err > 0) || front.isEmpty()) {
            return Double.NaN;
        }
        for (int i = 0; i < front.size(); i++) {
            Run r = front.get(i);
            if (r.err <= err) {
                if (i == 0) {
                    return r.err == err ? r.nfe : -r.nfe;
                }
                Run q = front.get(i - 1);
                double w = Math.log(q.err / err) / Math.log(q.err / r.err);
                return Math.exp(Math.log(q.nfe) + w * Math.log((double) r.nfe / q.nfe));
            }
        }
        return Double.NaN;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
