package dev.neuralode.solvers.composite;

import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.Stepper;
import dev.neuralode.solvers.step.Tolerance;

/**
 * The stepper of an {@link AutoSwitch} solve: a stepper of each method, the one running, the
 * switching counters and the power iteration's vectors (all allocated here; nothing per step).
 */
final class AutoSwitchStepper implements Stepper {

    /** √U, the relative size of the power iteration's finite-difference perturbation. */
    private static final double SQRT_U = Math.sqrt(Math.ulp(1.0));
    /** Power iterations on the first accepted step of a stiff phase (one on every later step). */
    private static final int FIRST_ITERATIONS = 3;

    private final AutoSwitch method;
    private final Stepper nonstiff;
    private final Stepper stiff;
    private final int n;
    private final double limit;
    private final int shortPhase;
    private final double[] v;
    private final double[] yp;
    private final double[] fp;
    private final View view = new View();
    private Stepper active;
    private boolean inStiff;
    /** The solve stays with the stiff method (after too many short phases in a row). */
    private boolean locked;
    private Tolerance tolerance;
    private int count;
    private long phaseSteps;
    private int successive;
    private long switches;
    private long stiffAccepted;
    private boolean lastBeforeJump;
    private double lastEstimate = Double.NaN;
    /** Whether the last accepted step was the stiff method's (read by this package's tests). */
    boolean lastStepStiff;

    AutoSwitchStepper(AutoSwitch method, Stepper nonstiff, Stepper stiff, int n) {
        this.method = method;
        this.nonstiff = nonstiff;
        this.stiff = stiff;
        this.n = n;
        this.limit = nonstiff.stabilityLimit();
        if (!(limit > 0 && limit < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(method.name() + ": the non-stiff method "
                    + method.nonstiffMethod().name() + " gives no finite stability limit (got " + limit
                    + "); it needs Stepper.stabilityLimit() and stiffnessEstimate(), as every ButcherTableau has");
        }
        this.shortPhase = method.maxStiffSteps() + method.maxNonstiffSteps();
        this.v = new double[n];
        this.yp = new double[n];
        this.fp = new double[n];
        seed();
        this.inStiff = method.stiffFirst();
        this.active = inStiff ? stiff : nonstiff;
    }

    /** A fixed starting vector with components of both signs and different sizes. */
    private void seed() {
        for (int i = 0; i < n; i++) {
            v[i] = (i % 2 == 0 ? 1.0 : -1.0) * (1.0 + (double) i / n);
        }
    }

    @Override
    public Method method() {
        return method;
    }

    @Override
    public int dimension() {
        return n;
    }

    @Override
    public void tolerance(Tolerance tol) {
        this.tolerance = tol;
        nonstiff.tolerance(tol);
        stiff.tolerance(tol);
    }

    /** Resets the running method (the solve's start, a jump time, an event restart); it keeps running. */
    @Override
    public void reset(double t, double[] y, double evaluationTime) {
        active.reset(t, y, evaluationTime);
    }

    @Override
    public double time() {
        return active.time();
    }

    @Override
    public double[] state() {
        return active.state();
    }

    @Override
    public double[] derivative() {
        return active.derivative();
    }

    @Override
    public void evaluate(double t, double[] y, double[] dydt) {
        active.evaluate(t, y, dydt);
    }

    @Override
    public void attempt(double h, double tEnd, boolean beforeJump) {
        lastBeforeJump = beforeJump;
        active.attempt(h, tEnd, beforeJump);
    }

    @Override
    public double errorRatio(Tolerance tol) {
        return active.errorRatio(tol);
    }

    @Override
    public double[] proposal() {
        return active.proposal();
    }

    @Override
    public void requireFinite() {
        active.requireFinite();
    }

    @Override
    public int worstComponent(Tolerance tol) {
        return active.worstComponent(tol);
    }

    /**
     * Accepts the running method's step, then applies the stiffness test to it and switches at its
     * end point if the test says so. The interpolant returned is the accepting stepper's (a switch
     * resets only the other stepper, so it stays valid).
     */
    @Override
    public StepInterpolator accept() {
        StepInterpolator s = active.accept();
        phaseSteps++;
        lastStepStiff = inStiff;
        if (inStiff) {
            stiffAccepted++;
        }
        if (!locked && !lastBeforeJump) {
            test(s);
        }
        view.step = s;
        return view;
    }

    private void test(StepInterpolator s) {
        if (!inStiff) {
            double est = tolerance == null ? nonstiff.stiffnessEstimate() : nonstiff.stiffnessEstimate(tolerance);
            lastEstimate = est;
            if (est > method.nonstiffTolerance() * limit) {
                if (++count >= method.maxStiffSteps()) {
                    switchTo(true);
                }
            } else {
                count = 0;
            }
        } else {
            double rho = spectralRadius(s.endTime(), phaseSteps == 1 ? FIRST_ITERATIONS : 1);
            double est = Math.abs(s.stepSize()) * rho;
            lastEstimate = est;
            if (est < method.stiffTolerance() * limit) {
                if (++count >= method.maxNonstiffSteps()) {
                    switchTo(false);
                }
            } else {
                count = 0;
            }
        }
    }

    private void switchTo(boolean toStiff) {
        if (phaseSteps < shortPhase) {
            successive++;
        } else {
            successive = 1;
        }
        if (successive > method.maxSuccessiveSwitches()) {
            // switching to and fro: stay with (or go to) the stiff method to the end of the solve
            locked = true;
            if (inStiff) {
                return;
            }
        }
        Stepper from = active;
        Stepper to = toStiff ? stiff : nonstiff;
        double t = from.time();
        to.reset(t, from.state(), t);
        active = to;
        inStiff = toStiff;
        count = 0;
        phaseSteps = 0;
        switches++;
    }

    /**
     * The spectral radius of {@code ∂f/∂y} at the stiff stepper's current point by {@code iterations}
     * steps of the power iteration in the error-weight scaled coordinates, continuing from the vector
     * left by the last call; NaN if an evaluation is not finite (the step then does not look non-stiff).
     */
    private double spectralRadius(double t, int iterations) {
        double[] y = stiff.state();
        double[] f0 = stiff.derivative();
        double rtol = tolerance == null ? 1e-6 : tolerance.rtol();
        double sigma = SQRT_U / Math.max(rtol, SQRT_U);
        double rho = Double.NaN;
        for (int it = 0; it < iterations; it++) {
            double vn = rms(v);
            if (!(vn > 0 && vn < Double.POSITIVE_INFINITY)) {
                seed();
                vn = rms(v);
            }
            for (int i = 0; i < n; i++) {
                yp[i] = y[i] + sigma * weight(i, y) * v[i] / vn;
            }
            stiff.evaluate(t, yp, fp);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double w = weight(i, y);
                double g = (fp[i] - f0[i]) / (sigma * w);
                v[i] = g;
                sum += g * g;
            }
            rho = Math.sqrt(sum / n);
            if (!(rho < Double.POSITIVE_INFINITY)) {
                seed();
                return Double.NaN;
            }
        }
        return rho;
    }

    private double weight(int i, double[] y) {
        double w = tolerance == null ? 1e-9 + 1e-6 * Math.abs(y[i]) : tolerance.atol(i) + tolerance.rtol() * Math.abs(y[i]);
        return w > Double.MIN_NORMAL ? w : Double.MIN_NORMAL;
    }

    private double rms(double[] a) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s / n);
    }

    @Override
    public long evaluations() {
        return nonstiff.evaluations() + stiff.evaluations();
    }

    /**
     * The counters: all evaluations of both methods (the power iteration's and the hand-overs'
     * included), the stiff method's Jacobians, factorizations and Newton counters, the accepted steps
     * the stiff method took and the number of switches.
     */
    @Override
    public SolverStats stats(long accepted, long rejected) {
        SolverStats s = stiff.stats(0, 0);
        return new SolverStats(evaluations(), accepted, rejected, s.jacobianEvaluations(), s.factorizations(),
                s.newtonIterations(), s.newtonFailures(), stiffAccepted, switches);
    }

    /**
     * The last stiffness test's {@code h·ρ}: the non-stiff method's estimate or the power iteration's
     * times the stiff method's step (NaN before the first test).
     */
    @Override
    public double stiffnessEstimate() {
        return lastEstimate;
    }

    /** The non-stiff method's stability limit, against which both tests compare. */
    @Override
    public double stabilityLimit() {
        return limit;
    }

    /**
     * The accepted step's interpolant as the running method gives it, without its stages: their
     * evaluation ordinals count one method's evaluations, not the solve's.
     */
    private final class View implements StepInterpolator {
        StepInterpolator step;

        @Override public int dimension() { return n; }
        @Override public double startTime() { return step.startTime(); }
        @Override public double endTime() { return step.endTime(); }
        @Override public double stepSize() { return step.stepSize(); }
        @Override public double[] startState() { return step.startState(); }
        @Override public double[] endState() { return step.endState(); }
        @Override public void state(double t, double[] out) { step.state(t, out); }
        @Override public void derivative(double t, double[] out) { step.derivative(t, out); }
        @Override public int degree() { return step.degree(); }
        @Override public void coefficients(double[] dst, int offset) { step.coefficients(dst, offset); }
    }
}
