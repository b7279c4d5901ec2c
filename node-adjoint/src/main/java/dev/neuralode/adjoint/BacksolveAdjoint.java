package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.StepHandler;
import dev.neuralode.solvers.step.StepInterpolator;
import java.util.Locale;

/**
 * The backsolve adjoint of Chen et al. (2018): see {@link GradientMethod#adjoint(AdjointOptions)}.
 * Keeps only the output states between forward and backward.
 */
final class BacksolveAdjoint implements GradientMethod {

    private static final String PASS = "backward pass of the backsolve adjoint";
    private final AdjointOptions adjointOptions;

    BacksolveAdjoint(AdjointOptions adjointOptions) {
        if (adjointOptions == null) {
            throw new IllegalArgumentException("adjoint options must not be null");
        }
        this.adjointOptions = adjointOptions;
    }

    @Override
    public String name() {
        return adjointOptions.seminorm() ? "adjoint-seminorm" : "adjoint";
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep) {
        return forward(system, y0, times, options, keep, new double[times.length * system.dimension()]);
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep, double[] into) {
        rejectImplicit(options);
        SolverStats stats = Passes.solveInto(system, y0, times, options, "forward pass of the ODE solve", into);
        return new Pass(system, times, into, stats, options);
    }

    /**
     * Refuses implicit (stiff) methods before any work: the backsolve adjoint integrates the state
     * backwards in time, where a stiff problem's fast decaying modes grow as {@code e^{|λ|t}}; on
     * Robertson's kinetics and on a linear system with eigenvalues down to −1e4 it ends in
     * non-finite states or exhausted step budgets (StiffGradientTest), and an implicit solve of the
     * augmented system factors {@code (2n + p + 1)²} matrices.
     */
    private void rejectImplicit(SolverOptions options) {
        SolverOptions back = adjointOptions.solver() != null ? adjointOptions.solver() : options;
        for (SolverOptions o : new SolverOptions[] {options, back}) {
            if (o.method() != null && o.method().isImplicit()) {
                throw new IllegalArgumentException(name() + ": method '" + o.method().name() + "' is implicit (for stiff"
                        + " problems), and the backsolve adjoint integrates the state backwards in time, which is"
                        + " unstable for stiff dynamics. Use GradientMethod.quadratureAdjoint() (the adjoint state"
                        + " alone, backwards with the implicit method, parameter gradients by quadrature) or"
                        + " GradientMethod.checkpointed()");
            }
        }
    }

    /** The augmented system {@code z = [y, a, aθ, at]}, {@code dz/dt = [f, -aᵀf_y, -aᵀf_θ, -aᵀf_t]}. */
    static final class Augmented implements OdeSystem {
        private final DifferentiableOdeSystem f;
        private final int n;
        private final int p;
        private final double[] y;
        private final double[] a;
        private final double[] dy;
        private final double[] aDy;
        private final double[] aDth;
        private final double[] aDt = new double[1];
        long evaluations;

        Augmented(DifferentiableOdeSystem f) {
            this.f = f;
            this.n = f.dimension();
            this.p = f.parameterCount();
            this.y = new double[n];
            this.a = new double[n];
            this.dy = new double[n];
            this.aDy = new double[n];
            this.aDth = new double[p];
        }

        @Override
        public void derivative(double t, double[] z, double[] dz) {
            Passes.checkFinite(z, n, p, true, t, PASS);
            System.arraycopy(z, 0, y, 0, n);
            System.arraycopy(z, n, a, 0, n);
            f.vectorJacobianProduct(t, y, a, dy, aDy, aDth, aDt);
            evaluations++;
            System.arraycopy(dy, 0, dz, 0, n);
            Passes.negatedProducts(aDy, aDth, aDt[0], dz, n);
            Passes.checkFinite(dz, n, p, true, t, PASS + " (derivative of the augmented state)");
        }
    }

    /** The largest step magnitude accepted in a solve (a step handler; reset by the caller). */
    static final class LargestStep implements StepHandler {
        double size;

        @Override
        public boolean handleStep(StepInterpolator step) {
            size = Math.max(size, Math.abs(step.stepSize()));
            return true;
        }
    }

    private final class Pass extends SolvedPass {

        Pass(DifferentiableOdeSystem system, double[] times, double[] states, SolverStats stats,
             SolverOptions options) {
            super(system, times, states, stats, options);
        }

        @Override
        public long storedDoubles() {
            return states.length + times.length;
        }

        @Override
        public BackwardResult backward(double[] g) {
            int n = system.dimension();
            int p = system.parameterCount();
            int m = times.length;
            int total = 2 * n + p + 1;
            SolverOptions back = Passes.backwardOptions(options, adjointOptions, n, 2, total);
            Augmented aug = new Augmented(system);
            double[] z = new double[total];
            double[] dtimes = new double[m];
            double[] ybuf = new double[n];
            double[] fbuf = new double[n];
            long evals = 0;
            SolverStats work = SolverStats.ZERO;
            double recon = 0;
            double relRecon = 0;
            double floor = magnitudeFloor(back, n);

            System.arraycopy(states, (m - 1) * n, z, 0, n);
            System.arraycopy(g, (m - 1) * n, z, n, n);
            double gf = Passes.dotF(system, times[m - 1], states, (m - 1) * n, g, (m - 1) * n, ybuf, fbuf);
            evals++;
            dtimes[m - 1] = gf;
            z[total - 1] = -gf;
            // each interval after the first starts with the largest step accepted in the previous
            // one (unless the user set firstStep): no initial-step evaluation, no ramp-up. A step
            // handler on each backward solve tracks it; only the first step differs between the
            // intervals' options
            boolean carry = Double.isNaN(back.firstStep());
            LargestStep largest = new LargestStep();
            for (int i = m - 1; i >= 1; i--) {
                SolverOptions oi = carry && largest.size > 0 ? back.toBuilder().firstStep(largest.size).build() : back;
                largest.size = 0;
                OdeSolution s = Passes.solve(aug, z, new double[] {times[i], times[i - 1]}, oi,
                        PASS + " (integrating from t=" + times[i] + " to t=" + times[i - 1] + ")", largest);
                work = work.plus(s.stats());
                z = s.state(1);
                double err = 0;
                double scale = floor;
                for (int k = 0; k < n; k++) {
                    err = Math.max(err, Math.abs(z[k] - states[(i - 1) * n + k]));
                    scale = Math.max(scale, Math.max(Math.abs(states[(i - 1) * n + k]), Math.abs(states[i * n + k])));
                }
                // NaN (a non-finite reconstruction) counts as above any threshold
                double rel = err / scale;
                recon = Math.max(recon, err);
                relRecon = Math.max(relRecon, rel);
                if (!(rel <= adjointOptions.maxReconstructionError())) {
                    throw reconstructionFailed(times, i, err, rel, scale);
                }
                System.arraycopy(states, (i - 1) * n, z, 0, n); // reset y to the forward solution
                for (int k = 0; k < n; k++) {
                    z[n + k] += g[(i - 1) * n + k];
                }
                if (i - 1 >= 1) {
                    gf = Passes.dotF(system, times[i - 1], states, (i - 1) * n, g, (i - 1) * n, ybuf, fbuf);
                    evals++;
                    dtimes[i - 1] = gf;
                    z[total - 1] -= gf;
                }
                Passes.checkFinite(z, n, p, true, times[i - 1], PASS);
            }
            double[] dy0 = new double[n];
            System.arraycopy(z, n, dy0, 0, n);
            double[] dth = new double[p];
            System.arraycopy(z, 2 * n, dth, 0, p);
            dtimes[0] = m > 1 ? z[total - 1] : 0.0;
            SolverStats bw = new SolverStats(evals + aug.evaluations, work.acceptedSteps(), work.rejectedSteps());
            return new BackwardResult(dy0, dth, dtimes, bw, recon, relRecon, storedDoubles() + 2L * total);
        }

        private ReconstructionErrorException reconstructionFailed(double[] times, int i, double err, double rel,
                                                                  double scale) {
            double max = adjointOptions.maxReconstructionError();
            return new ReconstructionErrorException(PASS + ": the state reconstructed by integrating backwards from t="
                    + times[i] + " to t=" + times[i - 1] + " is off from the forward solution by " + err
                    + " (max norm), a relative reconstruction error of " + String.format(Locale.ROOT, "%.3g", rel)
                    + " against the state's magnitude " + String.format(Locale.ROOT, "%.3g", scale)
                    + ", above the threshold maxReconstructionError = " + max + "; the gradient would be wrong "
                    + "(dissipative dynamics amplify errors when integrated backwards). Use "
                    + "GradientMethod.checkpointed(), which never integrates the state backwards, or raise the "
                    + "threshold with AdjointOptions.builder().maxReconstructionError(...)",
                    times[i - 1], rel, err, max);
        }
    }

    /**
     * The state magnitude below which the backward solve controls absolute rather than relative
     * error, {@code atol / rtol} (the largest absolute tolerance of the state part; {@code atol}
     * itself when {@code rtol = 0}): the floor of the scale of the relative reconstruction error.
     */
    static double magnitudeFloor(SolverOptions back, int n) {
        double atol = back.atol();
        double[] vec = back.atolVector();
        if (vec != null) {
            atol = 0;
            for (int k = 0; k < Math.min(n, vec.length); k++) {
                atol = Math.max(atol, vec[k]);
            }
        }
        double rtol = back.rtol();
        double floor = rtol > 0 ? atol / rtol : atol;
        return floor > 0 ? floor : Double.MIN_NORMAL;
    }
}
