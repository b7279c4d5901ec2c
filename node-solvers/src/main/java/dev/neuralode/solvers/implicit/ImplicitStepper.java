package dev.neuralode.solvers.implicit;

import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.StepInterpolator;
import dev.neuralode.solvers.step.Stepper;
import dev.neuralode.solvers.step.Tolerance;

/**
 * What every implicit stepper shares: the current point, the Jacobian (and {@code ∂f/∂t} for
 * Rosenbrock methods), the iteration matrix {@code I − hγJ} (refactored only when {@code hγ} or
 * {@code J} changes), the proposal and its error, the counters, and the interpolant view. A subclass
 * computes the stages ({@link #stages}) and the interpolant's power-basis coefficients
 * ({@link #buildCoefficients}).
 *
 * <p>Jacobian policy: Rosenbrock methods need {@code J} at the step's start ({@code refreshEachStep}),
 * formed once per accepted point and kept across rejected attempts. Newton-based methods keep
 * {@code J} across steps and form it anew only when the Newton iteration fails with a Jacobian from
 * an earlier point (then the attempt is repeated with the fresh one), as RADAU5 and CVODE do.
 *
 * <p>An accepted step is committed lazily (at the next attempt or reset), so the interpolant stays
 * a view of the step's own buffers while the handlers read it.
 */
abstract class ImplicitStepper implements Stepper {

    /** Consecutive singular iteration matrices tolerated before giving up. */
    static final int MAX_SINGULAR = 12;

    /**
     * The error ratio reported for a singular iteration matrix: large (the driver shrinks the step by
     * its minFactor) but finite (the driver would otherwise ask {@link #requireFinite}, which throws).
     */
    static final double SINGULAR_RATIO = 1e12;

    final Method method;
    final OdeSystem f;
    final int n;
    final JacobianEvaluator jac;
    final IterationMatrix matrix;
    final double[] dfdy;
    final double[] dfdt;
    final double gamma;
    final boolean fsal;
    final boolean refreshEachStep;
    final boolean needsTimeDerivative;

    double t;
    double[] y;
    double[] y1;
    /** f at the current point; valid when f0Ready. */
    double[] f0;
    /** f at the proposal (FSAL methods compute it in the step; others on demand). */
    double[] f1;
    boolean f0Ready;
    boolean f1Ready;
    double evalTime;
    final double[] err;
    final double[] scratch;

    double h;
    double tEnd;
    boolean beforeJump;
    /** The time at which node-1 stages are evaluated: tEnd, or the double before it for a jump. */
    double tOne;
    boolean pending;
    boolean jacobianReady;
    /** Whether the Jacobian was formed at the current point (not carried over from an earlier one). */
    boolean jacobianFresh;
    boolean singular;
    /** Whether the last attempt's Newton iteration failed (even with a fresh Jacobian). */
    boolean newtonFailed;
    int newtonFailRun;
    /** Set by a Newton method whose accepted step converged slowly: form J anew at the next point. */
    boolean slowConvergence;
    long newtonIterations;
    long newtonFailures;
    int singularRun;
    Tolerance tolerance;

    final int degree;
    final double[] coeff;
    boolean coeffReady;

    long nfe;
    long njac;
    /** Incremented whenever {@link #dfdy} changes (subclasses with matrices of their own refactor then). */
    long jacobianVersion;
    private final View view = new View();

    ImplicitStepper(Method method, OdeSystem f, int n, double gamma, boolean fsal, int degree) {
        this(method, f, n, gamma, fsal, degree, true, true);
    }

    ImplicitStepper(Method method, OdeSystem f, int n, double gamma, boolean fsal, int degree,
                    boolean refreshEachStep, boolean needsTimeDerivative) {
        if (f == null) {
            throw new IllegalArgumentException(method.name() + ": the ODE system must not be null");
        }
        if (n < 1) {
            throw new IllegalArgumentException(method.name() + ": the state dimension must be at least 1, got " + n);
        }
        this.method = method;
        this.f = f;
        this.n = n;
        this.gamma = gamma;
        this.fsal = fsal;
        this.refreshEachStep = refreshEachStep;
        this.needsTimeDerivative = needsTimeDerivative;
        this.degree = degree;
        this.jac = new JacobianEvaluator(f, n);
        this.matrix = new IterationMatrix(n);
        this.dfdy = new double[n * n];
        this.dfdt = new double[n];
        this.y = new double[n];
        this.y1 = new double[n];
        this.f0 = new double[n];
        this.f1 = new double[n];
        this.err = new double[n];
        this.scratch = new double[n];
        this.coeff = new double[(degree + 1) * n];
    }

    @Override
    public final Method method() {
        return method;
    }

    @Override
    public final int dimension() {
        return n;
    }

    @Override
    public final void tolerance(Tolerance tol) {
        this.tolerance = tol;
    }

    @Override
    public final void reset(double t0, double[] y0, double evaluationTime) {
        pending = false;
        t = t0;
        System.arraycopy(y0, 0, y, 0, n);
        evalTime = evaluationTime;
        f0Ready = false;
        f1Ready = false;
        jacobianReady = false;
        matrix.invalidate();
        singularRun = 0;
        newtonFailRun = 0;
        newtonFailed = false;
        onReset();
    }

    /** Called at the end of {@link #reset}: a subclass forgets what it carried over from earlier steps. */
    void onReset() {
    }

    @Override
    public final double time() {
        return pending ? tEnd : t;
    }

    @Override
    public final double[] state() {
        return pending ? y1 : y;
    }

    @Override
    public final double[] derivative() {
        if (pending) {
            if (!f1Ready) {
                evaluate(tEnd, y1, f1);
                f1Ready = true;
            }
            return f1;
        }
        ensureF0();
        return f0;
    }

    @Override
    public final void evaluate(double tt, double[] yy, double[] dydt) {
        f.derivative(tt, yy, dydt);
        nfe++;
    }

    @Override
    public final long evaluations() {
        return nfe + jac.evaluations();
    }

    @Override
    public final SolverStats stats(long accepted, long rejected) {
        return new SolverStats(evaluations(), accepted, rejected, njac, matrix.factorizations(), newtonIterations,
                newtonFailures);
    }

    final void ensureF0() {
        if (!f0Ready) {
            evaluate(evalTime, y, f0);
            f0Ready = true;
        }
    }

    private void commit() {
        if (!pending) {
            return;
        }
        pending = false;
        double[] sw = y;
        y = y1;
        y1 = sw;
        t = tEnd;
        evalTime = tEnd;
        if (f1Ready) {
            sw = f0;
            f0 = f1;
            f1 = sw;
            f0Ready = true;
        } else {
            f0Ready = false;
        }
        f1Ready = false;
        jacobianFresh = false;
        if (refreshEachStep || slowConvergence) {
            jacobianReady = false;
            matrix.invalidate();
        }
    }

    @Override
    public final void attempt(double step, double end, boolean toJump) {
        commit();
        h = step;
        tEnd = end;
        beforeJump = toJump;
        tOne = toJump ? Math.nextAfter(end, t) : end;
        coeffReady = false;
        f1Ready = false;
        newtonFailed = false;
        slowConvergence = false;
        ensureF0();
        if (!jacobianReady) {
            formJacobian();
        }
        if (!factor()) {
            return;
        }
        boolean ok = stages();
        if (!ok) {
            newtonFailures++;
        }
        if (!ok && !jacobianFresh) {
            formJacobian();              // slow or failed Newton with an old Jacobian: retry with a fresh one
            if (!factor()) {
                return;
            }
            ok = stages();
            if (!ok) {
                newtonFailures++;
            }
        }
        if (ok) {
            newtonFailRun = 0;
            return;
        }
        newtonFailed = true;
        if (++newtonFailRun >= MAX_SINGULAR) {
            throw new NewtonConvergenceException(method.name(), t, h, newtonFailRun);
        }
        java.util.Arrays.fill(y1, Double.NaN);
    }

    private void formJacobian() {
        jac.jacobian(evalTime, y, f0, h, tolerance, dfdy);
        if (needsTimeDerivative) {
            jac.timeDerivative(evalTime, y, f0, tOne, dfdt);
        }
        njac++;
        jacobianVersion++;
        jacobianReady = true;
        jacobianFresh = true;
        matrix.invalidate();
    }

    /** Factors I − hγJ; on a singular matrix marks the attempt failed (or throws after too many). */
    private boolean factor() {
        singular = !matrix.factor(dfdy, h * gamma);
        if (singular) {
            if (++singularRun >= MAX_SINGULAR) {
                throw new SingularIterationMatrixException(method.name(), t, h, matrix.singularPivot(), singularRun);
            }
            java.util.Arrays.fill(y1, Double.NaN);   // a fixed-step driver sees a non-finite proposal
            return false;
        }
        singularRun = 0;
        return true;
    }

    /**
     * Computes the stages of a step of size {@link #h} from {@code (t, y)} with {@code f0}, the
     * Jacobian and the factored matrix ready; writes {@link #y1} and {@link #err}; FSAL methods also
     * write {@link #f1} and set {@link #f1Ready}.
     *
     * @return {@code false} if a Newton iteration failed to converge (Rosenbrock methods: always true)
     */
    abstract boolean stages();

    /** Writes the interpolant's coefficients {@code P_0 .. P_degree} into {@link #coeff}. */
    abstract void buildCoefficients();

    @Override
    public final double errorRatio(Tolerance tol) {
        if (singular || newtonFailed) {
            return SINGULAR_RATIO;
        }
        return tol.ratio(err, y, y1, scratch);
    }

    @Override
    public final double[] proposal() {
        return y1;
    }

    @Override
    public final void requireFinite() {
        if (singular) {
            throw new SingularIterationMatrixException(method.name(), t, h, matrix.singularPivot(), singularRun);
        }
        if (newtonFailed) {
            throw new NewtonConvergenceException(method.name(), t, h, newtonFailRun);
        }
        int bad = NonFiniteStateException.firstNonFinite(y1);
        if (bad >= 0) {
            throw new NonFiniteStateException("state", tEnd, h, bad, y1[bad]);
        }
        bad = NonFiniteStateException.firstNonFinite(err);
        if (bad >= 0) {
            throw new NonFiniteStateException("error estimate", tEnd, h, bad, err[bad]);
        }
    }

    @Override
    public final int worstComponent(Tolerance tol) {
        if (singular || newtonFailed) {
            return -1;
        }
        int best = -1;
        double worst = -1;
        for (int i = 0; i < n; i++) {
            double v = Math.abs(err[i]) * tol.weight(i, y[i], y1[i]);
            if (v > worst) {
                worst = v;
                best = i;
            }
        }
        return best;
    }

    @Override
    public final StepInterpolator accept() {
        pending = true;
        return view;
    }

    private void ensureCoefficients() {
        if (!coeffReady) {
            buildCoefficients();
            coeffReady = true;
        }
    }

    /** The accepted step's interpolant (valid until the next attempt). */
    private final class View implements StepInterpolator {
        @Override public int dimension() { return n; }
        @Override public double startTime() { return t; }
        @Override public double endTime() { return tEnd; }
        @Override public double stepSize() { return h; }
        @Override public double[] startState() { return y; }
        @Override public double[] endState() { return y1; }
        @Override public int degree() { return degree; }

        @Override
        public void state(double tt, double[] out) {
            if (tt == tEnd) {
                System.arraycopy(y1, 0, out, 0, n);
                return;
            }
            if (tt == t) {
                System.arraycopy(y, 0, out, 0, n);
                return;
            }
            ensureCoefficients();
            double theta = (tt - t) / h;
            for (int i = 0; i < n; i++) {
                double acc = coeff[degree * n + i];
                for (int q = degree - 1; q >= 0; q--) {
                    acc = acc * theta + coeff[q * n + i];
                }
                out[i] = acc;
            }
        }

        @Override
        public void derivative(double tt, double[] out) {
            ensureCoefficients();
            double theta = (tt - t) / h;
            for (int i = 0; i < n; i++) {
                double acc = degree * coeff[degree * n + i];
                for (int q = degree - 1; q >= 1; q--) {
                    acc = acc * theta + q * coeff[q * n + i];
                }
                out[i] = acc / h;
            }
        }

        @Override
        public void coefficients(double[] dst, int offset) {
            ensureCoefficients();
            System.arraycopy(coeff, 0, dst, offset, coeff.length);
        }
    }
}
