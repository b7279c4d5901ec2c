package dev.neuralode.examples;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Euler's method and the order of a Runge–Kutta method, on the linear test problem
 * {@code dy/dt = y - t² + 1} whose exact solution is {@code y(t) = (t + 1)² + (y(0) - 1) eᵗ}
 * (Burden &amp; Faires, Numerical Analysis, §5.2).
 *
 * <p>Euler's method takes {@code y_{k+1} = y_k + h f(t_k, y_k)}: it follows the tangent for a
 * step of length {@code h}. Its global error shrinks like {@code h}; a method of order {@code p}
 * shrinks it like {@code hᵖ}, which is a straight line of slope {@code p} on a log-log plot. The
 * demo draws Euler's solution for several step sizes and initial conditions against the exact
 * curve, then the error at the final time against the step size for euler (order 1), rk4
 * (order 4) and dopri5 run at fixed steps (order 5), and the error against the work (function
 * evaluations) including adaptive dopri5 at decreasing tolerances.
 */
@Command(name = "euler", mixinStandardHelpOptions = true,
        description = {"Euler's method vs the exact solution of dy/dt = y - t^2 + 1, then the error "
                + "against the step size for euler, rk4 and dopri5 on log-log axes (their orders 1, 4, 5).",
                "Plots: euler-steps.png, euler-initial-conditions.png, euler-convergence.png, euler-work.png"})
public final class EulerDemo extends Demo {

    @Option(names = "--t-end", defaultValue = "2.0", paramLabel = "T",
            description = "final time of the solves (default: ${DEFAULT-VALUE})")
    double tEnd;

    @Option(names = "--step-sizes", split = ",", defaultValue = "0.5,0.25,0.1", paramLabel = "H",
            description = "Euler step sizes drawn against the exact curve (default: ${DEFAULT-VALUE})")
    double[] stepSizes;

    @Option(names = "--initial", split = ",", defaultValue = "-0.5,0,0.5,1,1.5", paramLabel = "Y0",
            description = "initial conditions y(0) of the second plot (default: ${DEFAULT-VALUE})")
    double[] initial;

    @Option(names = "--levels", defaultValue = "8", paramLabel = "K",
            description = "step sizes in the convergence study: h = T/8 / 2^k, k < K (default: ${DEFAULT-VALUE})")
    int levels;

    /** The test problem's right-hand side. */
    static final OdeSystem F = (t, y, dydt) -> dydt[0] = y[0] - t * t + 1;

    /**
     * The exact solution.
     *
     * @param t  time
     * @param y0 initial value at {@code t = 0}
     * @return {@code y(t)}
     */
    static double exact(double t, double y0) {
        return (t + 1) * (t + 1) + (y0 - 1) * Math.exp(t);
    }

    @Override
    protected void validate() {
        requirePositive("--t-end", tEnd);
        for (double h : stepSizes) {
            requirePositive("--step-sizes", h);
        }
        for (double h : stepSizes) {
            // the plotted Euler solutions store every step
            requireAtMost("--step-sizes", (long) Math.ceil(tEnd / h), MAX_PLOTTED_STEPS,
                    "steps of --t-end / h; got h = " + h);
        }
        requireAtLeast("--levels", levels, 1);
        requireAtMost("--levels", levels, MAX_LEVELS, "the finest level takes 8 * 2^(K-1) steps");
    }

    /** Largest {@code --levels}: the finest level takes 8 · 2^19 ≈ 4.2 million Euler steps. */
    static final int MAX_LEVELS = 20;

    /** Most steps of a plotted Euler solution ({@code --t-end / h}). */
    static final long MAX_PLOTTED_STEPS = 100_000;

    /** The problem has no randomness: {@code --seed} is not offered. */
    @Override
    protected boolean usesSeed() {
        return false;
    }

    @Override
    protected DemoResult run() throws Exception {
        double c = 0.5;
        double[] tf = linspace(0, tEnd, 201);

        // 1. Euler for several step sizes against the exact curve
        XYChart steps = Plots.xy("Euler's method, dy/dt = y - t\u00b2 + 1, y(0) = 0.5", "t", "y");
        Plots.line(steps, "exact", tf, map(tf, t -> exact(t, c)), Color.BLACK, 2.5f);
        int colour = 0;
        for (double h : stepSizes) {
            double[] grid = grid(tEnd, h);
            OdeSolution sol = OdeSolvers.solve(F, new double[] {c}, grid, fixed("euler", h));
            double[] y = column(sol);
            Plots.lineWithMarkers(steps, "euler h=" + h, grid, y, Plots.PALETTE[colour++ % 10]);
            log.info("euler h={} y({})={} exact={} error={}", h, tEnd, fmt(y[y.length - 1]),
                    fmt(exact(tEnd, c)), fmt(Math.abs(y[y.length - 1] - exact(tEnd, c))));
        }
        steps.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        save(steps, "euler-steps.png");

        // 2. several initial conditions, Euler h = 0.1 dashed against the exact curves
        XYChart ics = Plots.xy("Initial conditions: exact (solid) vs Euler h=0.1 (dots)", "t", "y");
        ics.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        double h0 = 0.1;
        double[] g0 = grid(tEnd, h0);
        colour = 0;
        for (double y0 : initial) {
            Color col = Plots.PALETTE[colour++ % 10];
            Plots.line(ics, "y(0)=" + y0, tf, map(tf, t -> exact(t, y0)), col, 2f);
            OdeSolution sol = OdeSolvers.solve(F, new double[] {y0}, g0, fixed("euler", h0));
            Plots.scatter(ics, "euler y(0)=" + y0, g0, column(sol), col, 6).setShowInLegend(false);
        }
        save(ics, "euler-initial-conditions.png");

        // 3. error at tEnd against the step size: the slope is the order
        String[] methods = {"euler", "rk4", "dopri5"};
        XYChart conv = Plots.logLog("Global error at t=" + tEnd + " vs step size (slope = order)",
                "step size h", "|y(T) - exact|");
        XYChart work = Plots.logLog("Error vs work", "function evaluations", "|y(T) - exact|");
        work.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        Map<String, Double> figures = new LinkedHashMap<>();
        double yT = exact(tEnd, c);
        colour = 0;
        for (String m : methods) {
            double[] hs = new double[levels];
            double[] errs = new double[levels];
            double[] nfes = new double[levels];
            for (int k = 0; k < levels; k++) {
                double h = tEnd / 8 / Math.pow(2, k);
                OdeSolution sol = OdeSolvers.solve(F, new double[] {c}, new double[] {0, tEnd}, fixed(m, h));
                hs[k] = h;
                // floor at 1e-16 so a log axis can draw an exact hit
                errs[k] = Math.max(1e-16, Math.abs(sol.state(1)[0] - yT));
                nfes[k] = sol.stats().functionEvaluations();
            }
            double order = slope(hs, errs);
            figures.put("order_" + m, order);
            Color col = Plots.PALETTE[colour++ % 10];
            Plots.lineWithMarkers(conv, String.format(Locale.ROOT, "%s (slope %.2f)", m, order), hs, errs, col);
            Plots.lineWithMarkers(work, m + " fixed step", nfes, errs, col);
            log.info("{}: fitted order {} (error {} at h={} .. {} at h={})", m, fmt(order), fmt(errs[0]),
                    fmt(hs[0]), fmt(errs[levels - 1]), fmt(hs[levels - 1]));
        }
        // adaptive dopri5: error and work as the tolerance tightens
        int nTol = Math.max(2, levels);
        double[] tolErr = new double[nTol];
        double[] tolNfe = new double[nTol];
        double nfeAt1e8 = Double.NaN;
        for (int k = 0; k < nTol; k++) {
            double rtol = Math.pow(10, -3 - 9.0 * k / (nTol - 1));
            OdeSolution sol = OdeSolvers.solve(F, new double[] {c}, new double[] {0, tEnd},
                    SolverOptions.builder().method("dopri5").rtol(rtol).atol(rtol * 1e-2).build());
            tolErr[k] = Math.max(1e-16, Math.abs(sol.state(1)[0] - yT));
            tolNfe[k] = sol.stats().functionEvaluations();
        }
        SolverOptions at1e8 = SolverOptions.builder().method("dopri5").rtol(1e-8).atol(1e-10).build();
        OdeSolution s8 = OdeSolvers.solve(F, new double[] {c}, new double[] {0, tEnd}, at1e8);
        nfeAt1e8 = s8.stats().functionEvaluations();
        Plots.lineWithMarkers(work, "dopri5 adaptive (rtol 1e-3..1e-12)", tolNfe, tolErr, Plots.PALETTE[3]);
        save(conv, "euler-convergence.png");
        save(work, "euler-work.png");

        double eulerErr = Math.abs(column(OdeSolvers.solve(F, new double[] {c}, grid(tEnd, 0.1),
                fixed("euler", 0.1)))[grid(tEnd, 0.1).length - 1] - yT);
        figures.put("euler_error_h0.1", eulerErr);
        figures.put("dopri5_nfe_rtol1e-8", nfeAt1e8);
        figures.put("dopri5_error_rtol1e-8", Math.abs(s8.state(1)[0] - yT));
        String summary = String.format(Locale.ROOT,
                "euler: order_euler=%.2f order_rk4=%.2f order_dopri5=%.2f euler_error_h0.1=%.3e "
                        + "dopri5_rtol1e-8_nfe=%.0f dopri5_rtol1e-8_error=%.2e",
                figures.get("order_euler"), figures.get("order_rk4"), figures.get("order_dopri5"),
                eulerErr, nfeAt1e8, figures.get("dopri5_error_rtol1e-8"));
        return new DemoResult("euler", summary, figures, images());
    }

    /**
     * The least-squares slope of {@code log err} against {@code log h}, over the points whose
     * error is above round-off (1e-12); NaN when fewer than two such points remain.
     */
    static double slope(double[] h, double[] err) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < h.length; i++) {
            if (err[i] > 1e-12) {
                pts.add(new double[] {Math.log(h[i]), Math.log(err[i])});
            }
        }
        if (pts.size() < 2) {
            return Double.NaN;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : pts) {
            mx += p[0];
            my += p[1];
        }
        mx /= pts.size();
        my /= pts.size();
        double sxy = 0;
        double sxx = 0;
        for (double[] p : pts) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxy / sxx;
    }

    private static SolverOptions fixed(String method, double h) {
        // above the most steps validate() lets through (8 * 2^(MAX_LEVELS - 1)), not the solver's default limit
        long steps = 8L << MAX_LEVELS;
        return SolverOptions.builder().method(method).stepSize(h).maxSteps(steps).build();
    }

    /** The step grid 0, h, 2h, ..., T (h must divide T up to round-off). */
    private static double[] grid(double tEnd, double h) {
        int n = (int) Math.round(tEnd / h);
        double[] g = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            g[i] = i == n ? tEnd : i * h;
        }
        return g;
    }

    static double[] linspace(double a, double b, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = a + (b - a) * i / (n - 1);
        }
        return x;
    }

    private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        return y;
    }

    private static double[] column(OdeSolution sol) {
        double[] y = new double[sol.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = sol.state(i)[0];
        }
        return y;
    }
}
