package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.Jacobian;
import dev.neuralode.core.Linearization;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.ErrorNorm;
import dev.neuralode.solvers.SolverOptions;

import java.util.Arrays;

/**
 * Forward sensitivities: see {@link GradientMethod#forwardSensitivity()}.
 */
final class ForwardSensitivity implements GradientMethod {

    private static final String PASS = "forward pass of the forward sensitivities";
    /** {@code ε^{1/3}}, the central-difference increment relative to the state's scale. */
    private static final double CBRT_EPS = Math.cbrt(Math.ulp(1.0));
    private final boolean errorControl;

    ForwardSensitivity(boolean errorControl) {
        this.errorControl = errorControl;
    }

    @Override
    public String name() {
        return errorControl ? "forwardSensitivity-errcon" : "forwardSensitivity";
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep) {
        return forward(system, y0, times, options, keep, new double[times.length * system.dimension()]);
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep, double[] into) {
        int n = system.dimension();
        if (!keep) {
            SolverStats stats = Passes.solveInto(system, y0, times, options, "forward pass of the ODE solve", into);
            return new Pass(system, times, into, stats, options, null);
        }
        int p = system.parameterCount();
        int columns = n + p;
        int total = n * (1 + columns);
        long size = (long) n * (1 + columns);
        if (size > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(name() + ": the sensitivity system has n·(1 + n + p) = " + size
                    + " components for n=" + n + ", p=" + p + "; use GradientMethod.quadratureAdjoint() or"
                    + " GradientMethod.checkpointed() for this many states and parameters");
        }
        Augmented aug = new Augmented(system);
        double[] z0 = new double[total];
        System.arraycopy(y0, 0, z0, 0, n);
        for (int j = 0; j < n; j++) {
            z0[n + j * n + j] = 1.0;     // S_y0(t0) = I, S_θ(t0) = 0
        }
        SolverOptions.Builder b = Passes.backwardOptions(options, AdjointOptions.defaults(), n, 1 + columns, total)
                .toBuilder().handler(options.handler() == null ? null : new StateOnlyHandler(options.handler(), n));
        if (!errorControl) {
            // the user's norm (RMS by default) over the state part only: the steps are the plain solve's
            ErrorNorm user = options.errorNorm() == null ? ErrorNorm.RMS : options.errorNorm();
            b.errorNorm((scaled, len) -> user.norm(scaled, n));
        }
        SolverOptions augmented = b.build();
        int m = times.length;
        double[] all = new double[m * total];
        SolverStats stats = Passes.solveInto(aug, z0, times, augmented, PASS, all);
        double[] sens = new double[m * n * columns];
        for (int i = 0; i < m; i++) {
            System.arraycopy(all, i * total, into, i * n, n);
            System.arraycopy(all, i * total + n, sens, i * n * columns, n * columns);
        }
        System.arraycopy(y0, 0, into, 0, n);
        stats = new SolverStats(aug.evaluations, stats.acceptedSteps(), stats.rejectedSteps(),
                stats.jacobianEvaluations(), stats.factorizations(), stats.newtonIterations(), stats.newtonFailures());
        return new Pass(system, times, into, stats, options, sens);
    }

    /**
     * The state and its sensitivities, {@code z = [y, S_1, …, S_{n+p}]} with
     * {@code S_c = ∂y/∂(y0, θ)_c} (length {@code n} each):
     * <pre>
     *   y' = f(t, y),   S_c' = (∂f/∂y) S_c  (c &lt; n),   S_c' = (∂f/∂y) S_c + ∂f/∂θ_{c−n}  (c ≥ n).
     * </pre>
     * Each evaluation records the dynamics once ({@link DifferentiableOdeSystem#linearize}) and takes
     * {@code n} vector–Jacobian products of that recording with the unit cotangents: row {@code k}
     * of {@code ∂f/∂y} and of {@code ∂f/∂θ}.
     *
     * <p>Its Jacobian, for the implicit methods: the {@code 1 + n + p} diagonal blocks are
     * {@code ∂f/∂y} itself (exact, from the same products); the blocks coupling each {@code S_c} to
     * the state, {@code ∂((∂f/∂y) S_c + ∂f/∂θ_c)/∂y} (second derivatives of {@code f}), are central
     * differences in {@code y} with increments scaled to the state
     * ({@code δ_k = ε^{1/3} max(|y_k|, 1e-3 ‖y‖∞, 1e-10)}). A difference Jacobian of the whole augmented
     * system would take its increments from the state's error weights and lose every digit in the
     * sensitivity rows, whose values are many orders larger than the state's small components
     * (Rosenbrock methods, which use the Jacobian in their stages, then go unstable).
     */
    static final class Augmented implements OdeSystem, Jacobian {
        private final DifferentiableOdeSystem f;
        private final int n;
        private final int p;
        private final double[] y;
        private final double[] unit;
        private final double[] fy;
        private final double[] fth;
        private final double[] jRow;
        private final double[] thRow;
        private final double[] dt = new double[1];
        long evaluations;

        Augmented(DifferentiableOdeSystem f) {
            this.f = f;
            this.n = f.dimension();
            this.p = f.parameterCount();
            this.y = new double[n];
            this.unit = new double[n];
            this.fy = new double[n * n];
            this.fth = new double[n * p];
            this.jRow = new double[n];
            this.thRow = new double[p];
        }

        @Override
        public void derivative(double t, double[] z, double[] dz) {
            System.arraycopy(z, 0, y, 0, n);
            derivatives(t, y, dz);
            sensitivityDerivative(z, dz, n);
            int bad = dev.neuralode.core.NonFiniteStateException.firstNonFinite(dz);
            if (bad >= n) {
                int c = (bad - n) / n;
                int k = (bad - n) % n;
                String what = c < n ? "sensitivity ∂y[" + k + "]/∂y0[" + c + "]"
                        : "sensitivity ∂y[" + k + "]/∂θ[" + (c - n) + "] (parameter " + (c - n) + ")";
                throw new dev.neuralode.core.NonFiniteStateException(PASS, "derivative of the " + what, t, Double.NaN,
                        bad, dz[bad]);
            }
        }

        /** {@code ∂f/∂y} (row-major) and {@code ∂f/∂θ} at {@code y}: one recording, {@code n} products. */
        private void derivatives(double t, double[] at, double[] value) {
            Linearization lin = f.linearize(t, at, null);
            evaluations++;
            try {
                if (value != null) {
                    System.arraycopy(lin.value(), 0, value, 0, n);
                }
                for (int k = 0; k < n; k++) {
                    unit[k] = 1.0;
                    lin.vectorJacobianProduct(unit, jRow, thRow, dt);
                    unit[k] = 0.0;
                    System.arraycopy(jRow, 0, fy, k * n, n);
                    System.arraycopy(thRow, 0, fth, k * p, p);
                }
            } finally {
                lin.release();
            }
        }

        /** {@code (∂f/∂y) S_c + [c ≥ n] ∂f/∂θ_{c−n}} for every column c, from {@link #fy} and {@link #fth}. */
        private void sensitivityDerivative(double[] z, double[] out, int off0) {
            int columns = n + p;
            for (int c = 0; c < columns; c++) {
                int off = n + c * n;
                for (int k = 0; k < n; k++) {
                    double s = c >= n ? fth[k * p + (c - n)] : 0.0;
                    int row = k * n;
                    for (int j = 0; j < n; j++) {
                        s += fy[row + j] * z[off + j];
                    }
                    out[off0 + c * n + k] = s;
                }
            }
        }

        private double[] plus;
        private double[] minus;
        private double[] yShift;

        @Override
        public void jacobian(double t, double[] z, double[] dfdy) {
            int columns = n + p;
            int total = n * (1 + columns);
            if (plus == null) {
                plus = new double[n * columns];
                minus = new double[n * columns];
                yShift = new double[n];
            }
            System.arraycopy(z, 0, y, 0, n);
            double ymax = 0;
            for (int k = 0; k < n; k++) {
                ymax = Math.max(ymax, Math.abs(y[k]));
            }
            // coupling blocks by central differences in y
            for (int k = 0; k < n; k++) {
                double d = CBRT_EPS * Math.max(Math.abs(y[k]), Math.max(1e-3 * ymax, 1e-10));
                System.arraycopy(y, 0, yShift, 0, n);
                yShift[k] = y[k] + d;
                double dPlus = yShift[k] - y[k];
                derivatives(t, yShift, null);
                sensitivityDerivative(z, plus, 0);
                yShift[k] = y[k] - d;
                double dMinus = y[k] - yShift[k];
                derivatives(t, yShift, null);
                sensitivityDerivative(z, minus, 0);
                double inv = 1.0 / (dPlus + dMinus);
                for (int r = 0; r < n * columns; r++) {
                    dfdy[(n + r) * total + k] = (plus[r] - minus[r]) * inv;
                }
            }
            // the diagonal blocks: ∂f/∂y at y, exact
            derivatives(t, y, null);
            for (int b = 0; b <= columns; b++) {
                int base = b * n;
                for (int i = 0; i < n; i++) {
                    System.arraycopy(fy, i * n, dfdy, (base + i) * total + base, n);
                }
            }
        }
    }

    /** The user's step handler, shown the state part of each augmented step only. */
    private static final class StateOnlyHandler implements dev.neuralode.solvers.step.StepHandler {
        private final dev.neuralode.solvers.step.StepHandler user;
        private final int n;

        StateOnlyHandler(dev.neuralode.solvers.step.StepHandler user, int n) {
            this.user = user;
            this.n = n;
        }

        @Override
        public void start(double t0, double[] y0, double tEnd) {
            user.start(t0, Arrays.copyOf(y0, n), tEnd);
        }

        @Override
        public boolean handleStep(dev.neuralode.solvers.step.StepInterpolator step) {
            return user.handleStep(new StatePart(step, n));
        }

        @Override
        public void finish(double t, double[] y) {
            user.finish(t, Arrays.copyOf(y, n));
        }
    }

    /** The first {@code n} components of an augmented step. */
    private static final class StatePart implements dev.neuralode.solvers.step.StepInterpolator {
        private final dev.neuralode.solvers.step.StepInterpolator step;
        private final int n;
        private final double[] buf;

        StatePart(dev.neuralode.solvers.step.StepInterpolator step, int n) {
            this.step = step;
            this.n = n;
            this.buf = new double[step.dimension()];
        }

        @Override
        public int dimension() {
            return n;
        }

        @Override
        public double startTime() {
            return step.startTime();
        }

        @Override
        public double endTime() {
            return step.endTime();
        }

        @Override
        public double stepSize() {
            return step.stepSize();
        }

        @Override
        public double[] startState() {
            return Arrays.copyOf(step.startState(), n);
        }

        @Override
        public double[] endState() {
            return Arrays.copyOf(step.endState(), n);
        }

        @Override
        public void state(double t, double[] out) {
            step.state(t, buf);
            System.arraycopy(buf, 0, out, 0, n);
        }

        @Override
        public void derivative(double t, double[] out) {
            step.derivative(t, buf);
            System.arraycopy(buf, 0, out, 0, n);
        }

        @Override
        public int degree() {
            return step.degree();
        }

        @Override
        public void coefficients(double[] dst, int offset) {
            int total = step.dimension();
            double[] all = new double[(degree() + 1) * total];
            step.coefficients(all, 0);
            for (int q = 0; q <= degree(); q++) {
                System.arraycopy(all, q * total, dst, offset + q * n, n);
            }
        }
    }

    private final class Pass extends SolvedPass {
        /** {@code S(t_i)} column-major per output: entries {@code [i·n·(n+p) + c·n, … + n)} are column c. */
        private final double[] sens;

        Pass(DifferentiableOdeSystem system, double[] times, double[] states, SolverStats stats,
             SolverOptions options, double[] sens) {
            super(system, times, states, stats, options);
            this.sens = sens;
        }

        @Override
        public long storedDoubles() {
            return states.length + times.length + (sens == null ? 0 : sens.length);
        }

        @Override
        public BackwardResult backward(double[] g) {
            if (sens == null) {
                throw new IllegalStateException(name() + ": the forward pass kept no sensitivities (keep=false)");
            }
            int n = system.dimension();
            int p = system.parameterCount();
            int m = times.length;
            int columns = n + p;
            double[] dy0 = new double[n];
            double[] dth = new double[p];
            double[] dtimes = new double[m];
            double[] ybuf = new double[n];
            double[] fbuf = new double[n];
            long evals = 0;
            // dL/d(y0, θ)_c = Σ_i g_iᵀ S_c(t_i)
            for (int i = 0; i < m; i++) {
                int base = i * n * columns;
                for (int c = 0; c < columns; c++) {
                    double s = 0;
                    int off = base + c * n;
                    for (int k = 0; k < n; k++) {
                        s += g[i * n + k] * sens[off + k];
                    }
                    if (c < n) {
                        dy0[c] += s;
                    } else {
                        dth[c - n] += s;
                    }
                }
            }
            // dL/dt_i = g_iᵀ f(t_i, y_i) (i ≥ 1); dL/dt_0 = −Σ_{i≥1} g_iᵀ S_y0(t_i) f(t_0, y_0)
            for (int i = 1; i < m; i++) {
                dtimes[i] = Passes.dotF(system, times[i], states, i * n, g, i * n, ybuf, fbuf);
                evals++;
            }
            if (m > 1) {
                System.arraycopy(states, 0, ybuf, 0, n);
                system.derivative(times[0], ybuf, fbuf);
                evals++;
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += (dy0[k] - g[k]) * fbuf[k];
                }
                dtimes[0] = -s;
            }
            Passes.checkFinite(dy0, n, 0, false, times[0], "backward pass of the forward sensitivities");
            double[] thetaCheck = new double[n + p];
            System.arraycopy(dth, 0, thetaCheck, n, p);
            Passes.checkFinite(thetaCheck, n, p, false, times[0], "backward pass of the forward sensitivities");
            SolverStats bw = new SolverStats(evals, 0, 0);
            return new BackwardResult(dy0, dth, dtimes, bw, Double.NaN, Double.NaN, storedDoubles());
        }
    }
}
