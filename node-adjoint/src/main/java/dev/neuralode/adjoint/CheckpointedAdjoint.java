package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.Jacobian;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.DenseSolution;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.StepHandler;

/**
 * The checkpointed adjoint ({@link GradientMethod#checkpointed(int, AdjointOptions)}) and the
 * quadrature adjoint ({@link GradientMethod#quadratureAdjoint(int, AdjointOptions)}): both keep
 * checkpoints and re-solve each segment forwards with dense output; the first integrates
 * {@code [a, aθ, at]} backwards, the second only {@code a} and takes {@code aθ, at} by
 * Gauss–Legendre quadrature over each backward step.
 */
final class CheckpointedAdjoint implements GradientMethod {

    private final String pass;
    private final int stepsPerCheckpoint;
    private final AdjointOptions adjointOptions;
    /** Gauss–Legendre nodes and weights on [0, 1] for the quadrature adjoint; null for the checkpointed one. */
    private final double[] nodes;
    private final double[] weights;

    CheckpointedAdjoint(int stepsPerCheckpoint, AdjointOptions adjointOptions) {
        this(stepsPerCheckpoint, adjointOptions, 0);
    }

    /**
     * @param quadraturePoints Gauss–Legendre points per backward step for the quadrature adjoint,
     *                         0 for the checkpointed adjoint
     */
    CheckpointedAdjoint(int stepsPerCheckpoint, AdjointOptions adjointOptions, int quadraturePoints) {
        String name = quadraturePoints > 0 ? "quadratureAdjoint" : "checkpointed";
        if (stepsPerCheckpoint < 1) {
            throw new IllegalArgumentException(name + ": stepsPerCheckpoint must be at least 1, got "
                    + stepsPerCheckpoint);
        }
        if (quadraturePoints < 0 || quadraturePoints > GaussLegendre.MAX_POINTS) {
            throw new IllegalArgumentException(name + ": the number of Gauss-Legendre points must be in [1, "
                    + GaussLegendre.MAX_POINTS + "], got " + quadraturePoints);
        }
        if (adjointOptions == null) {
            throw new IllegalArgumentException("adjoint options must not be null");
        }
        this.stepsPerCheckpoint = stepsPerCheckpoint;
        this.adjointOptions = adjointOptions;
        this.pass = "backward pass of the " + (quadraturePoints > 0 ? "quadrature" : "checkpointed") + " adjoint";
        if (quadraturePoints > 0) {
            GaussLegendre rule = GaussLegendre.of(quadraturePoints);
            this.nodes = rule.nodes();
            this.weights = rule.weights();
        } else {
            this.nodes = null;
            this.weights = null;
        }
    }

    @Override
    public String name() {
        return nodes != null ? "quadratureAdjoint" : "checkpointed";
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep) {
        return forward(system, y0, times, options, keep, new double[times.length * system.dimension()]);
    }

    @Override
    public ForwardPass forward(DifferentiableOdeSystem system, double[] y0, double[] times,
                               SolverOptions options, boolean keep, double[] into) {
        int n = y0.length;
        Passes.DoubleList cpTimes = new Passes.DoubleList(16);
        Passes.DoubleList cpStates = new Passes.DoubleList(16 * n);
        long[] count = new long[1];
        // every k-th accepted step's end is a checkpoint: a handler on this solve only
        StepHandler checkpoints = step -> {
            if (++count[0] % stepsPerCheckpoint == 0) {
                cpTimes.add(step.endTime());
                cpStates.addAll(step.endState(), n);
            }
            return true;
        };
        SolverStats stats = keep
                ? Passes.solveInto(system, y0, times, options, "forward pass of the ODE solve", into, checkpoints)
                : Passes.solveInto(system, y0, times, options, "forward pass of the ODE solve", into);
        return new Pass(system, times, into, stats, options, cpTimes, cpStates, keep);
    }

    /** The adjoint system {@code z = [a, aθ, at]} against an interpolated state. */
    static final class AdjointSystem implements OdeSystem {
        private final DifferentiableOdeSystem f;
        private final int n;
        private final int p;
        private final double[] y;
        private final double[] a;
        private final double[] aDy;
        private final double[] aDth;
        private final double[] aDt = new double[1];
        private final String pass;
        DenseSolution dense;
        long evaluations;

        AdjointSystem(DifferentiableOdeSystem f, String pass) {
            this.pass = pass;
            this.f = f;
            this.n = f.dimension();
            this.p = f.parameterCount();
            this.y = new double[n];
            this.a = new double[n];
            this.aDy = new double[n];
            this.aDth = new double[p];
        }

        @Override
        public void derivative(double t, double[] z, double[] dz) {
            Passes.checkFinite(z, n, p, false, t, pass);
            dense.evaluateExtended(t, y);
            System.arraycopy(z, 0, a, 0, n);
            f.vectorJacobianProduct(t, y, a, null, aDy, aDth, aDt);
            evaluations++;
            Passes.negatedProducts(aDy, aDth, aDt[0], dz, 0);
            Passes.checkFinite(dz, n, p, false, t, pass + " (derivative of the adjoint state)");
        }
    }

    /**
     * The adjoint state alone, {@code da/dt = −(∂f/∂y)ᵀ a} against an interpolated state, for the
     * quadrature adjoint: its Jacobian {@code −(∂f/∂y)ᵀ} is the transposed Jacobian of the forward
     * system (the user's {@link Jacobian} if the system has one, else {@code n} exact
     * vector–Jacobian products with unit cotangents), so an implicit method solves an
     * {@code n × n} system and the parameters never enter it.
     */
    static class QuadratureSystem implements OdeSystem, Jacobian {
        final DifferentiableOdeSystem f;
        final int n;
        private final int p;
        private final String pass;
        final double[] y;
        private final double[] aDy;
        private final double[] aDth;
        private final double[] aDt = new double[1];
        private final double[] unit;
        private final double[] forwardJacobian;
        private final Jacobian userJacobian;
        DenseSolution dense;
        long evaluations;

        QuadratureSystem(DifferentiableOdeSystem f, String pass) {
            this.f = f;
            this.n = f.dimension();
            this.p = f.parameterCount();
            this.pass = pass;
            this.y = new double[n];
            this.aDy = new double[n];
            this.aDth = new double[p];
            this.unit = new double[n];
            this.userJacobian = f instanceof Jacobian j ? j : null;
            this.forwardJacobian = userJacobian != null ? new double[n * n] : null;
        }

        @Override
        public void derivative(double t, double[] a, double[] da) {
            Passes.checkFinite(a, n, 0, false, t, pass);
            dense.evaluateExtended(t, y);
            f.vectorJacobianProduct(t, y, a, null, aDy, aDth, aDt);
            evaluations++;
            for (int k = 0; k < n; k++) {
                da[k] = -aDy[k];
            }
            Passes.checkFinite(da, n, 0, false, t, pass + " (derivative of the adjoint state)");
        }

        @Override
        public void jacobian(double t, double[] a, double[] dfdy) {
            dense.evaluateExtended(t, y);
            if (userJacobian != null) {
                userJacobian.jacobian(t, y, forwardJacobian);
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < n; k++) {
                        dfdy[i * n + k] = -forwardJacobian[k * n + i];
                    }
                }
                return;
            }
            // row k of ∂f/∂y is e_kᵀ ∂f/∂y; it is column k of the adjoint's Jacobian −(∂f/∂y)ᵀ
            for (int k = 0; k < n; k++) {
                unit[k] = 1.0;
                f.vectorJacobianProduct(t, y, unit, null, aDy, aDth, aDt);
                unit[k] = 0.0;
                evaluations++;
                for (int i = 0; i < n; i++) {
                    dfdy[i * n + k] = -aDy[i];
                }
            }
        }

        /** The system for the backward solve: block-diagonal when the forward one is. */
        static QuadratureSystem of(DifferentiableOdeSystem f, String pass) {
            return f instanceof dev.neuralode.core.BlockDiagonalJacobian b ? new Blocks(f, b, pass)
                    : new QuadratureSystem(f, pass);
        }

        /**
         * A step handler for the backward solve that adds, over each accepted step from {@code s0}
         * to {@code s1 = s0 + h}, {@code −h Σ_q w_q (aᵀ ∂f/∂θ, aᵀ ∂f/∂t)(s0 + c_q h)} to
         * {@code z[n..n+p]}, with {@code a} from the step's interpolant and {@code y} from the
         * re-solved forward segment.
         */
        StepHandler accumulator(double[] c, double[] w, double[] z, int offset) {
            double[] aq = new double[n];
            return step -> {
                double s0 = step.startTime();
                double h = step.endTime() - s0;
                for (int q = 0; q < c.length; q++) {
                    double t = s0 + c[q] * h;
                    step.state(t, aq);
                    dense.evaluateExtended(t, y);
                    f.vectorJacobianProduct(t, y, aq, null, aDy, aDth, aDt);
                    evaluations++;
                    double hw = h * w[q];
                    for (int k = 0; k < p; k++) {
                        z[offset + k] -= hw * aDth[k];
                    }
                    z[offset + p] -= hw * aDt[0];
                }
                Passes.checkFinite(z, offset, p, false, step.endTime(), pass + " (quadrature of the parameter adjoint)");
                return true;
            };
        }
    }

    /**
     * The quadrature adjoint's backward system when the forward system's Jacobian is block-diagonal
     * (a batch of independent samples): so is {@code −(∂f/∂y)ᵀ}, with blocks {@code −J_bᵀ}, and an
     * implicit backward solve factors {@code B} small blocks.
     */
    static final class Blocks extends QuadratureSystem implements dev.neuralode.core.BlockDiagonalJacobian {
        private final dev.neuralode.core.BlockDiagonalJacobian forward;
        private double[] forwardBlocks;

        Blocks(DifferentiableOdeSystem f, dev.neuralode.core.BlockDiagonalJacobian forward, String pass) {
            super(f, pass);
            this.forward = forward;
        }

        @Override
        public int jacobianBlockSize(int n) {
            return forward.jacobianBlockSize(n);
        }

        @Override
        public void jacobianBlocks(double t, double[] a, double[] blocks) {
            int d = forward.checkedBlockSize(n);
            if (forwardBlocks == null) {
                forwardBlocks = new double[n * d];
            }
            dense.evaluateExtended(t, y);
            forward.jacobianBlocks(t, y, forwardBlocks);
            int dd = d * d;
            for (int b = 0; b < n / d; b++) {
                int off = b * dd;
                for (int i = 0; i < d; i++) {
                    for (int k = 0; k < d; k++) {
                        blocks[off + i * d + k] = -forwardBlocks[off + k * d + i];
                    }
                }
            }
        }

        @Override
        public void jacobian(double t, double[] a, double[] dfdy) {
            super.jacobian(t, a, dfdy);
        }
    }

    private final class Pass extends SolvedPass {
        /** Segment boundaries in time order: output times and checkpoints. */
        private final double[] bounds;
        private final double[] boundStates;
        /** For each boundary, the output index it is, or -1 for a checkpoint. */
        private final int[] outputIndex;

        Pass(DifferentiableOdeSystem system, double[] times, double[] states, SolverStats stats,
             SolverOptions options, Passes.DoubleList cpTimes, Passes.DoubleList cpStates, boolean keep) {
            super(system, times, states, stats, Passes.withoutUserHandler(options));
            int n = system.dimension();
            int m = times.length;
            double dir = Math.signum(times[m - 1] - times[0]);
            int c = keep ? cpTimes.size : 0;
            double[] bt = new double[m + c];
            double[] bs = new double[(m + c) * n];
            int[] oi = new int[m + c];
            int i = 0;
            int j = 0;
            int k = 0;
            while (i < m || j < c) {
                boolean takeOutput = j >= c || (i < m && dir * (times[i] - cpTimes.data[j]) <= 0);
                if (takeOutput) {
                    if (k > 0 && bt[k - 1] == times[i] && oi[k - 1] < 0) {
                        k--; // a checkpoint that falls on an output time: keep the output
                    }
                    bt[k] = times[i];
                    System.arraycopy(states, i * n, bs, k * n, n);
                    oi[k++] = i++;
                } else {
                    if (k > 0 && bt[k - 1] == cpTimes.data[j]) {
                        j++;
                        continue;
                    }
                    bt[k] = cpTimes.data[j];
                    System.arraycopy(cpStates.data, j * n, bs, k * n, n);
                    oi[k++] = -1;
                    j++;
                }
            }
            this.bounds = java.util.Arrays.copyOf(bt, k);
            this.boundStates = java.util.Arrays.copyOf(bs, k * n);
            this.outputIndex = java.util.Arrays.copyOf(oi, k);
        }

        @Override
        public long storedDoubles() {
            return states.length + times.length + boundStates.length + bounds.length;
        }

        @Override
        public BackwardResult backward(double[] g) {
            int n = system.dimension();
            int p = system.parameterCount();
            int m = times.length;
            int total = n + p + 1;
            boolean quadrature = nodes != null;
            SolverOptions back = quadrature
                    ? Passes.backwardOptions(options, adjointOptions, n, 1, n)
                    : Passes.backwardOptions(options, adjointOptions, n, 1, total);
            AdjointSystem adj = quadrature ? null : new AdjointSystem(system, pass);
            QuadratureSystem quad = quadrature ? QuadratureSystem.of(system, pass) : null;
            double[] z = new double[total];
            double[] dtimes = new double[m];
            double[] ybuf = new double[n];
            double[] fbuf = new double[n];
            long evals = 0;
            SolverStats work = SolverStats.ZERO;
            long peak = storedDoubles();

            System.arraycopy(g, (m - 1) * n, z, 0, n);
            double gf = Passes.dotF(system, times[m - 1], states, (m - 1) * n, g, (m - 1) * n, ybuf, fbuf);
            evals++;
            dtimes[m - 1] = gf;
            z[total - 1] = -gf;
            double[] start = new double[n];
            double[] a = quadrature ? new double[n] : null;
            StepHandler quadratureSteps = quadrature ? quad.accumulator(nodes, weights, z, n) : null;
            for (int b = bounds.length - 1; b >= 1; b--) {
                double t0 = bounds[b - 1];
                double t1 = bounds[b];
                System.arraycopy(boundStates, (b - 1) * n, start, 0, n);
                String where = " (segment from t=" + t1 + " back to t=" + t0 + ")";
                DenseSolution dense = Passes.solveDense(system, start, t0, t1, options,
                        pass + ", re-solving the state forwards" + where);
                work = work.plus(dense.stats());
                evals += dense.stats().functionEvaluations();
                long held = (long) dense.stepTimes().length * (n + 1);
                peak = Math.max(peak, storedDoubles() + held + 2L * total);
                OdeSolution s;
                if (quadrature) {
                    quad.dense = dense;
                    System.arraycopy(z, 0, a, 0, n);
                    s = Passes.solve(quad, a, new double[] {t1, t0}, back, pass + where, quadratureSteps);
                    quad.dense = null;
                    System.arraycopy(s.state(1), 0, z, 0, n);
                } else {
                    adj.dense = dense;
                    s = Passes.solve(adj, z, new double[] {t1, t0}, back, pass + where);
                    adj.dense = null;
                    z = s.state(1);
                }
                SolverStats ss = s.stats();
                work = new SolverStats(work.functionEvaluations(), work.acceptedSteps() + ss.acceptedSteps(),
                        work.rejectedSteps() + ss.rejectedSteps(), work.jacobianEvaluations() + ss.jacobianEvaluations(),
                        work.factorizations() + ss.factorizations(), work.newtonIterations() + ss.newtonIterations(),
                        work.newtonFailures() + ss.newtonFailures());
                int i = outputIndex[b - 1];
                if (i >= 0) {
                    for (int k = 0; k < n; k++) {
                        z[k] += g[i * n + k];
                    }
                    if (i >= 1) {
                        gf = Passes.dotF(system, times[i], states, i * n, g, i * n, ybuf, fbuf);
                        evals++;
                        dtimes[i] = gf;
                        z[total - 1] -= gf;
                    }
                }
                Passes.checkFinite(z, n, p, false, t0, pass);
            }
            double[] dy0 = new double[n];
            System.arraycopy(z, 0, dy0, 0, n);
            double[] dth = new double[p];
            System.arraycopy(z, n, dth, 0, p);
            dtimes[0] = m > 1 ? z[total - 1] : 0.0;
            long backwardEvaluations = quadrature ? quad.evaluations : adj.evaluations;
            SolverStats bw = new SolverStats(evals + backwardEvaluations, work.acceptedSteps(), work.rejectedSteps(),
                    work.jacobianEvaluations(), work.factorizations(), work.newtonIterations(), work.newtonFailures());
            return new BackwardResult(dy0, dth, dtimes, bw, Double.NaN, Double.NaN, peak);
        }
    }
}
