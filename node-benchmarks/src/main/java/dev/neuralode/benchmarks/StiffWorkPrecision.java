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
 * rtol 1e-12, node-solvers/scripts/stiff_references.py), the work counters, the median thread CPU
 * time of 15 solves after 15 warm-up solves, and that time over rodas5p's on the same problem and
 * tolerance in the same run (when rodas5p is among the methods; the machine-independent figure).
 *
 * <pre>
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.StiffWorkPrecision [--reps=N] [method ...]
 * </pre>
 * ({@code --reps=N}: N warm-up and N timed solves instead of 15, for a short run on a shared machine.)
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

    /** Grid points of the Brusselator: 2·100 = 200 components, a dense 200 × 200 iteration matrix. */
    private static final int BRUSS_N = 100;

    /**
     * The one-dimensional Brusselator with diffusion (Hairer &amp; Wanner II, §IV.1, BRUSS):
     * {@code u_i' = 1 + u_i² v_i − 4 u_i + α (N+1)² (u_{i−1} − 2u_i + u_{i+1})},
     * {@code v_i' = 3 u_i − u_i² v_i + α (N+1)² (v_{i−1} − 2v_i + v_{i+1})}, {@code α = 1/50},
     * {@code u = 1, v = 3} at both ends, {@code u_i(0) = 1 + sin(2π x_i)}, {@code v_i(0) = 3},
     * {@code x_i = i/(N+1)}, on {@code [0, 10]}; components {@code (u_1, v_1, u_2, v_2, ...)}. A large-ish
     * problem where factorizations cost {@code O(n³)}; its reference is radau5 at rtol 1e-11, atol 1e-13
     * computed in the run (no scipy reference stored).
     */
    private static Problem brusselator(int n) {
        double c = (n + 1.0) * (n + 1.0) / 50.0;
        OdeSystem f = (t, y, d) -> {
            for (int i = 0; i < n; i++) {
                double u = y[2 * i];
                double v = y[2 * i + 1];
                double ul = i == 0 ? 1.0 : y[2 * i - 2];
                double vl = i == 0 ? 3.0 : y[2 * i - 1];
                double ur = i == n - 1 ? 1.0 : y[2 * i + 2];
                double vr = i == n - 1 ? 3.0 : y[2 * i + 3];
                double uuv = u * u * v;
                d[2 * i] = 1 + uuv - 4 * u + c * (ul - 2 * u + ur);
                d[2 * i + 1] = 3 * u - uuv + c * (vl - 2 * v + vr);
            }
        };
        double[] y0 = new double[2 * n];
        for (int i = 0; i < n; i++) {
            y0[2 * i] = 1 + Math.sin(2 * Math.PI * (i + 1.0) / (n + 1));
            y0[2 * i + 1] = 3;
        }
        double[] ref = OdeSolvers.solve(f, y0, new double[] {0, 10},
                SolverOptions.builder().method("radau5").rtol(1e-11).atol(1e-13).build()).state(1);
        return new Problem("BRUSS 1-D n=" + 2 * n, f, y0, 10, 1e-2, ref);
    }

    /**
     * Prints the table.
     *
     * @param args optional {@code --reps=N} and method names (default rosenbrock23 rodas5p kvaerno5 radau5 bdf auto)
     */
    public static void main(String[] args) {
        int reps = 15;
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--reps=")) {
                reps = Integer.parseInt(a.substring("--reps=".length()));
                if (reps < 1) {
                    throw new IllegalArgumentException("--reps must be at least 1, got " + reps);
                }
            } else {
                names.add(a);
            }
        }
        String[] methods = names.isEmpty()
                ? new String[] {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf", "auto"}
                : names.toArray(new String[0]);
        double[] rtols = {1e-4, 1e-6, 1e-8};
        java.util.List<Problem> problems = new java.util.ArrayList<>();
        for (StiffProblems.Problem q : StiffProblems.ALL) {
            problems.add(new Problem(q.name(), q.f(), q.y0(), q.t1(), q.atolFactor(), q.ref()));
        }
        problems.add(brusselator(BRUSS_N));
        System.out.println("| problem | method | rtol | digits | f evals | steps (rejected) | Jacobians | LUs | Newton its"
                + " | CPU ms | CPU / rodas5p |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (Problem p : problems) {
            String[][] rows = new String[methods.length][rtols.length];
            double[][] ms = new double[methods.length][rtols.length];
            for (int r = 0; r < rtols.length; r++) {
                double rtol = rtols[r];
                for (int mi = 0; mi < methods.length; mi++) {
                    String m = methods[mi];
                    SolverOptions o = SolverOptions.builder().method(m).rtol(rtol).atol(rtol * p.atolFactor)
                            .maxSteps(1_000_000).build();
                    double[] times = {0, p.t1};
                    OdeSolution s = null;
                    for (int i = 0; i < reps; i++) {
                        s = OdeSolvers.solve(p.f, p.y0, times, o);
                        sink += s.state(1)[0];
                    }
                    double[] cpu = new double[reps];
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
                    ms[mi][r] = cpu[cpu.length / 2];
                    String switching = st.stiffSteps() == 0 && st.methodSwitches() == 0 ? ""
                            : String.format(Locale.ROOT, "; %d stiff, %d switch%s", st.stiffSteps(),
                                    st.methodSwitches(), st.methodSwitches() == 1 ? "" : "es");
                    rows[mi][r] = String.format(Locale.ROOT, "| %s | %s | %.0e | %.1f | %d | %d (%d)%s | %d | %d | %d | %.2f",
                            p.name, m, rtol, -Math.log10(worst), st.functionEvaluations(), st.acceptedSteps(),
                            st.rejectedSteps(), switching, st.jacobianEvaluations(), st.factorizations(),
                            st.newtonIterations(), ms[mi][r]);
                }
            }
            int ref = Arrays.asList(methods).indexOf("rodas5p");
            for (int mi = 0; mi < methods.length; mi++) {
                for (int r = 0; r < rtols.length; r++) {
                    String ratio = ref < 0 ? "-" : String.format(Locale.ROOT, "%.2f", ms[mi][r] / ms[ref][r]);
                    System.out.println(rows[mi][r] + " | " + ratio + " |");
                }
            }
        }
    }
}
