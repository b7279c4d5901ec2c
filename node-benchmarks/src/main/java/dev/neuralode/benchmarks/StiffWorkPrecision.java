package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSolution;
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

    /**
     * Prints the table.
     *
     * @param args optional method names (default rosenbrock23 rodas5p kvaerno5 radau5 bdf auto)
     */
    public static void main(String[] args) {
        String[] methods = args.length == 0
                ? new String[] {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf", "auto"} : args;
        System.out.println("| problem | method | rtol | digits | f evals | steps (rejected) | Jacobians | LUs | Newton its | CPU ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (StiffProblems.Problem p : StiffProblems.ALL) {
            for (String m : methods) {
                for (double rtol : new double[] {1e-4, 1e-6, 1e-8}) {
                    SolverOptions o = SolverOptions.builder().method(m).rtol(rtol).atol(rtol * p.atolFactor())
                            .maxSteps(1_000_000).build();
                    double[] times = {0, p.t1()};
                    OdeSolution s = null;
                    for (int i = 0; i < 15; i++) {
                        s = OdeSolvers.solve(p.f(), p.y0(), times, o);
                        sink += s.state(1)[0];
                    }
                    double[] cpu = new double[15];
                    for (int i = 0; i < cpu.length; i++) {
                        long c0 = mx.getCurrentThreadCpuTime();
                        s = OdeSolvers.solve(p.f(), p.y0(), times, o);
                        cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                        sink += s.state(1)[0];
                    }
                    Arrays.sort(cpu);
                    SolverStats st = s.stats();
                    String switching = st.stiffSteps() == 0 && st.methodSwitches() == 0 ? ""
                            : String.format(Locale.ROOT, "; %d stiff, %d switch%s", st.stiffSteps(),
                                    st.methodSwitches(), st.methodSwitches() == 1 ? "" : "es");
                    System.out.printf(Locale.ROOT, "| %s | %s | %.0e | %.1f | %d | %d (%d)%s | %d | %d | %d | %.2f |%n",
                            p.name(), m, rtol, p.digits(s.state(1)), st.functionEvaluations(), st.acceptedSteps(),
                            st.rejectedSteps(), switching, st.jacobianEvaluations(), st.factorizations(),
                            st.newtonIterations(), cpu[cpu.length / 2]);
                }
            }
        }
    }
}
