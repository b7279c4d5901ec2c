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
 * otherwise.)
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
     * @param args optional {@code --reps=N} and method names (default rosenbrock23 rodas5p kvaerno5 radau5 bdf)
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
        String[] methods = names.isEmpty() ? new String[] {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf"}
                : names.toArray(new String[0]);
        double[] rtols = {1e-4, 1e-6, 1e-8};
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
            brusselator(BRUSS_N),
        };
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
                    rows[mi][r] = String.format(Locale.ROOT, "| %s | %s | %.0e | %.1f | %d | %d (%d) | %d | %d | %d | %.2f",
                            p.name, m, rtol, -Math.log10(worst), st.functionEvaluations(), st.acceptedSteps(),
                            st.rejectedSteps(), st.jacobianEvaluations(), st.factorizations(), st.newtonIterations(),
                            ms[mi][r]);
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
