package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.events.Event;
import org.apache.commons.math3.ode.events.EventHandler;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * What locating events costs: thread CPU time per Lorenz solve ({@link BenchProblem#LORENZ}, dopri5,
 * rtol = atol = 1e-8, t in [0, 20]) without events and with one recording event on {@code x = 0}
 * (6 crossings, each located to 1e-12), for this library and for commons-math3's
 * {@code DormandPrince54Integrator} with an {@code EventHandler} on the same function (CONTINUE,
 * convergence 1e-12, max check interval 20, the whole interval: checks at the step ends as ours).
 * Best of 20 rounds after 10 warm-up rounds, in one JVM.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.EventOverhead
 * </pre>
 */
public final class EventOverhead {

    private EventOverhead() {
    }

    private static volatile double sink;

    /**
     * Runs the comparison and prints a Markdown table.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        BenchProblem p = BenchProblem.LORENZ;
        SolverOptions plain = SolverOptions.builder().method("dopri5").rtol(p.rtol).atol(p.atol).build();
        SolverOptions withEvent = plain.toBuilder().events(Event.when((t, y) -> y[0])).build();
        int[] count = new int[1];
        Runnable oursPlain = () -> sink += OdeSolvers.solve(p.system(), p.y0, new double[] {0, p.t1}, plain).state(1)[0];
        Runnable oursEvent = () -> {
            OdeSolution s = OdeSolvers.solve(p.system(), p.y0, new double[] {0, p.t1}, withEvent);
            count[0] = s.events().size();
            sink += s.state(1)[0];
        };
        Runnable theirsPlain = () -> sink += commons(p, false);
        Runnable theirsEvent = () -> sink += commons(p, true);
        double a = time(oursPlain);
        double b = time(oursEvent);
        double c = time(theirsPlain);
        double d = time(theirsEvent);
        System.out.println("| solve | this library us | commons-math3 us | ratio |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| Lorenz, no events | %.1f | %.1f | %.2f |%n", a, c, a / c);
        System.out.printf(Locale.ROOT, "| Lorenz, event x = 0 (%d occurrences) | %.1f | %.1f | %.2f |%n", count[0], b,
                d, b / d);
        System.out.printf(Locale.ROOT, "| cost of the event | +%.1f %% | +%.1f %% | |%n", 100 * (b / a - 1),
                100 * (d / c - 1));
    }

    private static double commons(BenchProblem p, boolean event) {
        DormandPrince54Integrator integ = new DormandPrince54Integrator(1e-12, 10, p.atol, p.rtol);
        if (event) {
            integ.addEventHandler(new EventHandler() {
                @Override
                public void init(double t0, double[] y0, double t) {
                }

                @Override
                public double g(double t, double[] y) {
                    return y[0];
                }

                @Override
                public Action eventOccurred(double t, double[] y, boolean increasing) {
                    return Action.CONTINUE;
                }

                @Override
                public void resetState(double t, double[] y) {
                }
            }, p.t1, 1e-12, 1000);
        }
        double[] y = new double[p.y0.length];
        integ.integrate(p.commons(), 0, p.y0.clone(), p.t1, y);
        return y[0];
    }

    private static double time(Runnable r) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int reps = 200;
        double best = Double.POSITIVE_INFINITY;
        for (int round = 0; round < 30; round++) {
            long c = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                r.run();
            }
            double us = (mx.getCurrentThreadCpuTime() - c) / 1e3 / reps;
            if (round >= 10) {
                best = Math.min(best, us);
            }
        }
        return best;
    }
}
