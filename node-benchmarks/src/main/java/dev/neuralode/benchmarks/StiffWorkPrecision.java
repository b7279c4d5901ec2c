package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * A work–precision table of the stiff methods on the classic stiff problems: for each problem,
 * method and tolerance the end point's accuracy in significant digits ({@code −log10 max_i |y_i −
 * ref_i| / |ref_i|}) against a reference from two independent solvers (scipy's Radau and LSODA at
 * rtol 1e-12, node-solvers/scripts/stiff_references.py), the work counters and the median thread CPU
 * time of 15 solves after 15 warm-up solves.
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.StiffWorkPrecision
 * </pre>
 * ({@code atol = rtol · 1e-6} for ROBER, whose y2 is about 1e-8 of the others, {@code rtol · 1e-2}
 * otherwise.) For a switching method ({@code auto}) the steps column also gives the accepted steps
 * its stiff method took and the number of switches
 * ({@link SolverStats#stiffSteps()}, {@link SolverStats#methodSwitches()}).
 */
public final class StiffWorkPrecision {

    private StiffWorkPrecision() {
    }

    private static volatile double sink;

    private record Problem(String name, OdeSystem f, double[] y0, double t1, double atolFactor, double[] ref) {
    }

    /**
     * Prints the table.
     *
     * @param args optional method names (default rosenbrock23 rodas5p kvaerno5 radau5 auto)
     */
    public static void main(String[] args) {
        String[] methods = args.length == 0 ? new String[] {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "auto"}
                : args;
        Problem[] problems = {
            new Problem("ROBER [0, 1e5]", (t, y, d) -> {
                d[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
                d[2] = 3e7 * y[1] * y[1];
                d[1] = -d[0] - d[2];
            }, new double[] {1, 0, 0}, 1e5, 1e-6,
                new double[] {0.017865921142100068, 7.274751468436588e-08, 0.9821340061103828}),
            new Problem("HIRES", (t, y, f) -> {
                f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
                f[1] = 1.71 * y[0] - 8.75 * y[1];
                f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
                f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
                f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
                f[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
                f[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
                f[7] = -f[6];
            }, new double[] {1, 0, 0, 0, 0, 0, 0, 0.0057}, 321.8122, 1e-2,
                new double[] {0.0007371312573325646, 0.00014424857263161805, 5.8887297409675386e-05,
                    0.0011756513432831447, 0.0023863561988312775, 0.006238968252742645, 0.0028499983951857325,
                    0.0028500016048142547}),
            new Problem("VDP eps=1e-6", (t, y, d) -> {
                d[0] = y[1];
                d[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / 1e-6;
            }, new double[] {2, -2.0 / 3}, 2, 1e-2, new double[] {1.7061674345671218, -0.8928100197382782}),
            new Problem("OREGO", (t, y, d) -> {
                d[0] = 77.27 * (y[1] + y[0] * (1 - 8.375e-6 * y[0] - y[1]));
                d[1] = (y[2] - (1 + y[0]) * y[1]) / 77.27;
                d[2] = 0.161 * (y[0] - y[2]);
            }, new double[] {1, 2, 3}, 360, 1e-2, new double[] {1.0008148703185227, 1228.178521549886, 132.0554942846542}),
        };
        System.out.println("| problem | method | rtol | digits | f evals | steps (rejected) | Jacobians | LUs | Newton its | CPU ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (Problem p : problems) {
            for (String m : methods) {
                for (double rtol : new double[] {1e-4, 1e-6, 1e-8}) {
                    SolverOptions o = SolverOptions.builder().method(m).rtol(rtol).atol(rtol * p.atolFactor)
                            .maxSteps(1_000_000).build();
                    double[] times = {0, p.t1};
                    OdeSolution s = null;
                    for (int i = 0; i < 15; i++) {
                        s = OdeSolvers.solve(p.f, p.y0, times, o);
                        sink += s.state(1)[0];
                    }
                    double[] cpu = new double[15];
                    for (int i = 0; i < cpu.length; i++) {
                        long c0 = mx.getCurrentThreadCpuTime();
                        s = OdeSolvers.solve(p.f, p.y0, times, o);
                        cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                        sink += s.state(1)[0];
                    }
                    Arrays.sort(cpu);
                    SolverStats st = s.stats();
                    double worst = 0;
                    for (int i = 0; i < p.ref.length; i++) {
                        worst = Math.max(worst, Math.abs(s.state(1)[i] - p.ref[i]) / Math.abs(p.ref[i]));
                    }
                    String switching = st.stiffSteps() == 0 && st.methodSwitches() == 0 ? ""
                            : String.format(Locale.ROOT, "; %d stiff, %d switch%s", st.stiffSteps(),
                                    st.methodSwitches(), st.methodSwitches() == 1 ? "" : "es");
                    System.out.printf(Locale.ROOT, "| %s | %s | %.0e | %.1f | %d | %d (%d)%s | %d | %d | %d | %.2f |%n",
                            p.name, m, rtol, -Math.log10(worst), st.functionEvaluations(), st.acceptedSteps(),
                            st.rejectedSteps(), switching, st.jacobianEvaluations(), st.factorizations(),
                            st.newtonIterations(), cpu[cpu.length / 2]);
                }
            }
        }
    }
}
