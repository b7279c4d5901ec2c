package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our stiff methods against SUNDIALS CVODE (BDF, dense Newton, difference-quotient Jacobian) and
 * scipy's Radau on the problems of {@link StiffProblems}, at the tolerances of
 * {@code node-benchmarks/cvode/cvode_stiff.c}: rtol 1e-6 / atol 1e-10 and rtol 1e-8 / atol 1e-12.
 *
 * <p>Timing is measured the way the C driver measures CVODE: thread CPU time of whole solves (setup
 * included) after warm-up, the median of 7 batches of at least 0.15 s each. The Java warm-up is
 * longer (at least 2 s per method and tolerance, so the JIT has compiled the solver: the target is
 * the steady state). Accuracy is the end point's significant digits and the test set's mixed error
 * {@code max_i |y_i − ref_i| / (atol/rtol + |ref_i|)}, computed identically on both sides.
 *
 * <p>The summary table names, per problem and tolerance, our fastest method that is at least as
 * accurate as CVODE (digits ≥ CVODE's; if none is, the most accurate one, flagged), its time
 * ratio to CVODE (target ≤ 1.5, moonshot ≤ 1.0) and scipy Radau's time ratio to it (target ≥ 20).
 * The full table lists every method.
 *
 * <pre>
 * node-benchmarks/scripts/cvode_compare.sh           # builds the C driver, runs all three
 * java -cp node-benchmarks/target/benchmarks.jar dev.neuralode.benchmarks.StiffCvodeCompare \
 *      [--cvode cvode.tsv] [--scipy scipy.tsv] [method ...]
 * </pre>
 * {@code cvode.tsv} is the C driver's output, {@code scipy.tsv} that of
 * {@code node-benchmarks/scripts/scipy_stiff.py}; both are optional (their columns then read "n/a").
 */
public final class StiffCvodeCompare {

    private StiffCvodeCompare() {
    }

    private static volatile double sink;

    /** rtol / atol pairs, as in the C driver. */
    static final double[][] TOLERANCES = {{1e-6, 1e-10}, {1e-8, 1e-12}};

    /**
     * One measured configuration (ours or a peer's).
     *
     * @param solver  the solver's name
     * @param problem the problem key
     * @param rtol    the relative tolerance
     * @param ms      thread CPU milliseconds per solve
     * @param steps   accepted steps (CVODE: steps)
     * @param nfe     right-hand-side evaluations (CVODE: including those of its DQ Jacobian)
     * @param mixed   the mixed error
     * @param digits  the significant digits
     */
    record Row(String solver, String problem, double rtol, double ms, long steps, long nfe, double mixed,
               double digits) {
    }

    /**
     * Runs the comparison and prints the two tables.
     *
     * @param args {@code [--cvode FILE] [--scipy FILE] [method ...]}; the methods default to every
     *             registered implicit method (auto included)
     * @throws IOException if a given file cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path cvodeFile = null;
        Path scipyFile = null;
        List<String> methods = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cvode" -> cvodeFile = Path.of(value(args, ++i, "--cvode"));
                case "--scipy" -> scipyFile = Path.of(value(args, ++i, "--scipy"));
                default -> methods.add(args[i]);
            }
        }
        if (methods.isEmpty()) {
            for (String name : OdeSolvers.methods()) {
                if (OdeSolvers.method(name).isImplicit()) {
                    methods.add(name);
                }
            }
        }
        Map<String, Row> cvode = cvodeFile == null ? Map.of() : readPeer(cvodeFile, "CVODE");
        Map<String, Row> scipy = scipyFile == null ? Map.of() : readPeer(scipyFile, "SCIPY");

        List<Row> ours = new ArrayList<>();
        for (StiffProblems.Problem p : StiffProblems.ALL) {
            for (double[] tol : TOLERANCES) {
                for (String m : methods) {
                    ours.add(measure(p, m, tol[0], tol[1]));
                }
            }
        }

        System.out.println("Summary: our fastest method at least as accurate as CVODE (thread CPU ms per solve)");
        System.out.println();
        System.out.println("| problem | rtol / atol | CVODE digits | CVODE ms | ours | digits | ms | ours / CVODE "
                + "| scipy Radau ms | scipy / ours |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (StiffProblems.Problem p : StiffProblems.ALL) {
            for (double[] tol : TOLERANCES) {
                String key = key(p.key(), tol[0]);
                Row c = cvode.get(key);
                Row s = scipy.get(key);
                Row best = null;
                boolean asAccurate = false;
                for (Row r : ours) {
                    if (!r.problem().equals(p.key()) || r.rtol() != tol[0]) {
                        continue;
                    }
                    boolean ok = c == null || r.digits() >= c.digits();
                    if (best == null || (ok && !asAccurate) || (ok == asAccurate
                            && (ok ? r.ms() < best.ms() : r.digits() > best.digits()))) {
                        best = r;
                        asAccurate = ok;
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %.0e / %.0e | %s | %s | %s%s | %.1f | %.3f | %s | %s | %s |%n",
                        p.key(), tol[0], tol[1], c == null ? "n/a" : fmt1(c.digits()),
                        c == null ? "n/a" : fmt3(c.ms()), best.solver(), asAccurate ? "" : " (less accurate)",
                        best.digits(), best.ms(), c == null ? "n/a" : String.format(Locale.ROOT, "%.2f", best.ms() / c.ms()),
                        s == null ? "n/a" : fmt3(s.ms()),
                        s == null ? "n/a" : String.format(Locale.ROOT, "%.0f", s.ms() / best.ms()));
            }
        }
        System.out.println();
        System.out.println("All methods");
        System.out.println();
        System.out.println("| problem | rtol | solver | digits | mixed error | f evals | steps | ms | ms / CVODE |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (StiffProblems.Problem p : StiffProblems.ALL) {
            for (double[] tol : TOLERANCES) {
                String key = key(p.key(), tol[0]);
                Row c = cvode.get(key);
                List<Row> rows = new ArrayList<>();
                if (c != null) {
                    rows.add(c);
                }
                if (scipy.get(key) != null) {
                    rows.add(scipy.get(key));
                }
                for (Row r : ours) {
                    if (r.problem().equals(p.key()) && r.rtol() == tol[0]) {
                        rows.add(r);
                    }
                }
                for (Row r : rows) {
                    System.out.printf(Locale.ROOT, "| %s | %.0e | %s | %.1f | %.1e | %d | %d | %.3f | %s |%n",
                            p.key(), tol[0], r.solver(), r.digits(), r.mixed(), r.nfe(), r.steps(), r.ms(),
                            c == null ? "n/a" : String.format(Locale.ROOT, "%.2f", r.ms() / c.ms()));
                }
            }
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a file name");
        }
        return args[i];
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String key(String problem, double rtol) {
        return problem + "@" + rtol;
    }

    /**
     * Reads a peer's tab-separated lines whose first field is {@code tag}: the C driver's
     * {@code CVODE problem rtol atol ms steps nfe nfeLS nje netf nni mixed digits} or the scipy
     * script's {@code SCIPY problem rtol atol ms steps nfe mixed digits}.
     */
    static Map<String, Row> readPeer(Path file, String tag) throws IOException {
        Map<String, Row> rows = new HashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String[] f = line.split("\t");
            if (f.length == 0 || !f[0].equals(tag)) {
                continue;
            }
            try {
                double rtol = Double.parseDouble(f[2]);
                Row r = tag.equals("CVODE")
                        ? new Row("CVODE", f[1], rtol, Double.parseDouble(f[4]), Long.parseLong(f[5]),
                                Long.parseLong(f[6]) + Long.parseLong(f[7]), Double.parseDouble(f[11]),
                                Double.parseDouble(f[12]))
                        : new Row("scipy Radau", f[1], rtol, Double.parseDouble(f[4]), Long.parseLong(f[5]),
                                Long.parseLong(f[6]), Double.parseDouble(f[7]), Double.parseDouble(f[8]));
                rows.put(key(r.problem(), rtol), r);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": cannot read a " + tag + " row from '"
                        + line + "' (" + e.getMessage() + ")", e);
            }
        }
        return rows;
    }

    private static Row measure(StiffProblems.Problem p, String method, double rtol, double atol) {
        SolverOptions o = SolverOptions.builder().method(method).rtol(rtol).atol(atol).maxSteps(1_000_000).build();
        double[] times = {0, p.t1()};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        OdeSolution s = OdeSolvers.solve(p.f(), p.y0(), times, o);
        // warm-up: at least 2 s of thread CPU, and the batch size for >= 0.15 s
        long reps = 0;
        long w0 = mx.getCurrentThreadCpuTime();
        long batchStart = w0;
        long batchReps = 0;
        while (mx.getCurrentThreadCpuTime() - w0 < 2_000_000_000L) {
            s = OdeSolvers.solve(p.f(), p.y0(), times, o);
            sink += s.state(1)[0];
            batchReps++;
            if (mx.getCurrentThreadCpuTime() - batchStart >= 150_000_000L) {
                reps = Math.max(reps, batchReps);
                batchReps = 0;
                batchStart = mx.getCurrentThreadCpuTime();
            }
        }
        reps = Math.max(reps, Math.max(1, batchReps));
        double[] per = new double[7];
        for (int b = 0; b < per.length; b++) {
            long c0 = mx.getCurrentThreadCpuTime();
            for (long i = 0; i < reps; i++) {
                s = OdeSolvers.solve(p.f(), p.y0(), times, o);
                sink += s.state(1)[0];
            }
            per[b] = (mx.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
        }
        Arrays.sort(per);
        SolverStats st = s.stats();
        double[] y = s.state(1);
        return new Row(method, p.key(), rtol, per[3], st.acceptedSteps(), st.functionEvaluations(),
                p.mixedError(y, rtol, atol), p.digits(y));
    }
}
