package dev.neuralode.adjoint.testkit;

import dev.neuralode.adjoint.BackwardResult;
import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.ForwardPass;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.adjoint.TapeOdeSystem;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The contract every {@link GradientMethod} passes, as plain checks that throw
 * {@link AssertionError} with a message naming the method, the check, the problem and the
 * numbers; usable from JUnit, TestNG or a {@code main}. {@link #checkAll(GradientMethod)} runs them
 * all.
 *
 * <pre>{@code
 * GradientMethod mine = new MyGradientMethod();
 * GradientMethodContract.checkAll(mine);                              // reference: direct()
 * GradientMethodContract.checkAll(mine, GradientMethod.checkpointed()); // another reference
 * }</pre>
 *
 * <p>Each problem is a loss {@code L = Σ_i sum(W_i ⊙ y(t_i))} of one solve (see
 * {@link GradientProblems}); the method's gradients {@code dL/dy0}, {@code dL/dθ} and
 * {@code dL/dt_i} are taken through the tape ({@link Gradients#compute}), so the checks exercise
 * the method exactly as {@link OdeSolve#solve} uses it. Errors are relative to the reference's
 * scale, {@code max_k |a_k - b_k| / max(1, max_k |b_k|)} ({@link Gradients#relativeError}); a NaN
 * error fails.
 *
 * <p>What is checked:
 * <ul>
 *   <li>{@link #checkFiniteDifferences}: central finite differences of the whole solve for a
 *       seeded MLP dynamics, forwards and backwards in time, one and several output times;</li>
 *   <li>{@link #checkForwardStates}: {@link GradientMethod#forward} returns the states of the
 *       plain {@link OdeSolvers#solve}, does not modify its inputs, with or without keeping;</li>
 *   <li>{@link #checkStats}: the gradient lengths and the work counters of
 *       {@link GradientStats};</li>
 *   <li>{@link #checkLinearClosedForm}: {@code dy/dt = A y} against the matrix exponential
 *       (gradients for {@code y0}, {@code A} and the times, and the loss) and finite
 *       differences;</li>
 *   <li>{@link #checkAccumulation} and {@link #checkRepeatedBackward}: parameter gradients add up
 *       across two backward calls, and one solve swept twice gives the same gradients after other
 *       solves ran in between;</li>
 *   <li>{@link #checkNonFiniteBackward}: a NaN in the backward pass is a
 *       {@link NonFiniteStateException} naming the backward pass and the time;</li>
 *   <li>{@link #checkOneOutputTime}: a solve with one output time is the identity;</li>
 *   <li>{@link #checkAgreement}: agreement with a reference method on the spiral MLP, within bounds
 *       that tighten with the tolerance;</li>
 *   <li>{@link #checkRandomTimeGrids}: seeded random output grids (both directions, intervals down
 *       to a few ulps): finite gradients that agree with a reference method.</li>
 * </ul>
 * The tolerances are the constants below: those the built-in methods are tested with.
 *
 * <p>Stateless and thread-safe, as long as the method under test is; the checks allocate freely
 * (they are tests). {@link #checkAll} takes well under a second for a built-in method (a few
 * seconds for the forward-sensitivity example, whose augmented state is large).
 */
public final class GradientMethodContract {

    /** The step {@code ε} of the central finite differences. */
    public static final double FD_STEP = 1e-5;

    /** Largest relative error of a gradient against finite differences at {@link GradientProblems#TIGHT}. */
    public static final double FD_TOLERANCE = 1e-5;

    /** Largest relative error of a gradient against the closed form of {@code dy/dt = A y}. */
    public static final double CLOSED_FORM_TOLERANCE = 1e-7;

    /** Largest absolute error of the loss of {@code dy/dt = A y} against the closed form. */
    public static final double CLOSED_FORM_LOSS_TOLERANCE = 1e-8;

    /** Largest absolute error of a parameter gradient accumulated over two backward calls. */
    public static final double ACCUMULATION_TOLERANCE = 1e-9;

    /** Largest absolute difference between two backward sweeps of one solve. */
    public static final double REPEAT_TOLERANCE = 1e-12;

    /** Largest reconstruction error a method may report at {@link GradientProblems#TIGHT} (if it reports one). */
    public static final double RECONSTRUCTION_TOLERANCE = 1e-6;

    /** The relative tolerances of {@link #checkAgreement}: loose, middle, tight. */
    private static final double[] AGREEMENT_RTOL = {1e-4, 1e-6, 1e-8};

    /** The bounds of {@link #checkAgreement} at {@link #AGREEMENT_RTOL}. */
    private static final double[] AGREEMENT_BOUND = {1e-1, 1e-3, 1e-5};

    /**
     * Below this disagreement two methods agree to rounding, and {@link #checkAgreement} does not
     * require it to shrink further.
     */
    public static final double AGREEMENT_FLOOR = 1e-10;

    /** The options of {@link #checkRandomTimeGrids}: dopri5 at {@code rtol = 1e-8}, {@code atol = 1e-10}. */
    public static final SolverOptions GRID_OPTIONS =
            SolverOptions.builder().method("dopri5").rtol(1e-8).atol(1e-10).build();

    /** Largest relative disagreement with the reference on a random time grid. */
    public static final double GRID_TOLERANCE = 1e-5;

    /** The number of random grids {@link #checkAll} runs. */
    public static final int GRIDS = 60;

    /** The seed of the random grids {@link #checkAll} runs. */
    public static final long GRID_SEED = 20261202L;

    private GradientMethodContract() {
    }

    // ------------------------------------------------------------------ all

    /**
     * {@link #checkAll(GradientMethod, GradientMethod)} with {@link GradientMethod#direct()} as the
     * reference.
     *
     * @param method the method under test
     * @throws AssertionError naming the first check that fails
     */
    public static void checkAll(GradientMethod method) {
        checkAll(method, GradientMethod.direct());
    }

    /**
     * Runs every check: finite differences, forward states, stats, the linear closed form,
     * accumulation, repeated backward, a non-finite backward state, one output time, agreement with
     * {@code reference} on the spiral MLP and {@link #GRIDS} random time grids against
     * {@code reference}. For a method that is a variant of the reference (for example
     * {@code direct(0)} against {@code direct()}), pass another reference: agreement to rounding
     * passes, but checks little.
     *
     * @param method    the method under test
     * @param reference the method to agree with (trusted: it is not checked itself)
     * @throws AssertionError naming the first check that fails
     */
    public static void checkAll(GradientMethod method, GradientMethod reference) {
        requireMethod(method);
        checkFiniteDifferences(method);
        checkForwardStates(method);
        checkStats(method);
        checkLinearClosedForm(method);
        checkAccumulation(method);
        checkRepeatedBackward(method);
        checkNonFiniteBackward(method);
        checkOneOutputTime(method);
        checkAgreement(method, reference);
        checkRandomTimeGrids(method, reference, GRIDS, GRID_SEED);
    }

    // ------------------------------------------------------------------ finite differences

    /**
     * Checks the gradients against central finite differences of the whole solve
     * ({@link Gradients#finiteDifferences}, step {@link #FD_STEP}) on the MLP problems
     * {@link GradientProblems#mlpProblems()}: the time-dependent MLP forwards
     * ({@code 0, 0.4, 1}) and backwards in time ({@code 1, 0.5, -0.2}), and the autonomous one with
     * one interval ({@code 0, 0.7}); each gradient within {@link #FD_TOLERANCE}.
     *
     * @param method the method
     * @throws AssertionError naming the problem, the gradient, the error and the worst entry
     */
    public static void checkFiniteDifferences(GradientMethod method) {
        requireMethod(method);
        for (GradientProblems.Problem p : GradientProblems.mlpProblems()) {
            checkFiniteDifferences(method, p, FD_TOLERANCE);
        }
    }

    /**
     * Checks the gradients of one problem against central finite differences (step
     * {@link #FD_STEP}); the problem's options must be tight enough for the differences to be
     * accurate (the solver's error divided by the step).
     *
     * @param method    the method
     * @param problem   the problem
     * @param tolerance the largest relative error of each gradient
     * @throws AssertionError naming the problem, the gradient, the error and the worst entry
     */
    public static void checkFiniteDifferences(GradientMethod method, GradientProblems.Problem problem,
                                              double tolerance) {
        requireMethod(method);
        Gradients got = compute(method, "finite differences", problem);
        Gradients fd = Gradients.finiteDifferences(problem, FD_STEP);
        compare(method, "finite differences", problem, got, fd, "central finite differences", tolerance);
    }

    // ------------------------------------------------------------------ forward

    /**
     * {@link #checkForwardStates(GradientMethod, double)} with tolerance 0: the forward states are
     * exactly those of the plain solve (a method that only observes the solve, with step handlers,
     * or solves with the same options, passes).
     *
     * @param method the method
     * @throws AssertionError naming the output, the component and both values
     */
    public static void checkForwardStates(GradientMethod method) {
        checkForwardStates(method, 0.0);
    }

    /**
     * Calls {@link GradientMethod#forward} directly on a {@link TapeOdeSystem} of the
     * time-dependent MLP (batch 2), forwards ({@code 0, 0.5, 1}) and backwards in time
     * ({@code 1, 0.4, -0.3}), with {@code keep} true and false, and checks: the states have length
     * {@code m·n}, the first block is {@code y0} exactly, every state is within {@code tolerance}
     * (absolute) of {@link OdeSolvers#solve} with the same options, {@code y0} and the times are not
     * modified, the forward stats count at least one evaluation and step, and
     * {@link ForwardPass#storedDoubles()} is not negative.
     *
     * @param method    the method
     * @param tolerance the largest absolute difference from the plain solve's states
     * @throws AssertionError naming the output, the component and both values
     */
    public static void checkForwardStates(GradientMethod method, double tolerance) {
        requireMethod(method);
        String check = "forward states";
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 8, 7, true);
        double[] y0 = GradientProblems.mlpY0().data;
        for (double[] times : new double[][] {{0.0, 0.5, 1.0}, {1.0, 0.4, -0.3}}) {
            OdeSolution plain = OdeSolvers.solve(new TapeOdeSystem(f, 2, 2), y0.clone(), times.clone(),
                    GradientProblems.TIGHT);
            for (boolean keep : new boolean[] {true, false}) {
                String where = "times " + Arrays.toString(times) + ", keep=" + keep;
                double[] y0Arg = y0.clone();
                double[] timesArg = times.clone();
                ForwardPass pass = method.forward(new TapeOdeSystem(f, 2, 2), y0Arg, timesArg,
                        GradientProblems.TIGHT, keep);
                require(pass != null, method, check, where + ": forward returned null");
                require(Arrays.equals(y0Arg, y0), method, check, where + ": forward modified y0");
                require(Arrays.equals(timesArg, times), method, check, where + ": forward modified the times");
                double[] states = pass.states();
                int n = y0.length;
                require(states != null && states.length == times.length * n, method, check, where
                        + ": states() has length " + (states == null ? "null" : states.length) + ", expected m·n = "
                        + times.length * n);
                for (int k = 0; k < n; k++) {
                    require(states[k] == y0[k], method, check, where + ": the first state block must be y0 exactly; "
                            + "component " + k + " is " + states[k] + ", y0 has " + y0[k]);
                }
                for (int i = 1; i < times.length; i++) {
                    double[] expected = plain.state(i);
                    for (int k = 0; k < n; k++) {
                        double d = Math.abs(states[i * n + k] - expected[k]);
                        require(d <= tolerance, method, check, where + ": state at t=" + times[i] + " component "
                                + k + " is " + states[i * n + k] + ", OdeSolvers.solve gives " + expected[k]
                                + " (difference " + d + " > " + tolerance + ")");
                    }
                }
                require(pass.stats() != null && pass.stats().functionEvaluations() > 0
                        && pass.stats().acceptedSteps() > 0, method, check, where
                        + ": the forward stats must count the solve's evaluations and steps, got " + pass.stats());
                require(pass.storedDoubles() >= 0, method, check, where + ": storedDoubles() is "
                        + pass.storedDoubles());
            }
        }
    }

    /**
     * Solves the autonomous MLP through {@link OdeSolve#solve} ({@code 0, 0.5, 1}) and checks the
     * result and the {@link GradientStats}: three outputs, the first equal to {@code y0}, forward
     * evaluations counted and no backward work before the backward sweep; afterwards
     * {@code backwardDone}, at least one backward evaluation and step,
     * {@code peakStoredDoubles >= storedDoubles}, and a reconstruction error that is NaN (not
     * reported) or in {@code [0, }{@link #RECONSTRUCTION_TOLERANCE}{@code ]}. Also checks, on
     * {@link ForwardPass#backward} directly, that the gradients have the lengths {@code n},
     * {@code p} and {@code m} and the backward stats are filled.
     *
     * @param method the method
     * @throws AssertionError naming the counter and its value
     */
    public static void checkStats(GradientMethod method) {
        requireMethod(method);
        String check = "stats";
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 8, 7, false);
        Tape tape = new Tape();
        DMatrixRMaj y0 = GradientProblems.mlpY0();
        double[] times = {0, 0.5, 1.0};
        OdeSolveResult r = OdeSolve.solve(f, tape.variable(y0.copy()), times, GradientProblems.TIGHT, method);
        require(r.size() == 3 && r.stacked().rows() == 6 && r.stacked().cols() == 2, method, check,
                "three outputs of 2x2 stacked into 6x2 expected, got " + r.size() + " outputs, "
                        + r.stacked().shapeString());
        require(Arrays.equals(r.at(0).value().data, y0.data), method, check, "the first output must be y0, got "
                + Arrays.toString(r.at(0).value().data) + " for " + Arrays.toString(y0.data));
        GradientStats before = r.stats();
        require(before.forwardEvaluations() > 0 && before.forwardSteps() > 0, method, check,
                "forward evaluations and steps must be counted, got " + before);
        require(!before.backwardDone() && before.backwardEvaluations() == 0 && before.backwardSteps() == 0, method,
                check, "no backward work before the backward sweep, got " + before);
        tape.backward(r.at(2).sum());
        GradientStats s = r.stats();
        require(s.backwardDone(), method, check, "backwardDone must be true after the sweep, got " + s);
        require(s.backwardEvaluations() > 0, method, check, "backward evaluations must be counted, got " + s);
        // a method that computes sensitivities forwards (GradientMethod.forwardSensitivity()) solves
        // nothing backwards; every other one must count the steps of its backward solves
        require(s.backwardSteps() > 0 || s.forwardEvaluations() > before.forwardEvaluations() - 1
                && s.backwardEvaluations() > 0 && method.name().startsWith("forwardSensitivity"), method, check,
                "backward steps must be counted, got " + s);
        require(s.storedDoubles() >= 0 && s.peakStoredDoubles() >= s.storedDoubles(), method, check,
                "peakStoredDoubles must be at least storedDoubles >= 0, got " + s);
        double rec = s.reconstructionError();
        require(Double.isNaN(rec) || (rec >= 0 && rec <= RECONSTRUCTION_TOLERANCE), method, check,
                "the reconstruction error must be NaN (not reported) or in [0, " + RECONSTRUCTION_TOLERANCE
                        + "] at rtol 1e-10, got " + rec);

        TapeOdeSystem system = new TapeOdeSystem(f, 2, 2);
        ForwardPass pass = method.forward(system, y0.data.clone(), times.clone(), GradientProblems.TIGHT, true);
        double[] g = new double[times.length * 4];
        Arrays.fill(g, 1.0);
        BackwardResult b = pass.backward(g);
        require(b != null, method, check, "backward returned null");
        require(b.dy0() != null && b.dy0().length == 4, method, check, "dy0 must have length n = 4, got "
                + (b.dy0() == null ? "null" : b.dy0().length));
        require(b.dtheta() != null && b.dtheta().length == system.parameterCount(), method, check,
                "dtheta must have length p = " + system.parameterCount() + ", got "
                        + (b.dtheta() == null ? "null" : b.dtheta().length));
        require(b.dtimes() != null && b.dtimes().length == times.length, method, check,
                "dtimes must have length m = " + times.length + ", got "
                        + (b.dtimes() == null ? "null" : b.dtimes().length));
        require(b.stats() != null && b.stats().functionEvaluations() > 0, method, check,
                "the backward stats must count evaluations, got " + b.stats());
    }

    // ------------------------------------------------------------------ closed form

    /**
     * Checks {@code dy/dt = A y} ({@link GradientProblems#linear}) on the three grids of
     * {@link GradientProblems#linearTimeSets()} (one interval, several outputs forwards, several
     * backwards in time): the loss within {@link #CLOSED_FORM_LOSS_TOLERANCE} and
     * {@code dL/dy0}, {@code dL/dA} and {@code dL/dt} within {@link #CLOSED_FORM_TOLERANCE} of the
     * matrix-exponential formulas of {@link GradientProblems#exactLinear}, and all three within
     * {@link #FD_TOLERANCE} of finite differences.
     *
     * @param method the method
     * @throws AssertionError naming the grid, the gradient and the error
     */
    public static void checkLinearClosedForm(GradientMethod method) {
        requireMethod(method);
        for (double[] times : GradientProblems.linearTimeSets()) {
            checkLinearClosedForm(method, times);
        }
    }

    /**
     * {@link #checkLinearClosedForm(GradientMethod)} on one output grid.
     *
     * @param method the method
     * @param times  the output times, strictly monotone. Not modified.
     * @throws AssertionError naming the grid, the gradient and the error
     */
    public static void checkLinearClosedForm(GradientMethod method, double[] times) {
        requireMethod(method);
        String check = "linear closed form";
        GradientProblems.Problem p = GradientProblems.linear(times);
        Gradients exact = GradientProblems.exactLinear(p);
        Gradients got = compute(method, check, p);
        double dl = Math.abs(got.loss() - exact.loss());
        require(dl <= CLOSED_FORM_LOSS_TOLERANCE, method, check, p + ": loss " + got.loss() + ", exact "
                + exact.loss() + " (difference " + dl + " > " + CLOSED_FORM_LOSS_TOLERANCE + ")");
        compare(method, check, p, got, exact, "the matrix exponential", CLOSED_FORM_TOLERANCE);
        Gradients fd = Gradients.finiteDifferences(p, FD_STEP);
        compare(method, check, p, got, fd, "central finite differences", FD_TOLERANCE);
    }

    // ------------------------------------------------------------------ accumulation

    /**
     * Runs the autonomous MLP ({@code 0, 0.7}) once from zeroed gradients, then solves again and
     * runs a second backward pass without zeroing: every parameter's gradient must be twice the
     * first, within {@link #ACCUMULATION_TOLERANCE} (the method returns its gradient, the tape adds
     * it into {@link Parameter#grad()}).
     *
     * @param method the method
     * @throws AssertionError naming the parameter entry and both values
     */
    public static void checkAccumulation(GradientMethod method) {
        requireMethod(method);
        GradientProblems.Problem p = GradientProblems.mlpOneInterval();
        Gradients once = compute(method, "accumulation", p);
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(p.dynamics(), tape.constant(p.y0().copy()), p.times(), p.options(), method);
        tape.backward(r.at(1).mul(tape.constant(p.weights()[1])).sum());
        double[] twice = Gradients.parameterGradients(p.dynamics());
        for (int k = 0; k < twice.length; k++) {
            double d = Math.abs(twice[k] - 2 * once.dtheta()[k]);
            require(d <= ACCUMULATION_TOLERANCE, method, "accumulation", p + ": after two backward passes dL/dθ["
                    + k + "] is " + twice[k] + ", expected twice " + once.dtheta()[k] + " (difference " + d + " > "
                    + ACCUMULATION_TOLERANCE + ")");
        }
    }

    /**
     * Sweeps one retained solve (the MLP, {@code 0, 0.3, 0.7}) twice with
     * {@code tape.backward(loss, null, true, false)}, with another solve of the same method in
     * between (which reuses pooled arrays): both sweeps give the same {@code dL/dθ} and
     * {@code dL/dy0} within {@link #REPEAT_TOLERANCE}, and {@code dL/dy0} agrees with a fresh solve
     * within {@link #ACCUMULATION_TOLERANCE}. Catches a backward pass that overwrites what it
     * kept, returns arrays it reuses, or reads buffers handed back to a pool.
     *
     * @param method the method
     * @throws AssertionError naming the gradient entry and both values
     */
    public static void checkRepeatedBackward(GradientMethod method) {
        requireMethod(method);
        String check = "repeated backward";
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 8, 7, false);
        double[] times = {0.0, 0.3, 0.7};
        DMatrixRMaj[] w = GradientProblems.weights(3, 2, 2, 3);
        DMatrixRMaj y0 = GradientProblems.mlpY0();
        Gradients once = Gradients.compute(f, y0, times, w, GradientProblems.TIGHT, method);
        for (Parameter p : f.parameters()) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        Tensor y = tape.variable(y0.copy());
        OdeSolveResult r = OdeSolve.solve(f, y, times, GradientProblems.TIGHT, method);
        Tensor loss = null;
        for (int i = 0; i < times.length; i++) {
            Tensor term = r.at(i).mul(tape.constant(w[i])).sum();
            loss = loss == null ? term : loss.add(term);
        }
        tape.backward(loss, null, true, false);
        double[] firstTheta = Gradients.parameterGradients(f);
        double[] firstY = y.grad().value().data.clone();
        Gradients.compute(f, GradientProblems.random(2, 2, 0.9, new Random(77)), times, w, GradientProblems.TIGHT,
                method);
        for (Parameter p : f.parameters()) {
            p.zeroGrad();
        }
        y.zeroGrad();
        tape.backward(loss, null, true, false);
        double[] secondTheta = Gradients.parameterGradients(f);
        double[] secondY = y.grad().value().data;
        for (int k = 0; k < firstTheta.length; k++) {
            double d = Math.abs(secondTheta[k] - firstTheta[k]);
            require(d <= REPEAT_TOLERANCE, method, check, "the second sweep gives dL/dθ[" + k + "] = " + secondTheta[k]
                    + ", the first " + firstTheta[k] + " (difference " + d + " > " + REPEAT_TOLERANCE + ")");
        }
        for (int k = 0; k < firstY.length; k++) {
            double d = Math.abs(secondY[k] - firstY[k]);
            require(d <= REPEAT_TOLERANCE, method, check, "the second sweep gives dL/dy0[" + k + "] = " + secondY[k]
                    + ", the first " + firstY[k] + " (difference " + d + " > " + REPEAT_TOLERANCE + ")");
            double e = Math.abs(firstY[k] - once.dy0()[k]);
            require(e <= ACCUMULATION_TOLERANCE, method, check, "the retained solve gives dL/dy0[" + k + "] = "
                    + firstY[k] + ", a fresh one " + once.dy0()[k] + " (difference " + e + " > "
                    + ACCUMULATION_TOLERANCE + ")");
        }
    }

    // ------------------------------------------------------------------ failures

    /**
     * Solves {@link GradientProblems#nonFiniteBackward()} over {@code [0, 1]}: the forward states
     * are finite, and the backward sweep must throw a {@link NonFiniteStateException} whose
     * {@link NonFiniteStateException#pass() pass()} names a {@code "backward pass"}, whose message
     * contains that pass and {@code "at t="}, and whose {@link NonFiniteStateException#time() time()}
     * lies in {@code [0, 1]}.
     *
     * @param method the method
     * @return the exception, for further checks of the caller's own (the exact pass name, the quantity)
     * @throws AssertionError if nothing, or something else, is thrown, or the exception lacks the pass
     *                        or the time
     */
    public static NonFiniteStateException checkNonFiniteBackward(GradientMethod method) {
        requireMethod(method);
        String check = "non-finite backward";
        Tape tape = new Tape();
        OdeSolveResult r;
        try {
            r = OdeSolve.solve(GradientProblems.nonFiniteBackward(), tape.variable(GradientProblems.mlpY0()),
                    new double[] {0, 1}, GradientProblems.TIGHT, method);
        } catch (NonFiniteStateException x) {
            // a method that differentiates forwards (forward sensitivities) meets the NaN in its forward
            // pass: it must say so there, naming the sensitivity and the time
            require(x.pass() != null && x.pass().contains("forward") && x.getMessage().contains("sensitivity")
                    && x.getMessage().contains("at t=") && x.time() >= 0 && x.time() <= 1, method, check,
                    "a NaN met in the forward pass must name the forward pass, the sensitivity and the time, got: "
                            + x.getMessage());
            return x;
        }
        for (double v : r.at(1).value().data) {
            require(Double.isFinite(v), method, check, "the forward state must be finite, got "
                    + Arrays.toString(r.at(1).value().data));
        }
        NonFiniteStateException e;
        try {
            tape.backward(r.at(1).sum());
            throw fail(method, check, "the backward pass of f = k h + sqrt(h - h), whose vector–Jacobian products are "
                    + "NaN, returned without a NonFiniteStateException");
        } catch (NonFiniteStateException x) {
            e = x;
        } catch (RuntimeException x) {
            AssertionError a = fail(method, check, "expected a NonFiniteStateException, got " + x);
            a.initCause(x);
            throw a;
        }
        String pass = e.pass();
        require(pass != null && pass.contains("backward pass"), method, check,
                "the exception must name the backward pass (NonFiniteStateException.inPass), pass() is '" + pass
                        + "', message: " + e.getMessage());
        require(e.getMessage() != null && e.getMessage().contains(pass) && e.getMessage().contains("at t="), method,
                check, "the message must contain the pass and 'at t=', got: " + e.getMessage());
        require(e.time() >= 0 && e.time() <= 1, method, check, "the time must lie in the solved interval [0, 1], got "
                + e.time() + " (" + e.getMessage() + ")");
        return e;
    }

    /**
     * A solve with one output time ({@code 0.3}) returns {@code y0}, and the gradient of
     * {@code sum(y(t_0))} with respect to {@code y0} is all ones.
     *
     * @param method the method
     * @throws AssertionError naming the entry
     */
    public static void checkOneOutputTime(GradientMethod method) {
        requireMethod(method);
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 8, 7, false);
        Tape tape = new Tape();
        Tensor y = tape.variable(GradientProblems.mlpY0());
        OdeSolveResult r = OdeSolve.solve(f, y, new double[] {0.3}, GradientProblems.TIGHT, method);
        tape.backward(r.at(0).sum());
        double[] g = y.grad().value().data;
        for (int k = 0; k < g.length; k++) {
            require(g[k] == 1.0, method, "one output time", "dL/dy0[" + k + "] is " + g[k] + ", expected 1");
        }
    }

    // ------------------------------------------------------------------ agreement

    /**
     * The disagreement of two methods on {@link GradientProblems#spiral(double)}: the
     * {@link Gradients#worst} relative error of {@code method}'s gradients against
     * {@code reference}'s.
     *
     * @param method    the method
     * @param reference the reference
     * @param tol       the relative tolerance of both solves
     * @return the largest relative error over {@code dL/dy0}, {@code dL/dθ} and {@code dL/dt}
     */
    public static double disagreement(GradientMethod method, GradientMethod reference, double tol) {
        GradientProblems.Problem p = GradientProblems.spiral(tol);
        Gradients got = Gradients.compute(p, method);
        Gradients ref = Gradients.compute(p, reference);
        return Gradients.worst(got, ref);
    }

    /**
     * Checks agreement with a reference method on the spiral MLP (2 → 50 → 2, batch 4, ten outputs
     * over {@code [0, 0.9]}) at {@code rtol = 1e-4, 1e-6, 1e-8} ({@code atol = rtol / 100}): the
     * {@link #disagreement} is below {@code 1e-1}, {@code 1e-3} and {@code 1e-5} respectively, and
     * shrinks strictly from each tolerance to the next unless it is already below
     * {@link #AGREEMENT_FLOOR}. Both methods converge to the gradient of the exact solution, so
     * their difference must tighten with the tolerance.
     *
     * @param method    the method
     * @param reference the reference
     * @throws AssertionError naming the tolerance and the disagreements
     */
    public static void checkAgreement(GradientMethod method, GradientMethod reference) {
        requireMethod(method);
        requireMethod(reference);
        String check = "agreement with " + reference.name();
        double[] d = new double[AGREEMENT_RTOL.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = disagreement(method, reference, AGREEMENT_RTOL[i]);
            require(d[i] <= AGREEMENT_BOUND[i], method, check, "on the spiral MLP at rtol " + AGREEMENT_RTOL[i]
                    + " the gradients differ by " + d[i] + " (relative), more than " + AGREEMENT_BOUND[i]);
            if (i > 0) {
                require(d[i] < d[i - 1] || d[i] <= AGREEMENT_FLOOR, method, check, "the disagreement must shrink "
                        + "as the tolerance tightens: " + d[i - 1] + " at rtol " + AGREEMENT_RTOL[i - 1] + ", " + d[i]
                        + " at rtol " + AGREEMENT_RTOL[i]);
            }
        }
    }

    /**
     * Runs {@code grids} seeded random output grids ({@link GradientProblems#randomGrid}: 2 to 5
     * times, increasing or decreasing, intervals down to a few ulps, times of different
     * magnitudes) on the time-dependent MLP (2 → 6 → 2, batch 2) with {@link #GRID_OPTIONS}: the
     * solve and the backward pass must succeed, every gradient be finite and within
     * {@link #GRID_TOLERANCE} of the reference's.
     *
     * @param method    the method
     * @param reference the method to agree with
     * @param grids     the number of grids
     * @param seed      the seed of the grids (grid {@code g}'s weights are seeded {@code g})
     * @throws AssertionError naming the grid, the gradient and the error; a failure of the solve is
     *                        rethrown as one, naming the grid, with the failure as its cause
     */
    public static void checkRandomTimeGrids(GradientMethod method, GradientMethod reference, int grids, long seed) {
        requireMethod(method);
        requireMethod(reference);
        String check = "random time grids";
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 17, true);
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.7, new Random(3));
        Random r = new Random(seed);
        for (int g = 0; g < grids; g++) {
            double[] times = GradientProblems.randomGrid(r);
            GradientProblems.Problem p = new GradientProblems.Problem("random grid " + g, f, y0, times,
                    GradientProblems.weights(times.length, 2, 2, g), GRID_OPTIONS);
            Gradients got = compute(method, check, p);
            Gradients ref = Gradients.compute(p, reference);
            requireFinite(method, check, p, "dL/dy0", got.dy0());
            requireFinite(method, check, p, "dL/dθ", got.dtheta());
            requireFinite(method, check, p, "dL/dt", got.dtimes());
            compare(method, check, p, got, ref, reference.name(), GRID_TOLERANCE);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The method's gradients of a problem; a failure of the solve becomes an AssertionError naming it. */
    private static Gradients compute(GradientMethod method, String check, GradientProblems.Problem p) {
        try {
            return Gradients.compute(p, method);
        } catch (RuntimeException e) {
            AssertionError a = fail(method, check, p + ": the solve or its backward pass failed: " + e);
            a.initCause(e);
            throw a;
        }
    }

    /** Each gradient of {@code got} within {@code tol} of {@code ref}, else a message with the worst entry. */
    private static void compare(GradientMethod method, String check, GradientProblems.Problem p, Gradients got,
                                Gradients ref, String against, double tol) {
        part(method, check, p, "dL/dy0", got.dy0(), ref.dy0(), against, tol);
        part(method, check, p, "dL/dθ", got.dtheta(), ref.dtheta(), against, tol);
        part(method, check, p, "dL/dt", got.dtimes(), ref.dtimes(), against, tol);
    }

    private static void part(GradientMethod method, String check, GradientProblems.Problem p, String what,
                             double[] got, double[] ref, String against, double tol) {
        require(got != null && got.length == ref.length, method, check, p + ": " + what + " has "
                + (got == null ? "no entries" : got.length + " entries") + ", " + against + " has " + ref.length);
        double e = Gradients.relativeError(got, ref);
        if (e <= tol) {
            return;
        }
        int worst = 0;
        double big = -1;
        for (int k = 0; k < got.length; k++) {
            double d = Math.abs(got[k] - ref[k]);
            if (Double.isNaN(d) || d > big) {
                worst = k;
                big = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                if (Double.isNaN(d)) {
                    break;
                }
            }
        }
        throw fail(method, check, p + ": " + what + " differs from " + against + " by " + e + " (relative, > "
                + tol + "); worst entry " + what + "[" + worst + "] = " + got[worst] + ", " + against + " gives "
                + ref[worst]);
    }

    private static void requireFinite(GradientMethod method, String check, GradientProblems.Problem p, String what,
                                      double[] v) {
        for (int k = 0; k < v.length; k++) {
            require(Double.isFinite(v[k]), method, check, p + ": " + what + "[" + k + "] is " + v[k]);
        }
    }

    private static void requireMethod(GradientMethod method) {
        if (method == null) {
            throw new AssertionError("gradient method contract: the method is null");
        }
    }

    private static void require(boolean ok, GradientMethod method, String check, String detail) {
        if (!ok) {
            throw fail(method, check, detail);
        }
    }

    private static AssertionError fail(GradientMethod method, String check, String detail) {
        return new AssertionError("gradient method contract, method '" + method.name() + "', " + check + ": "
                + detail);
    }
}
