package com.example.gradient;

import dev.neuralode.adjoint.BackwardResult;
import dev.neuralode.adjoint.ForwardPass;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSolveException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import java.util.Arrays;

/**
 * A gradient method written outside the library, with its public API only: forward sensitivity
 * analysis. The forward pass is the plain solve; the backward pass integrates the variational
 * equations forwards (Hairer, Nørsett, Wanner, <i>Solving Ordinary Differential Equations I</i>,
 * §I.14; the forward mode of CVODES, Hindmarsh et al., ACM TOMS 31, 2005) for the sensitivities
 * {@code S = ∂y/∂y0} ({@code n × n}) and {@code P = ∂y/∂θ} ({@code n × p}) alongside the state:
 * <pre>
 *   dy/dt = f(t, y, θ)                 y(t_0) = y0
 *   dS/dt = ∂f/∂y · S                  S(t_0) = I
 *   dP/dt = ∂f/∂y · P + ∂f/∂θ          P(t_0) = 0
 * </pre>
 * and contracts them with the cotangents {@code g_i}:
 * <pre>
 *   dL/dy0  = Σ_i S(t_i)ᵀ g_i,     dL/dθ = Σ_i P(t_i)ᵀ g_i,
 *   dL/dt_i = g_iᵀ f(t_i, y(t_i))  (i ≥ 1),     dL/dt_0 = -Σ_{i≥1} g_iᵀ S(t_i) f(t_0, y0)
 * </pre>
 * (moving {@code t_0} shifts the solution: {@code ∂y(t)/∂t_0 = -S(t) f(t_0, y0)}). The Jacobians
 * come row by row from the system's vector–Jacobian products with the unit vectors, {@code n}
 * products per evaluation, and the augmented state has {@code n + n² + n·p} components: worth it
 * only for a small state and few parameters, where it needs no backward solve and stores nothing
 * per step. The augmented solve uses the forward options (the sensitivities in the error norm).
 *
 * <p>Immutable and thread-safe; a forward pass belongs to one solve.
 */
public final class ForwardSensitivity implements GradientMethod {

    static final String PASS = "backward pass of forward sensitivity analysis";

    @Override
    public String name() {
        return "forward-sensitivity";
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times, SolverOptions options,
                               boolean keep) {
        OdeSolution sol = solve(system, y0, times, options, "forward pass of the ODE solve");
        int n = system.dimension();
        double[] states = new double[times.length * n];
        for (int i = 0; i < times.length; i++) {
            sol.copyState(i, states, i * n);
        }
        return new Pass(keep ? system : null, times.clone(), states, options, sol.stats());
    }

    private static OdeSolution solve(OdeSystem f, double[] y0, double[] times, SolverOptions o, String pass) {
        try {
            return OdeSolvers.solve(f, y0, times, o);
        } catch (NonFiniteStateException e) {
            throw e.inPass(pass);
        } catch (OdeSolveException e) {
            OdeSolveException r = new OdeSolveException(pass + ": " + e.getMessage(), e.time(), e.stepSize());
            r.initCause(e);
            throw r;
        }
    }

    private static final class Pass implements ForwardPass {
        private final DifferentiableOdeSystem system;
        private final double[] times;
        private final double[] states;
        private final SolverOptions options;
        private final SolverStats stats;

        Pass(DifferentiableOdeSystem system, double[] times, double[] states, SolverOptions options,
             SolverStats stats) {
            this.system = system;
            this.times = times;
            this.states = states;
            this.options = options;
            this.stats = stats;
        }

        @Override
        public double[] states() {
            return states;
        }

        @Override
        public SolverStats stats() {
            return stats;
        }

        @Override
        public long storedDoubles() {
            return states.length;
        }

        @Override
        public BackwardResult backward(double[] g) {
            if (system == null) {
                throw new IllegalStateException("forward-sensitivity: backward after a forward pass that kept nothing "
                        + "(keep == false)");
            }
            int n = system.dimension();
            int p = system.parameterCount();
            int m = times.length;
            int total = n + n * n + n * p;
            Variational aug = new Variational(system);
            double[] z0 = new double[total];
            System.arraycopy(states, 0, z0, 0, n);
            for (int i = 0; i < n; i++) {
                z0[n + i * n + i] = 1.0;
            }
            OdeSolution sol = solve(aug, z0, times, augmentedOptions(options, n, total), PASS);

            double[] dy0 = Arrays.copyOf(g, n);
            double[] dtheta = new double[p];
            double[] dtimes = new double[m];
            double[] y = new double[n];
            double[] f = new double[n];
            double[] f0 = new double[n];
            System.arraycopy(states, 0, y, 0, n);
            system.derivative(times[0], y, f0);
            long evaluations = aug.evaluations + 1;
            double[] z = new double[total];
            for (int i = 1; i < m; i++) {
                sol.copyState(i, z, 0);
                int go = i * n;
                for (int r = 0; r < n; r++) {
                    double gr = g[go + r];
                    int s = n + r * n;
                    int q = n + n * n + r * p;
                    double sf = 0;
                    for (int j = 0; j < n; j++) {
                        dy0[j] += gr * z[s + j];
                        sf += z[s + j] * f0[j];
                    }
                    for (int k = 0; k < p; k++) {
                        dtheta[k] += gr * z[q + k];
                    }
                    dtimes[0] -= gr * sf;
                }
                System.arraycopy(states, go, y, 0, n);
                system.derivative(times[i], y, f);
                evaluations++;
                double d = 0;
                for (int r = 0; r < n; r++) {
                    d += g[go + r] * f[r];
                }
                dtimes[i] = d;
            }
            SolverStats s = sol.stats();
            SolverStats work = new SolverStats(evaluations, s.acceptedSteps(), s.rejectedSteps());
            long peak = states.length + (long) m * total + 2L * (n * n + n * p);
            return new BackwardResult(dy0, dtheta, dtimes, work, Double.NaN, peak);
        }
    }

    /** The forward options for the augmented state: no user handler, a per-component atol widened. */
    private static SolverOptions augmentedOptions(SolverOptions o, int n, int total) {
        SolverOptions.Builder b = o.toBuilder().handler(null);
        double[] atol = o.atolVector();
        if (atol != null && atol.length == n) {
            double[] full = new double[total];
            Arrays.fill(full, o.atol());
            System.arraycopy(atol, 0, full, 0, n);
            b.atol(full);
        }
        return b.build();
    }

    /** {@code [y, S, P]' = [f, J S, J P + Jθ]}, the Jacobians from {@code n} vector–Jacobian products. */
    private static final class Variational implements OdeSystem {
        private final DifferentiableOdeSystem f;
        private final int n;
        private final int p;
        private final double[] y;
        private final double[] unit;
        private final double[] jy;
        private final double[] jth;
        private final double[] dydt;
        private final double[] jyRow;
        private final double[] jthRow;
        long evaluations;

        Variational(DifferentiableOdeSystem f) {
            this.f = f;
            this.n = f.dimension();
            this.p = f.parameterCount();
            this.y = new double[n];
            this.unit = new double[n];
            this.jy = new double[n * n];
            this.jth = new double[n * p];
            this.dydt = new double[n];
            this.jyRow = new double[n];
            this.jthRow = new double[p];
        }

        @Override
        public void derivative(double t, double[] z, double[] dz) {
            System.arraycopy(z, 0, y, 0, n);
            for (int i = 0; i < n; i++) {
                // row i of ∂f/∂y and of ∂f/∂θ: e_iᵀ ∂f/∂y, e_iᵀ ∂f/∂θ (f itself with the first product)
                unit[i] = 1.0;
                f.vectorJacobianProduct(t, y, unit, i == 0 ? dydt : null, jyRow, jthRow, null);
                unit[i] = 0.0;
                evaluations++;
                System.arraycopy(jyRow, 0, jy, i * n, n);
                System.arraycopy(jthRow, 0, jth, i * p, p);
            }
            System.arraycopy(dydt, 0, dz, 0, n);
            // dS = J S, dP = J P + Jθ; J's row i is jy[i·n, (i+1)·n)
            int s0 = n;
            int p0 = n + n * n;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) {
                        acc += jy[i * n + j] * z[s0 + j * n + k];
                    }
                    dz[s0 + i * n + k] = acc;
                }
                for (int k = 0; k < p; k++) {
                    double acc = jth[i * p + k];
                    for (int j = 0; j < n; j++) {
                        acc += jy[i * n + j] * z[p0 + j * p + k];
                    }
                    dz[p0 + i * p + k] = acc;
                }
            }
        }
    }
}
