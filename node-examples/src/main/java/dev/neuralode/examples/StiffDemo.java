package dev.neuralode.examples;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSolveException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.optim.LrSchedule;
import dev.neuralode.models.optim.LrScheduler;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import java.awt.Color;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Stiff problems: a work–precision comparison of the stiff methods with dopri5, and a stiff neural
 * ODE that learns Robertson's kinetics from log-spaced observations.
 *
 * <p><b>Work–precision.</b> Robertson's kinetics on {@code [0, 40]} and HIRES on
 * {@code [0, 321.8122]}, each method at {@code rtol = 1e-3 … 1e-8}: the end point's significant
 * digits against a radau5 solve at rtol 1e-12, against the thread CPU time of a solve (the median of
 * three).
 *
 * <p><b>Learning the kinetics.</b> Robertson's three reactions
 * {@code A → B} ({@code k1 = 0.04}), {@code 2B → B + C} ({@code k2 = 3e7}) and
 * {@code B + C → A + C} are observed at log-spaced times on {@code [1e-5, 1e5]}. The model is a
 * universal differential equation (Rackauckas et al., 2020): the stoichiometry is known, {@code k1}
 * and {@code k2} are learned as {@code log k} (starting 3× too large and 3× too small), and the third
 * reaction's rate coefficient is an unknown function of the composition, a neural network of the
 * scaled log-concentrations, {@code r3 = y2·y3·exp(NN(log ŷ))} (its truth is the constant 1e4;
 * the network starts at 1e2). The dynamics are as stiff as Robertson's (rates from 0.04 to about
 * 1e4 per unit time), so each iteration solves them with an implicit method and differentiates the
 * solve with a gradient method made for stiff problems ({@code --gradient quadrature}: the quadrature
 * adjoint; {@code forward}: forward sensitivities). As in Kim et al. (2021, "Stiff neural ordinary
 * differential equations") the loss compares the species scaled to O(1) (y2 is about 1e-5 of the
 * others), and the observation times are log-spaced. A black-box network for the whole right-hand
 * side, which they also trained, takes thousands of epochs; the known stoichiometry makes the fit a
 * matter of seconds.
 */
@Command(name = "stiff", mixinStandardHelpOptions = true,
        description = {"Stiff problems: a work-precision comparison of the stiff methods with dopri5 on Robertson "
                + "and HIRES, and a stiff neural ODE (a universal differential equation) that learns Robertson's "
                + "kinetics from log-spaced observations with an implicit solver and a stiff gradient method.",
                "Plots: stiff-work-precision.png, stiff-trajectories.png, stiff-progress.png"})
public final class StiffDemo extends Demo {

    /** Robertson's rate constants. */
    static final double K1 = 0.04;
    static final double K2 = 3e7;
    static final double K3 = 1e4;
    /** The species' scales for the loss: y2 peaks at about 3.65e-5. */
    static final double[] SCALE = {1, 3.65e-5, 1};

    @Option(names = "--iterations", defaultValue = "300", paramLabel = "N",
            description = "Adam iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--lr", defaultValue = "0.05", paramLabel = "LR",
            description = "Adam's learning rate, decayed to 10 % by a cosine schedule (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--method", defaultValue = "rodas5p", paramLabel = "M",
            description = "the implicit method of the training solves (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--gradient", defaultValue = "quadrature", paramLabel = "G",
            description = "gradient method: quadrature (the quadrature adjoint), forward (forward sensitivities) or "
                    + "checkpoint (default: ${DEFAULT-VALUE})")
    String gradient;

    @Option(names = "--rtol", defaultValue = "1e-5", paramLabel = "TOL",
            description = "relative tolerance of the training solves, atol = rtol * 1e-5 (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--hidden", defaultValue = "16", paramLabel = "H",
            description = "hidden width of the rate network (default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--observations", defaultValue = "30", paramLabel = "K",
            description = "log-spaced observation times on [1e-5, 1e5] (default: ${DEFAULT-VALUE})")
    int observations;

    @Option(names = "--work-precision", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "run the work-precision comparison (default: ${DEFAULT-VALUE}; --no-work-precision skips it)")
    boolean workPrecision;

    @Option(names = "--gradient-table", defaultValue = "false",
            description = "before training, time one gradient of the loss with each gradient method (same run)")
    boolean gradientTable;

    @Override
    protected void validate() {
        requireAtLeast("--iterations", iterations, 1);
        requireAtLeast("--hidden", hidden, 1);
        requireAtLeast("--observations", observations, 2);
        requirePositive("--lr", lr);
        requireBetween("--rtol", rtol, 1e-12, 1e-2);
        if (!OdeSolvers.method(method).isImplicit()) {
            throw new IllegalArgumentException("--method: '" + method + "' is explicit; this demo trains with an"
                    + " implicit method: rosenbrock23, rodas5p, kvaerno5, radau5, bdf or auto");
        }
        gradientMethod();
    }

    private GradientMethod gradientMethod() {
        return switch (choice("--gradient", gradient, "quadrature", "forward", "checkpoint")) {
            case "forward" -> GradientMethod.forwardSensitivity();
            case "checkpoint" -> GradientMethod.checkpointed();
            default -> GradientMethod.quadratureAdjoint();
        };
    }

    /** Robertson's kinetics. */
    static final OdeSystem ROBER = (t, y, d) -> {
        d[0] = -K1 * y[0] + K3 * y[1] * y[2];
        d[2] = K2 * y[1] * y[1];
        d[1] = -d[0] - d[2];
    };

    /** HIRES (Schäfer 1975; Hairer and Wanner II, §IV.10). */
    static final OdeSystem HIRES = (t, y, f) -> {
        f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
        f[1] = 1.71 * y[0] - 8.75 * y[1];
        f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
        f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
        f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
        f[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
        f[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
        f[7] = -f[6];
    };

    /** One point of the work–precision comparison. */
    record Work(String problem, String method, double rtol, double digits, double ms, long evaluations) {
    }

    /** The universal differential equation: known stoichiometry, learned k1, k2 and rate network. */
    static final class Kinetics implements Dynamics {
        final Parameter logK;
        final Parameter w1;
        final Parameter b1;
        final Parameter w2;
        final Parameter b2;

        Kinetics(int hidden, double[] k0, double logRate3, long seed) {
            Random r = new Random(seed);
            logK = new Parameter("log_k", new DMatrixRMaj(1, 2, true, Math.log(k0[0]), Math.log(k0[1])));
            w1 = new Parameter("rate_net.0.weight", gaussian(r, 3, hidden, 0.3));
            b1 = new Parameter("rate_net.0.bias", gaussian(r, 1, hidden, 0.1));
            w2 = new Parameter("rate_net.2.weight", gaussian(r, hidden, 1, 0.1));
            b2 = new Parameter("rate_net.2.bias", new DMatrixRMaj(1, 1, true, logRate3));
        }

        private static DMatrixRMaj gaussian(Random r, int rows, int cols, double std) {
            DMatrixRMaj m = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < m.data.length; i++) {
                m.data[i] = std * r.nextGaussian();
            }
            return m;
        }

        /** The rate network's input: log concentrations, floored at 1e-12, scaled by 1/12. */
        static Tensor features(Tensor h) {
            return h.abs().add(1e-12).log().scale(1.0 / 12);
        }

        /** {@code log r3 / (y2 y3)}, the log of the third rate coefficient, {@code batch × 1}. */
        Tensor logRate3(Tensor h) {
            Tape tape = h.tape();
            return features(h).matmul(tape.param(w1)).add(tape.param(b1)).tanh().matmul(tape.param(w2))
                    .add(tape.param(b2));
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            Tensor k = tape.param(logK).exp();
            Tensor y1 = h.sliceCols(0, 1);
            Tensor y2 = h.sliceCols(1, 2);
            Tensor y3 = h.sliceCols(2, 3);
            Tensor r1 = y1.mul(k.sliceCols(0, 1));
            Tensor r2 = y2.square().mul(k.sliceCols(1, 2));
            Tensor r3 = logRate3(h).exp().mul(y2).mul(y3);
            // f = r1·(−1, 1, 0) + r2·(0, −1, 1) + r3·(1, −1, 0)
            return Tensor.concatCols(r3.sub(r1), r1.sub(r2).sub(r3), r2);
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(logK, w1, b1, w2, b2);
        }

        double[] rates() {
            return new double[] {Math.exp(logK.value().get(0)), Math.exp(logK.value().get(1))};
        }
    }

    @Override
    protected DemoResult run() throws Exception {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (workPrecision) {
            List<Work> work = workPrecision();
            workPlot(work);
            for (String p : new String[] {"ROBER", "HIRES"}) {
                // the stiff methods' best time for 6 digits against dopri5's
                double stiff = Double.POSITIVE_INFINITY;
                double explicit = Double.POSITIVE_INFINITY;
                for (Work w : work) {
                    if (w.problem.equals(p) && w.digits >= 6) {
                        if (w.method.equals("dopri5")) {
                            explicit = Math.min(explicit, w.ms);
                        } else {
                            stiff = Math.min(stiff, w.ms);
                        }
                    }
                }
                figures.put("speedup_6_digits_" + p.toLowerCase(Locale.ROOT), explicit / stiff);
                log.info("{}: 6 digits in {} ms with the best stiff method, {} ms with dopri5", p, fmt(stiff),
                        fmt(explicit));
            }
        }

        double[] times = new double[observations + 1];
        for (int i = 1; i <= observations; i++) {
            times[i] = Math.pow(10, -5 + 10.0 * (i - 1) / (observations - 1));
        }
        OdeSolution truth = OdeSolvers.solve(ROBER, new double[] {1, 0, 0}, times,
                SolverOptions.builder().method("radau5").rtol(1e-10).atol(1e-16).build());
        double[][] observed = new double[observations + 1][];
        for (int i = 0; i <= observations; i++) {
            observed[i] = truth.state(i);
        }

        double[] k0 = {3 * K1, K2 / 3};
        Kinetics model = new Kinetics(hidden, k0, Math.log(1e2), common.seed);
        Kinetics initial = new Kinetics(hidden, k0, Math.log(1e2), common.seed);
        List<Parameter> params = model.parameters();
        Adam adam = new Adam(params, lr);
        LrScheduler schedule = new LrScheduler(adam, LrSchedule.cosine(iterations, lr * 0.1));
        SolverOptions options = SolverOptions.builder().method(method).rtol(rtol).atol(rtol * 1e-5)
                .maxSteps(200_000).build();
        GradientMethod gm = gradientMethod();

        if (gradientTable) {
            gradientTable(times, observed, k0, options, figures);
        }

        double[] losses = new double[iterations];
        double[][] rateTrack = new double[3][iterations];
        Progress progress = new Progress(log, "stiff", iterations);
        long start = System.nanoTime();
        double loss = Double.NaN;
        int done = 0;
        for (int it = 0; it < iterations; it++) {
            if (stopRequest().isRequested()) {
                break;
            }
            adam.zeroGrad();
            try (Tape tape = new Tape()) {
                Tensor mse = loss(tape, model, times, observed, options, gm).loss();
                loss = mse.item();
                tape.backward(mse);
                progress.update(it + 1, loss, Double.NaN, String.format(Locale.ROOT, "k1 %.4g k2 %.4g k3 %.4g",
                        model.rates()[0], model.rates()[1], rate3(model, observed[observations])));
            }
            adam.step();
            schedule.step();
            losses[it] = loss;
            double[] k = model.rates();
            rateTrack[0][it] = k[0];
            rateTrack[1][it] = k[1];
            rateTrack[2][it] = rate3(model, observed[observations]);
            done = it + 1;
        }
        double sPerIter = (System.nanoTime() - start) * 1e-9 / Math.max(1, done);
        double[] k = model.rates();
        double k3 = rate3(model, observed[observations]);
        double finalLoss = evaluate(model, times, observed, options);
        trainingPlots(times, observed, initial, model, options, Arrays.copyOf(losses, done), rateTrack, done);

        figures.put("iterations", (double) done);
        figures.put("s_per_iter", sPerIter);
        figures.put("initial_loss", losses[0]);
        figures.put("final_loss", finalLoss);
        figures.put("k1", k[0]);
        figures.put("k2", k[1]);
        figures.put("k3", k3);
        log.info("learned k1 {} (true {}), k2 {} (true {}), the network's k3 at the last observation {} (true {})",
                fmt(k[0]), K1, fmt(k[1]), K2, fmt(k3), K3);
        String summary = String.format(Locale.ROOT, "stiff: method=%s gradient=%s iterations=%d s_per_iter=%.4f"
                + " final_loss=%.3e", method, gm.name(), done, sPerIter, finalLoss);
        return new DemoResult("stiff", summary, figures, images());
    }

    /** The loss on a tape and the solve's statistics. */
    record Loss(Tensor loss, OdeSolveResult solve) {
    }

    /** The scaled mean squared error over the observations, {@code Σ_i ‖(y(t_i) − obs_i) / scale‖² / (3m)}. */
    static Loss loss(Tape tape, Kinetics model, double[] times, double[][] observed, SolverOptions options,
                     GradientMethod gm) {
        OdeSolveResult r = OdeSolve.solve(model, tape.constant(1, 3, 1, 0, 0), times, options, gm);
        Tensor total = null;
        Tensor inv = tape.constant(1, 3, 1 / SCALE[0], 1 / SCALE[1], 1 / SCALE[2]);
        int m = times.length - 1;
        for (int i = 1; i <= m; i++) {
            Tensor d = r.at(i).sub(tape.constant(1, 3, observed[i])).mul(inv).square().sum();
            total = total == null ? d : total.add(d);
        }
        return new Loss(total.scale(1.0 / (3 * m)), r);
    }

    /**
     * One gradient of the loss at the initial parameters with each gradient method that accepts
     * implicit solvers: thread CPU ms (median of 5 after 2 warm-ups), megabytes allocated by the
     * thread, the doubles the method stores, and the gradient's relative difference (2-norm) from
     * the quadrature adjoint with radau5 at rtol 1e-11.
     */
    private void gradientTable(double[] times, double[][] observed, double[] k0, SolverOptions options,
                               Map<String, Double> figures) {
        SolverOptions tight = SolverOptions.builder().method("radau5").rtol(1e-11).atol(1e-16).maxSteps(1_000_000)
                .build();
        double[] ref = gradient(times, observed, k0, tight, GradientMethod.quadratureAdjoint(), null);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean sun = mx instanceof com.sun.management.ThreadMXBean b ? b : null;
        StringBuilder table = new StringBuilder("\n| gradient method | ms per gradient | MB allocated | stored doubles"
                + " | forward evals | backward evals | difference from the reference |\n|---|---|---|---|---|---|---|\n");
        for (GradientMethod m : List.of(GradientMethod.quadratureAdjoint(), GradientMethod.forwardSensitivity(),
                GradientMethod.checkpointed())) {
            dev.neuralode.adjoint.GradientStats[] st = new dev.neuralode.adjoint.GradientStats[1];
            double[] g = null;
            for (int i = 0; i < 2; i++) {
                g = gradient(times, observed, k0, options, m, st);
            }
            double[] ms = new double[5];
            double mb = 0;
            for (int i = 0; i < ms.length; i++) {
                long a0 = sun == null ? 0 : sun.getCurrentThreadAllocatedBytes();
                long c0 = mx.getCurrentThreadCpuTime();
                g = gradient(times, observed, k0, options, m, st);
                ms[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                mb = sun == null ? Double.NaN : (sun.getCurrentThreadAllocatedBytes() - a0) / 1e6;
            }
            Arrays.sort(ms);
            double err = 0;
            double norm = 0;
            for (int k = 0; k < g.length; k++) {
                err += (g[k] - ref[k]) * (g[k] - ref[k]);
                norm += ref[k] * ref[k];
            }
            table.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %d | %d | %d | %.1e |%n", m.name(), ms[2], mb,
                    st[0].peakStoredDoubles(), st[0].forwardEvaluations(), st[0].backwardEvaluations(),
                    Math.sqrt(err / norm)));
            figures.put("gradient_ms_" + m.name(), ms[2]);
        }
        log.info("one gradient of the loss at the initial parameters ({}, rtol {}):{}", method, rtol, table);
    }

    /** The flat gradient of the loss at fresh initial parameters. */
    private double[] gradient(double[] times, double[][] observed, double[] k0, SolverOptions options,
                              GradientMethod m, dev.neuralode.adjoint.GradientStats[] stats) {
        Kinetics model = new Kinetics(hidden, k0, Math.log(1e2), common.seed);
        try (Tape tape = new Tape()) {
            Loss l = loss(tape, model, times, observed, options, m);
            tape.backward(l.loss());
            if (stats != null) {
                stats[0] = l.solve().stats();     // after the backward pass: its work is counted
            }
        }
        List<Double> g = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            for (double v : p.grad().data) {
                g.add(v);
            }
        }
        return g.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The network's third rate coefficient {@code exp(NN(log ŷ))} at a composition. */
    static double rate3(Kinetics model, double[] y) {
        try (Tape tape = new Tape()) {
            return Math.exp(model.logRate3(tape.constant(1, 3, y)).item());
        }
    }

    /** The scaled mean squared error of a model's solve (no gradient). */
    static double evaluate(Kinetics model, double[] times, double[][] observed, SolverOptions options) {
        OdeSolution s = OdeSolvers.solve(new dev.neuralode.adjoint.TapeOdeSystem(model, 1, 3), new double[] {1, 0, 0},
                times, options);
        double sum = 0;
        for (int i = 1; i < times.length; i++) {
            for (int c = 0; c < 3; c++) {
                double d = (s.state(i)[c] - observed[i][c]) / SCALE[c];
                sum += d * d;
            }
        }
        return sum / (3 * (times.length - 1));
    }

    /** The stiff methods and dopri5 on Robertson ([0, 40]) and HIRES. */
    List<Work> workPrecision() {
        List<String> methods = new ArrayList<>();
        for (String m : new String[] {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf", "auto"}) {
            if (OdeSolvers.methods().contains(m)) {
                methods.add(m);
            }
        }
        methods.add("dopri5");
        double[] tols = {1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8};
        Object[][] problems = {
            {"ROBER", ROBER, new double[] {1, 0, 0}, 40.0, 1e-6},
            {"HIRES", HIRES, new double[] {1, 0, 0, 0, 0, 0, 0, 0.0057}, 321.8122, 1e-2},
        };
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Work> out = new ArrayList<>();
        for (Object[] p : problems) {
            String name = (String) p[0];
            OdeSystem f = (OdeSystem) p[1];
            double[] y0 = (double[]) p[2];
            double t1 = (Double) p[3];
            double atolFactor = (Double) p[4];
            double[] ref = OdeSolvers.solve(f, y0, new double[] {0, t1}, SolverOptions.builder().method("radau5")
                    .rtol(1e-12).atol(1e-12 * atolFactor).maxSteps(1_000_000).build()).state(1);
            for (String m : methods) {
                for (double tol : tols) {
                    SolverOptions o = SolverOptions.builder().method(m).rtol(tol).atol(tol * atolFactor)
                            .maxSteps(2_000_000).build();
                    double[] ms = new double[3];
                    OdeSolution s = null;
                    try {
                        for (int i = 0; i < ms.length; i++) {
                            long c0 = mx.getCurrentThreadCpuTime();
                            s = OdeSolvers.solve(f, y0, new double[] {0, t1}, o);
                            ms[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                        }
                    } catch (OdeSolveException e) {
                        log.info("{} on {} at rtol {}: {}", m, name, tol, e.getMessage());
                        continue;
                    }
                    Arrays.sort(ms);
                    double worst = 0;
                    for (int i = 0; i < ref.length; i++) {
                        worst = Math.max(worst, Math.abs(s.state(1)[i] - ref[i]) / Math.abs(ref[i]));
                    }
                    out.add(new Work(name, m, tol, -Math.log10(Math.max(worst, 1e-16)), Math.max(ms[1], 1e-3),
                            s.stats().functionEvaluations()));
                }
            }
        }
        return out;
    }

    private void workPlot(List<Work> work) throws java.io.IOException {
        List<XYChart> charts = new ArrayList<>();
        for (String p : new String[] {"ROBER", "HIRES"}) {
            XYChart c = Plots.xy(p.equals("ROBER") ? "Robertson on [0, 40]" : "HIRES on [0, 321.8]",
                    "significant digits at the end point", "CPU ms per solve");
            c.getStyler().setYAxisLogarithmic(true);
            c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
            int color = 0;
            for (String m : work.stream().map(Work::method).distinct().toList()) {
                List<Work> ws = work.stream().filter(w -> w.problem.equals(p) && w.method.equals(m)).toList();
                if (ws.isEmpty()) {
                    continue;
                }
                double[] x = ws.stream().mapToDouble(Work::digits).toArray();
                double[] y = ws.stream().mapToDouble(Work::ms).toArray();
                Color col = m.equals("dopri5") ? Color.BLACK : Plots.PALETTE[color++ % Plots.PALETTE.length];
                Plots.lineWithMarkers(c, m, x, y, col);
            }
            charts.add(c);
        }
        saveGrid(charts, 1, 2, "stiff-work-precision.png");
    }

    private void trainingPlots(double[] times, double[][] observed, Kinetics initial, Kinetics learned,
                               SolverOptions options, double[] losses, double[][] rates, int done)
            throws java.io.IOException {
        int nPts = 200;
        double[] ts = new double[nPts + 1];
        for (int i = 1; i <= nPts; i++) {
            ts[i] = Math.pow(10, -5 + 10.0 * (i - 1) / (nPts - 1));
        }
        OdeSolution before = OdeSolvers.solve(new dev.neuralode.adjoint.TapeOdeSystem(initial, 1, 3),
                new double[] {1, 0, 0}, ts, options);
        OdeSolution after = OdeSolvers.solve(new dev.neuralode.adjoint.TapeOdeSystem(learned, 1, 3),
                new double[] {1, 0, 0}, ts, options);
        List<XYChart> charts = new ArrayList<>();
        String[] names = {"y1 (A)", "y2 (B) x 1e4", "y3 (C)"};
        double[] show = {1, 1e4, 1};
        for (int c = 0; c < 3; c++) {
            XYChart chart = Plots.xy("Robertson " + names[c], "t", names[c], 420, 360);
            chart.getStyler().setXAxisLogarithmic(true);
            double[] x = Arrays.copyOfRange(ts, 1, ts.length);
            double[] b = new double[nPts];
            double[] a = new double[nPts];
            for (int i = 0; i < nPts; i++) {
                b[i] = before.state(i + 1)[c] * show[c];
                a[i] = after.state(i + 1)[c] * show[c];
            }
            double[] ox = Arrays.copyOfRange(times, 1, times.length);
            double[] oy = new double[ox.length];
            for (int i = 0; i < ox.length; i++) {
                oy[i] = observed[i + 1][c] * show[c];
            }
            Plots.dashed(chart, "initial model", x, b, Plots.PALETTE[1]);
            Plots.line(chart, "learned", x, a, Plots.PALETTE[0], 2f);
            Plots.scatter(chart, "observed", ox, oy, Color.BLACK, 6);
            charts.add(chart);
        }
        saveGrid(charts, 1, 3, "stiff-trajectories.png");

        double[] its = new double[done];
        double[][] rel = new double[3][done];
        double[] truth = {K1, K2, K3};
        for (int i = 0; i < done; i++) {
            its[i] = i + 1;
            for (int p = 0; p < 3; p++) {
                rel[p][i] = Math.max(Math.abs(rates[p][i] - truth[p]) / truth[p], 1e-16);
            }
        }
        XYChart lossChart = Plots.logLog("Training loss (scaled mean squared error)", "iteration", "loss");
        double[] lf = new double[done];
        for (int i = 0; i < done; i++) {
            lf[i] = Math.max(losses[i], 1e-300);
        }
        Plots.line(lossChart, "loss", its, lf, Plots.PALETTE[0], 2f);
        XYChart rateChart = Plots.logLog("Relative error of the rate constants", "iteration", "|k - k_true| / k_true");
        String[] rn = {"k1", "k2", "k3 (network, at t = 1e5)"};
        for (int p = 0; p < 3; p++) {
            Plots.line(rateChart, rn[p], its, rel[p], Plots.PALETTE[p], 2f);
        }
        saveGrid(List.of(lossChart, rateChart), 1, 2, "stiff-progress.png");
    }
}
