package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.ButcherTableau;
import dev.neuralode.solvers.SolverOptions;

/**
 * Backpropagation through the solver: see {@link GradientMethod#direct()}.
 *
 * <p>For one explicit Runge–Kutta step from {@code (t, y)} with step {@code h}
 * <pre>
 *   Y_i = y + h Σ_{j&lt;i} a_ij k_j,   k_i = f(t + c_i h, Y_i),   y1 = y + h Σ_i b_i k_i
 * </pre>
 * the reverse sweep, given {@code ȳ1 = dL/dy1}, visits the stages last to first:
 * <pre>
 *   k̄_i = h (b_i ȳ1 + Σ_{l&gt;i} a_li Ȳ_l),   (Ȳ_i, θ̄_i, τ̄_i) = k̄_iᵀ ∂f/∂(Y, θ, t) at stage i
 *   ȳ = ȳ1 + Σ_i Ȳ_i,   θ̄ = Σ_i θ̄_i,   t̄ = Σ_i τ̄_i,
 *   h̄ = Σ_i c_i τ̄_i + Σ_i b_i ȳ1·k_i + Σ_l Ȳ_l·Σ_{j&lt;l} a_lj k_j
 * </pre>
 * The stages are recomputed from the stored state at the start of the step.
 */
final class DirectGradient implements GradientMethod {

    private static final String PASS = "backward pass of backprop through the solver";

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep) {
        int n = y0.length;
        int m = times.length;
        double[] user = options.stepTimes();
        double[] st;
        if (user == null) {
            st = times.clone();
        } else {
            st = java.util.Arrays.copyOf(user, user.length + m);
            System.arraycopy(times, 0, st, user.length, m);
        }
        Passes.DoubleList stepEnd = new Passes.DoubleList(64);
        Passes.DoubleList stepH = new Passes.DoubleList(64);
        Passes.DoubleList stepStates = new Passes.DoubleList(64 * n);
        if (keep) {
            stepStates.addAll(y0, n);
        }
        SolverOptions o = options.toBuilder().stepTimes(st).build();
        if (keep) {
            o = Passes.withObserver(o, (t, h, y, r) -> {
                stepEnd.add(t);
                stepH.add(h);
                stepStates.addAll(y, n);
            });
        }
        OdeSolution sol = Passes.solve(system, y0, times, o, "forward pass of the ODE solve");
        double[] states = new double[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(sol.state(i), 0, states, i * n, n);
        }
        return new Pass(system, times.clone(), states, options.tableau(), sol.stats(), stepEnd, stepH,
                stepStates);
    }

    private static final class Pass implements ForwardPass {
        private final DifferentiableOdeSystem system;
        private final double[] times;
        private final double[] states;
        private final ButcherTableau tableau;
        private final SolverStats stats;
        private final Passes.DoubleList stepEnd;
        private final Passes.DoubleList stepH;
        private final Passes.DoubleList stepStates;

        Pass(DifferentiableOdeSystem system, double[] times, double[] states, ButcherTableau tableau,
             SolverStats stats, Passes.DoubleList stepEnd, Passes.DoubleList stepH,
             Passes.DoubleList stepStates) {
            this.system = system;
            this.times = times;
            this.states = states;
            this.tableau = tableau;
            this.stats = stats;
            this.stepEnd = stepEnd;
            this.stepH = stepH;
            this.stepStates = stepStates;
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
            return states.length + times.length + stepEnd.size + stepH.size + stepStates.size;
        }

        /** The segment (index of its start output time) of every step; checks step ends. */
        private int[] segments() {
            int steps = stepEnd.size;
            int[] seg = new int[steps];
            int s = 0;
            double dir = Math.signum(times[times.length - 1] - times[0]);
            for (int k = 0; k < steps; k++) {
                seg[k] = s;
                double end = stepEnd.data[k];
                double target = times[s + 1];
                if (end == target || Math.abs(end - target) <= 1e-14 * Math.max(1.0, Math.abs(target))) {
                    s++;
                } else if (dir * (end - target) > 0) {
                    throw new IllegalStateException("backprop through the solver: step ending at t=" + end
                            + " passed output time " + target + " without stopping on it");
                }
            }
            if (s != times.length - 1) {
                throw new IllegalStateException("backprop through the solver: the recorded steps end at "
                        + "output " + s + " of " + (times.length - 1) + "; was the solve stopped early?");
            }
            return seg;
        }

        @Override
        public BackwardResult backward(double[] g) {
            if (stepEnd.size == 0 && times.length > 1) {
                throw new IllegalStateException("backprop through the solver: no steps were recorded "
                        + "(the forward pass ran without a tape that requires gradients)");
            }
            int n = system.dimension();
            int p = system.parameterCount();
            int m = times.length;
            int s = tableau.stages();
            double[][] a = tableau.a();
            double[] b = tableau.b();
            double[] c = tableau.c();
            int[] seg = segments();
            int steps = stepEnd.size;

            double[][] k = new double[s][n];
            double[][] yStage = new double[s][n];
            double[][] yBar = new double[s][n];
            double[] kBar = new double[n];
            double[] y = new double[n];
            double[] ybar = new double[n];
            double[] thBar = new double[p];
            double[] thTmp = new double[p];
            double[] tau = new double[1];
            double[] dtimes = new double[m];
            long evals = 0;

            System.arraycopy(g, (m - 1) * n, ybar, 0, n);
            for (int st = steps - 1; st >= 0; st--) {
                int sg = seg[st];
                boolean lastOfSegment = st == steps - 1 || seg[st + 1] != sg;
                if (lastOfSegment && sg + 1 < m - 1) {
                    for (int i = 0; i < n; i++) {
                        ybar[i] += g[(sg + 1) * n + i];
                    }
                }
                double h = stepH.data[st];
                double t = stepEnd.data[st] - h;
                System.arraycopy(stepStates.data, st * n, y, 0, n);
                // forward: recompute the stages
                for (int i = 0; i < s; i++) {
                    double[] yi = yStage[i];
                    System.arraycopy(y, 0, yi, 0, n);
                    for (int j = 0; j < i; j++) {
                        double aij = a[i][j];
                        if (aij != 0.0) {
                            double w = h * aij;
                            double[] kj = k[j];
                            for (int q = 0; q < n; q++) {
                                yi[q] += w * kj[q];
                            }
                        }
                    }
                    system.derivative(t + c[i] * h, yi, k[i]);
                    evals++;
                }
                // reverse: stages last to first
                double tBar = 0;
                double hBar = 0;
                for (int i = s - 1; i >= 0; i--) {
                    double bi = b[i];
                    boolean any = bi != 0.0;
                    for (int q = 0; q < n; q++) {
                        kBar[q] = h * bi * ybar[q];
                    }
                    for (int l = i + 1; l < s; l++) {
                        double ali = a[l][i];
                        if (ali != 0.0) {
                            any = true;
                            double w = h * ali;
                            double[] yl = yBar[l];
                            for (int q = 0; q < n; q++) {
                                kBar[q] += w * yl[q];
                            }
                        }
                    }
                    if (!any) {
                        java.util.Arrays.fill(yBar[i], 0.0);
                        continue;
                    }
                    system.vectorJacobianProduct(t + c[i] * h, yStage[i], kBar, null, yBar[i], thTmp, tau);
                    evals++;
                    for (int q = 0; q < p; q++) {
                        thBar[q] += thTmp[q];
                    }
                    tBar += tau[0];
                    hBar += c[i] * tau[0];
                }
                for (int i = 0; i < s; i++) {
                    double bi = b[i];
                    double[] ki = k[i];
                    if (bi != 0.0) {
                        double d = 0;
                        for (int q = 0; q < n; q++) {
                            d += ybar[q] * ki[q];
                        }
                        hBar += bi * d;
                    }
                }
                for (int l = 1; l < s; l++) {
                    double[] yl = yBar[l];
                    for (int j = 0; j < l; j++) {
                        double alj = a[l][j];
                        if (alj != 0.0) {
                            double d = 0;
                            double[] kj = k[j];
                            for (int q = 0; q < n; q++) {
                                d += yl[q] * kj[q];
                            }
                            hBar += alj * d;
                        }
                    }
                }
                for (int i = 0; i < s; i++) {
                    double[] yi = yBar[i];
                    for (int q = 0; q < n; q++) {
                        ybar[q] += yi[q];
                    }
                }
                // times: the step moves with its segment's start; the last step ends on the segment end
                dtimes[sg] += tBar;
                if (lastOfSegment) {
                    dtimes[sg + 1] += hBar;
                    dtimes[sg] -= hBar;
                }
                int bad = NonFiniteStateException.firstNonFinite(ybar);
                if (bad >= 0) {
                    throw new NonFiniteStateException(PASS + ": adjoint state a[" + bad + "]", t, h, bad,
                            ybar[bad]);
                }
            }
            for (int i = 0; i < n; i++) {
                ybar[i] += g[i];
            }
            long peak = storedDoubles() + 3L * s * n + 3L * n + 2L * p;
            return new BackwardResult(ybar, thBar, dtimes, new SolverStats(evals, steps, 0), Double.NaN, peak);
        }
    }
}
