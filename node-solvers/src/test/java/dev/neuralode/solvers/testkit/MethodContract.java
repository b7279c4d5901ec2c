package dev.neuralode.solvers.testkit;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.explicit.ContinuousExtension;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.Stepper;

import java.util.Arrays;
import java.util.Locale;

/**
 * The contract every ODE method of the registry passes, as plain checks that throw
 * {@link AssertionError} with a message naming the method, the condition and the numbers; usable
 * from JUnit, TestNG or a {@code main}. {@link #checkAll(Method)} runs every check that applies.
 *
 * <pre>{@code
 * ButcherTableau mine = new ButcherTableau("ssprk3", 3, 0, a, b, c, null, false)
 *         .withContinuousExtension(ContinuousExtension.of(2, weights));
 * MethodContract.checkAll(mine);   // tableau, interpolant, convergence and dense-output orders
 * }</pre>
 *
 * <p>What is checked:
 * <ul>
 *   <li>{@link #checkMethodFacts}: the orders a {@link Method} states are consistent;</li>
 *   <li>{@link #checkTableau}: {@code c_i = Σ_j a_ij}, {@code A} strictly lower triangular, the
 *       order conditions of {@code b} up to the stated order and a failing one at the next order,
 *       the same for the embedded solutions {@code b − e}, the FSAL flag, and that accessors
 *       copy;</li>
 *   <li>{@link #checkContinuousExtension}: continuity {@code w_j(1) = b_j}, the interpolant's order
 *       conditions at several θ, {@code w'} against finite differences of {@code w};</li>
 *   <li>{@link #checkConvergenceOrder}: the global error at fixed steps shrinks like
 *       {@code h^p};</li>
 *   <li>{@link #checkDenseOutputOrder}: the interpolant of one step from the exact solution is
 *       locally of order {@code denseOrder + 1};</li>
 *   <li>{@link #checkAnalyticProblem}: the {@link TestProblems#analytic()} problems are solved to
 *       a tolerance set by the method's order, forwards and backwards, with interior outputs;</li>
 *   <li>{@link #checkStiffProblem}, for a method that says it is implicit: the
 *       {@link TestProblems#stiff()} problems solved accurately in few steps.</li>
 * </ul>
 * Stateless and thread-safe; the checks allocate (they are tests).
 */
public final class MethodContract {

    /** Largest residual accepted for an order condition that must hold (rounding only). */
    public static final double HOLDS = 1e-12;

    /** Smallest residual of some condition of the next order: below it the stated order is too low. */
    public static final double FAILS = 1e-6;

    /** Largest error accepted for row sums, continuity and other identities of the coefficients. */
    public static final double IDENTITY = 1e-13;

    /** The positions θ inside a step at which interpolants are checked. */
    private static final double[] THETAS = {0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9};

    private MethodContract() {
    }

    // ------------------------------------------------------------------ all

    /**
     * Runs every check that applies: {@link #checkMethodFacts}; for a {@link ButcherTableau}
     * {@link #checkTableau(ButcherTableau)} and {@link #checkContinuousExtension}; then
     * {@link #checkConvergenceOrder}, {@link #checkDenseOutputOrder} and
     * {@link #checkAnalyticProblem} on every analytic problem in both directions. Takes well under
     * a second for a method of order 3 or more (order 1 needs small steps: a few seconds).
     *
     * @param method the method (registered or not)
     * @throws AssertionError naming the first check that fails
     */
    public static void checkAll(Method method) {
        checkMethodFacts(method);
        if (method instanceof ButcherTableau t) {
            checkTableau(t);
            checkContinuousExtension(t);
        }
        checkConvergenceOrder(method);
        checkDenseOutputOrder(method);
        for (TestProblems.Problem p : TestProblems.analytic()) {
            checkAnalyticProblem(method, p, true);
            checkAnalyticProblem(method, p, false);
        }
        if (method.isImplicit()) {
            for (TestProblems.Problem p : TestProblems.stiff()) {
                checkStiffProblem(method, p);
            }
        }
    }

    /**
     * Checks the facts a method states about itself: a non-blank lower-case name, {@code order ≥ 1},
     * {@code errorOrder ≥ 0}, {@code isAdaptive() == (errorOrder > 0)}, {@code controlOrder ≥ 1}
     * when adaptive, and {@code 1 ≤ denseOrder ≤ order} (the interpolant meets the step's end
     * value, whose local error is {@code O(h^(order+1))}, so it cannot be more accurate than the
     * method).
     *
     * @param method the method
     * @throws AssertionError naming the inconsistent fact
     */
    public static void checkMethodFacts(Method method) {
        if (method == null) {
            throw new AssertionError("method contract: the method is null");
        }
        String name = method.name();
        if (name == null || name.isBlank() || !name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new AssertionError("method contract: the name must be non-blank and lower case, got '" + name + "'");
        }
        require(method.order() >= 1, name, "order must be at least 1, got " + method.order());
        require(method.errorOrder() >= 0, name, "errorOrder must be >= 0, got " + method.errorOrder());
        require(method.isAdaptive() == (method.errorOrder() > 0), name, "isAdaptive() is " + method.isAdaptive()
                + " but errorOrder() is " + method.errorOrder());
        require(!method.isAdaptive() || method.controlOrder() >= 1, name,
                "an adaptive method needs controlOrder >= 1, got " + method.controlOrder());
        require(method.denseOrder() >= 1 && method.denseOrder() <= method.order(), name,
                "denseOrder must be in 1..order (" + method.order() + "), got " + method.denseOrder());
    }

    // ------------------------------------------------------------------ tableau

    /**
     * {@link #checkTableau(ButcherTableau, int)} with a secondary estimator, if any, of order 3
     * (DOP853's: Hairer, Nørsett, Wanner I, §II.10).
     *
     * @param t the tableau
     * @throws AssertionError naming the failing condition
     */
    public static void checkTableau(ButcherTableau t) {
        checkTableau(t, 3);
    }

    /**
     * Checks a Butcher tableau:
     * <ul>
     *   <li>row sums {@code c_i = Σ_j a_ij} to {@link #IDENTITY} and {@code a_ij = 0} for
     *       {@code j ≥ i};</li>
     *   <li>every order condition {@code Σ b_i Φ_i(t) = 1/γ(t)} with {@code ρ(t) ≤ p} holds to
     *       {@link #HOLDS}, and (for {@code p < 8}) some condition of order {@code p + 1} misses by
     *       more than {@link #FAILS}: the stated order is the true order;</li>
     *   <li>the same for the embedded solution {@code b̂ = b − e} at {@code errorOrder()} and, if
     *       present, for {@code b − e₂} at {@code secondaryErrorOrder}; a fixed-step tableau has no
     *       error weights;</li>
     *   <li>{@code isFsal()} exactly when {@code s > 1}, {@code c_s = 1}, {@code b_s = 0} and
     *       {@code a_sj = b_j};</li>
     *   <li>{@code a()}, {@code b()}, {@code c()}, the error weights and the extension's arrays are
     *       copies, and {@code a(i, j)} agrees with {@code a()}.</li>
     * </ul>
     *
     * @param t                   the tableau
     * @param secondaryErrorOrder the order of the secondary embedded solution (ignored without one)
     * @throws AssertionError naming the failing condition, the order and the residual
     */
    public static void checkTableau(ButcherTableau t, int secondaryErrorOrder) {
        checkMethodFacts(t);
        String name = t.name();
        int s = t.stages();
        double[][] a = t.a();
        double[] b = t.b();
        double[] c = t.c();
        require(a.length == s && b.length == s && c.length == s, name, "a, b, c must have " + s + " rows/entries");
        for (int i = 0; i < s; i++) {
            require(a[i].length == s, name, "row " + i + " of a() has " + a[i].length + " entries, expected " + s);
            double sum = 0;
            for (int j = 0; j < s; j++) {
                if (j >= i) {
                    require(a[i][j] == 0.0, name, "a[" + i + "][" + j + "] = " + a[i][j]
                            + " on or above the diagonal: an explicit method is strictly lower triangular");
                }
                sum += a[i][j];
                require(t.a(i, j) == a[i][j], name, "a(" + i + ", " + j + ") = " + t.a(i, j) + " but a()["
                        + i + "][" + j + "] = " + a[i][j]);
            }
            require(Math.abs(sum - c[i]) <= IDENTITY, name, "row-sum condition fails at row " + i + ": Σ_j a_ij = "
                    + sum + ", c_i = " + c[i]);
        }
        checkOrder(name, "solution weights b", a, b, t.order());
        if (!t.isAdaptive()) {
            require(t.errorWeights() == null && t.secondaryErrorWeights() == null, name,
                    "a fixed-step tableau must have no error weights");
        } else {
            checkOrder(name, "embedded weights b - e", a, minus(b, t.errorWeights()), t.errorOrder());
            if (t.secondaryErrorWeights() != null) {
                checkOrder(name, "secondary embedded weights b - e2", a, minus(b, t.secondaryErrorWeights()),
                        secondaryErrorOrder);
            }
        }
        boolean lastIsY1 = s > 1 && c[s - 1] == 1.0 && b[s - 1] == 0.0;
        for (int j = 0; j < s - 1 && lastIsY1; j++) {
            lastIsY1 = a[s - 1][j] == b[j];
        }
        require(t.isFsal() == lastIsY1, name, "isFsal() is " + t.isFsal() + " but the last stage "
                + (lastIsY1 ? "is" : "is not") + " f(t + h, y1) (c_s = 1, a_sj = b_j, b_s = 0)");
        checkCopies(t);
    }

    private static void checkOrder(String name, String what, double[][] a, double[] w, int order) {
        int top = Math.min(order, OrderConditions.MAX_ORDER);
        for (int p = 1; p <= top; p++) {
            double r = OrderConditions.worstResidual(a, w, p);
            require(r <= HOLDS, name, what + ": order conditions of order " + p + " fail (worst residual " + r
                    + " > " + HOLDS + ", over " + OrderConditions.treeCount(p) + " trees); stated order " + order);
        }
        if (order < OrderConditions.MAX_ORDER) {
            double r = OrderConditions.worstResidual(a, w, order + 1);
            require(r > FAILS, name, what + ": every order condition of order " + (order + 1)
                    + " holds (worst residual " + r + " <= " + FAILS + "); the stated order " + order + " is too low");
        }
    }

    private static void checkCopies(ButcherTableau t) {
        String name = t.name();
        double[][] a = t.a();
        double[] b = t.b();
        double[] c = t.c();
        double b0 = b[0];
        double c0 = c[0];
        double a00 = a[0][0];
        a[0][0] = 42;
        b[0] = 42;
        c[0] = 42;
        require(t.a()[0][0] == a00 && t.b()[0] == b0 && t.c()[0] == c0, name,
                "a(), b() and c() must return copies (writing into them changed the tableau)");
        double[] e = t.errorWeights();
        if (e != null) {
            double e0 = e[0];
            e[0] = 42;
            require(t.errorWeights()[0] == e0, name, "errorWeights() must return a copy");
        }
        double[] e2 = t.secondaryErrorWeights();
        if (e2 != null) {
            double v = e2[0];
            e2[0] = 42;
            require(t.secondaryErrorWeights()[0] == v, name, "secondaryErrorWeights() must return a copy");
        }
        ContinuousExtension ext = t.continuousExtension();
        double[][] w = ext.weights();
        double w00 = w[0][0];
        w[0][0] = 42;
        require(ext.weights()[0][0] == w00, name, "continuousExtension().weights() must return a copy");
    }

    // ------------------------------------------------------------------ continuous extension

    /**
     * Checks a tableau's continuous extension {@code y(t + θh) = y + h Σ_j w_j(θ) K_j} over the
     * extended stage list ({@link OrderConditions#extendedA}):
     * <ul>
     *   <li>one weight row per extended stage; the extra stages' row sums equal their nodes;</li>
     *   <li>continuity: {@code w_j(1) = b_j} for the tableau's stages and {@code w_j(1) = 0} beyond,
     *       to {@link #IDENTITY} (relative to the size of the weight coefficients);</li>
     *   <li>order: {@code Σ_j w_j(θ) Φ_j(t) = θ^ρ(t)/γ(t)} for every tree with {@code ρ(t) ≤ q =
     *       denseOrder()} at θ = 0.1, 0.25, ..., 0.9, to {@link #HOLDS} (relative), and (for
     *       {@code q < 8}) some condition of order {@code q + 1} misses by more than {@link #FAILS}
     *       at some θ;</li>
     *   <li>{@code w'(θ)} from {@link ContinuousExtension#weights(double, double[], double[])}
     *       agrees with central differences of {@code w} ({@code δ = 1e-5}) to 1e-7 relative.</li>
     * </ul>
     *
     * @param t the tableau
     * @throws AssertionError naming the stage, θ, the order and the residual
     */
    public static void checkContinuousExtension(ButcherTableau t) {
        String name = t.name();
        ContinuousExtension ext = t.continuousExtension();
        int s = t.stages();
        int total = t.extendedStages();
        require(ext.stageCount() == total, name, "the continuous extension has " + ext.stageCount()
                + " weight rows, the extended stage list " + total);
        require(ext.order() == t.denseOrder(), name, "denseOrder() " + t.denseOrder()
                + " differs from the extension's order " + ext.order());
        double[][] a = OrderConditions.extendedA(t);
        double[] c = OrderConditions.extendedC(t);
        for (int i = s; i < total; i++) {
            double sum = 0;
            for (double v : a[i]) {
                sum += v;
            }
            require(Math.abs(sum - c[i]) <= IDENTITY * 10, name, "extended stage " + i + ": row sum " + sum
                    + " differs from its node " + c[i]);
        }
        double scale = 1;
        for (double[] row : ext.weights()) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double[] w = new double[total];
        double[] dw = new double[total];
        ext.weights(1.0, w, dw);
        double[] b = t.b();
        for (int j = 0; j < total; j++) {
            double expected = j < s ? b[j] : 0.0;
            require(Math.abs(w[j] - expected) <= IDENTITY * scale, name, "continuity fails: w_" + j + "(1) = " + w[j]
                    + " but " + (j < s ? "b_" + j + " = " + expected : "stage " + j + " is beyond the tableau's "
                    + s + " stages, so it must be 0"));
        }
        int q = ext.order();
        int top = Math.min(q, OrderConditions.MAX_ORDER);
        double worstNext = 0;
        for (double theta : THETAS) {
            ext.weights(theta, w, dw);
            for (int p = 1; p <= top; p++) {
                double r = OrderConditions.worstResidual(a, w, p, theta);
                require(r <= HOLDS * scale, name, "dense output: order conditions of order " + p + " fail at θ = "
                        + theta + " (worst residual " + r + " > " + HOLDS * scale + "); stated dense order " + q);
            }
            if (q < OrderConditions.MAX_ORDER) {
                worstNext = Math.max(worstNext, OrderConditions.worstResidual(a, w, q + 1, theta));
            }
            double delta = 1e-5;
            double[] wp = new double[total];
            double[] wm = new double[total];
            ext.weights(theta + delta, wp, null);
            ext.weights(theta - delta, wm, null);
            for (int j = 0; j < total; j++) {
                double fd = (wp[j] - wm[j]) / (2 * delta);
                require(Math.abs(fd - dw[j]) <= 1e-7 * scale, name, "dense output: w'_" + j + "(" + theta + ") = "
                        + dw[j] + " but the central difference of w gives " + fd);
            }
        }
        if (q < OrderConditions.MAX_ORDER) {
            require(worstNext > FAILS, name, "dense output: every order condition of order " + (q + 1)
                    + " holds at every θ checked (worst residual " + worstNext + "); the stated dense order " + q
                    + " is too low");
        }
    }

    // ------------------------------------------------------------------ empirical orders

    /** {@code y0' = y0 cos t} (exact {@code e^(sin t)}), {@code y1' = −y1²} (exact {@code 1/(1 + t)}). */
    private static final OdeSystem ORDER_PROBLEM = (t, y, d) -> {
        d[0] = y[0] * Math.cos(t);
        d[1] = -y[1] * y[1];
    };

    private static double[] orderProblemExact(double t) {
        return new double[] {Math.exp(Math.sin(t)), 1 / (1 + t)};
    }

    /**
     * The observed global order of a method at fixed steps: {@code log2(e(h) / e(h/2))}, where
     * {@code e} is the max-norm error at {@code t = 2} of {@code y0' = y0 cos t, y1' = −y1²},
     * {@code y(0) = (1, 1)} (exact {@code (e^(sin t), 1/(1 + t))}), with {@code 20} steps for
     * order ≤ 4, 10 for orders 5–6 and 6 for order ≥ 7 (so that the errors stay above rounding). An
     * implicit method ({@link Method#isImplicit()}) runs with {@code rtol = 1e-11}, {@code atol = 1e-12},
     * to which a Newton-based one solves its stage equations at fixed steps too.
     *
     * @param method the method (adaptive methods run at the fixed step too)
     * @return the observed order
     */
    public static double observedConvergenceOrder(Method method) {
        int p = method.order();
        int base = p >= 7 ? 6 : p >= 5 ? 10 : 20;
        double e1 = globalError(method, base);
        double e2 = globalError(method, 2 * base);
        return Math.log(e1 / e2) / Math.log(2);
    }

    /**
     * Checks that the observed global order ({@link #observedConvergenceOrder}) lies in
     * {@code [p − 0.4, p + 1.5]}, {@code p = order()}.
     *
     * @param method the method
     * @throws AssertionError with the observed order and the two errors
     */
    public static void checkConvergenceOrder(Method method) {
        int p = method.order();
        int base = p >= 7 ? 6 : p >= 5 ? 10 : 20;
        double e1 = globalError(method, base);
        double e2 = globalError(method, 2 * base);
        double observed = Math.log(e1 / e2) / Math.log(2);
        require(observed >= p - 0.4 && observed <= p + 1.5, method.name(), "observed convergence order " + observed
                + " (errors " + e1 + " with " + base + " steps, " + e2 + " with " + 2 * base
                + ") is outside [" + (p - 0.4) + ", " + (p + 1.5) + "] for the stated order " + p);
    }

    private static double globalError(Method method, int steps) {
        double t1 = 2.0;
        SolverOptions.Builder b = SolverOptions.builder().method(method).stepSize(t1 / steps);
        if (method.isImplicit()) {
            b.rtol(1e-11).atol(1e-12);   // Newton-based methods solve their stages to the solve's tolerances
        }
        SolverOptions o = b.build();
        double[] y = OdeSolvers.solve(ORDER_PROBLEM, new double[] {1, 1}, new double[] {0, t1}, o).state(1);
        return maxAbsDiff(y, orderProblemExact(t1));
    }

    /** Start of the one-step dense-output experiment. */
    private static final double DENSE_T0 = 0.3;

    /** Errors below this are rounding, not truncation; pairs below it are not used. */
    private static final double DENSE_FLOOR = 2e-14;

    /**
     * The observed local order of a method's interpolant: one step of size {@code h} from the
     * exact solution of {@code y0' = y0 cos t, y1' = −y1²} at {@code t = 0.3} (non-autonomous, so
     * the stage times matter), the max-norm error of the interpolant at θ = 0.1, ..., 0.9 against
     * the exact solution, for {@code h = 0.5, 0.25, ..., 0.5/2⁸}; the result is
     * {@code log2(e(h)/e(h/2))} of the smallest pair of steps whose errors both exceed 2e-14
     * (truncation, not rounding: the rounding error of a step is below 1e-15 here). A step from the exact solution has no propagated error, so an
     * interpolant of order {@code q} shows the local order {@code q + 1}.
     *
     * @param method the method
     * @return the observed local order
     * @throws AssertionError if even the largest step's error is at rounding level, or the
     *                        interpolant does not reproduce the step's end points
     */
    public static double observedDenseOrder(Method method) {
        double[] errors = denseErrors(method);
        return denseOrderFrom(method.name(), errors);
    }

    /**
     * Checks the interpolant of one step from the exact solution ({@link #observedDenseOrder}): it
     * returns the start state at the start time and the step's end state at the end time exactly,
     * and its observed local order is at least {@code denseOrder() + 1 − 0.4}.
     *
     * @param method the method
     * @throws AssertionError with the observed order and the errors
     */
    public static void checkDenseOutputOrder(Method method) {
        double[] errors = denseErrors(method);
        double observed = denseOrderFrom(method.name(), errors);
        int q = method.denseOrder();
        require(observed >= q + 1 - 0.4, method.name(), "observed local order of the dense output " + observed
                + " is below " + (q + 1 - 0.4) + " = denseOrder + 1 - 0.4 for the stated dense order " + q
                + " (interpolation errors for h = 0.5/2^k: " + Arrays.toString(errors) + ")");
    }

    private static double[] denseErrors(Method method) {
        double[] errors = new double[9];
        for (int k = 0; k < errors.length; k++) {
            errors[k] = denseError(method, 0.5 / (1 << k));
        }
        return errors;
    }

    private static double denseOrderFrom(String name, double[] errors) {
        int last = -1;
        for (int k = 0; k + 1 < errors.length; k++) {
            if (errors[k] > DENSE_FLOOR && errors[k + 1] > DENSE_FLOOR) {
                last = k;
            }
        }
        require(last >= 0, name, "dense output: the interpolation errors are at rounding level already for h = 0.5"
                + " (" + Arrays.toString(errors) + "): no order can be observed");
        return Math.log(errors[last] / errors[last + 1]) / Math.log(2);
    }

    private static double denseError(Method method, double h) {
        double[] y0 = orderProblemExact(DENSE_T0);
        Stepper stepper = method.newStepper(ORDER_PROBLEM, 2);
        stepper.reset(DENSE_T0, y0, DENSE_T0);
        double tEnd = DENSE_T0 + h;
        stepper.attempt(tEnd - DENSE_T0, tEnd, false);
        double[] proposal = stepper.proposal().clone();
        StepInterpolator step = stepper.accept();
        double[] out = new double[2];
        step.state(step.startTime(), out);
        require(Arrays.equals(out, y0), method.name(), "dense output at the step's start " + Arrays.toString(out)
                + " differs from the start state " + Arrays.toString(y0));
        step.state(step.endTime(), out);
        require(Arrays.equals(out, proposal), method.name(), "dense output at the step's end "
                + Arrays.toString(out) + " differs from the accepted state " + Arrays.toString(proposal));
        double worst = 0;
        for (double theta : THETAS) {
            double t = DENSE_T0 + theta * h;
            step.state(t, out);
            worst = Math.max(worst, maxAbsDiff(out, orderProblemExact(t)));
        }
        return worst;
    }

    // ------------------------------------------------------------------ analytic problems

    /**
     * Solves one analytic problem with outputs at 7 equally spaced times (5 of them interior, so
     * they come from the dense output) and checks every output against the exact solution:
     * {@code |y_j − exact_j| / (1 + |exact_j|) < tol}, where for an adaptive method
     * {@code rtol = 1e-9} (order ≥ 5) or {@code 1e-6}, {@code atol = rtol/100}, {@code tol = 2000 rtol};
     * for a fixed-step one {@code h = 1e-4, 2e-3, 1e-2} for order 1, 2, ≥ 3 and {@code tol = 5e-2}
     * for order 1, {@code 5e-4} otherwise. The first output must equal the initial state exactly.
     *
     * @param method  the method
     * @param problem the problem, for example {@link TestProblems#HARMONIC}
     * @param forward whether to solve from {@code t0} to {@code t1} or backwards from {@code t1}
     * @throws AssertionError naming the problem, the direction, the time and the component
     */
    public static void checkAnalyticProblem(Method method, TestProblems.Problem problem, boolean forward) {
        double start = forward ? problem.t0() : problem.t1();
        double end = forward ? problem.t1() : problem.t0();
        int m = 7;
        double[] times = new double[m];
        for (int i = 0; i < m; i++) {
            times[i] = start + (end - start) * i / (m - 1.0);
        }
        SolverOptions.Builder b = SolverOptions.builder().method(method);
        double tol;
        if (method.isAdaptive()) {
            double rtol = method.order() >= 5 ? 1e-9 : 1e-6;
            b.rtol(rtol).atol(rtol * 1e-2);
            tol = rtol * 2e3;
        } else {
            double h = method.order() == 1 ? 1e-4 : method.order() == 2 ? 2e-3 : 1e-2;
            b.stepSize(h);
            tol = method.order() == 1 ? 5e-2 : 5e-4;
        }
        double[] y0 = problem.exact(start);
        OdeSolution sol = OdeSolvers.solve(problem.system(), y0, times, b.build());
        String where = problem.name() + (forward ? " forwards" : " backwards");
        require(Arrays.equals(sol.state(0), y0), method.name(), where + ": the first output "
                + Arrays.toString(sol.state(0)) + " is not the initial state " + Arrays.toString(y0));
        for (int i = 1; i < m; i++) {
            double[] ex = problem.exact(times[i]);
            double[] got = sol.state(i);
            for (int j = 0; j < ex.length; j++) {
                double err = Math.abs(got[j] - ex[j]) / (1 + Math.abs(ex[j]));
                require(err < tol, method.name(), where + ": at t = " + times[i] + " component " + j + " is " + got[j]
                        + ", exact " + ex[j] + " (scaled error " + err + " >= " + tol + ")");
            }
        }
        require(sol.stats().acceptedSteps() > 0, method.name(), where + ": no step was accepted");
    }

    /**
     * Checks an implicit method on a stiff problem with an exact solution: solved forwards with
     * {@code rtol = 1e-6} (order ≥ 4) or {@code 1e-4}, {@code atol = rtol/1000}, outputs at 7 equally
     * spaced times that are also step times (in the smooth phase of a stiff problem the steps are long
     * and an interpolant's error is not what the error control bounds), every output within
     * {@code |y_j − exact_j| / (1 + |exact_j|) < 100 rtol}, in at most 2000 steps (an explicit method
     * would need more than 10⁶ on either of {@link TestProblems#stiff()}).
     *
     * @param method  the method; should say {@link Method#isImplicit()}
     * @param problem the problem, for example {@link TestProblems#PROTHERO_ROBINSON}
     * @throws AssertionError naming the problem, the time, the component or the step count
     */
    public static void checkStiffProblem(Method method, TestProblems.Problem problem) {
        int m = 7;
        double[] times = new double[m];
        for (int i = 0; i < m; i++) {
            times[i] = problem.t0() + (problem.t1() - problem.t0()) * i / (m - 1.0);
        }
        double[] y0 = problem.exact(problem.t0());
        double rtol = method.order() >= 4 ? 1e-6 : 1e-4;
        double tol = 100 * rtol;
        OdeSolution sol;
        try {
            sol = OdeSolvers.solve(problem.system(), y0, times, SolverOptions.builder().method(method).rtol(rtol)
                    .atol(rtol * 1e-3).stepTimes(times).maxSteps(2000).build());
        } catch (dev.neuralode.core.OdeSolveException e) {
            throw new AssertionError(method.name() + ": stiff problem " + problem.name() + " failed: " + e.getMessage(), e);
        }
        for (int i = 1; i < m; i++) {
            double[] ex = problem.exact(times[i]);
            double[] got = sol.state(i);
            for (int j = 0; j < ex.length; j++) {
                double err = Math.abs(got[j] - ex[j]) / (1 + Math.abs(ex[j]));
                require(err < tol, method.name(), "stiff problem " + problem.name() + ": at t = " + times[i]
                        + " component " + j + " is " + got[j] + ", exact " + ex[j] + " (scaled error " + err + ")");
            }
        }
    }

    // ------------------------------------------------------------------ registry

    /**
     * Checks that a method is registered under its name: {@link OdeSolvers#method(String)} returns
     * this very method for its name in lower and upper case, and {@link OdeSolvers#methods()}
     * lists it.
     *
     * @param method the method
     * @throws AssertionError if the registry does not return it
     */
    public static void checkRegistered(Method method) {
        String name = method.name();
        require(OdeSolvers.methods().contains(name), name, "not listed by OdeSolvers.methods() "
                + OdeSolvers.methods());
        require(OdeSolvers.method(name) == method, name, "OdeSolvers.method(\"" + name
                + "\") returns a different object");
        require(OdeSolvers.method(name.toUpperCase(Locale.ROOT)) == method, name,
                "the registry lookup is not case-insensitive");
    }

    // ------------------------------------------------------------------ helpers

    private static void require(boolean ok, String method, String message) {
        if (!ok) {
            throw new AssertionError(method + ": " + message);
        }
    }

    private static double[] minus(double[] x, double[] y) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] - y[i];
        }
        return r;
    }

    private static double maxAbsDiff(double[] x, double[] y) {
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }
}
