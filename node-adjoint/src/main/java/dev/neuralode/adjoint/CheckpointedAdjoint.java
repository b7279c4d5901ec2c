package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.DenseSolution;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.StepHandler;

/**
 * The checkpointed adjoint: see {@link GradientMethod#checkpointed(int, AdjointOptions)}.
 */
final class CheckpointedAdjoint implements GradientMethod {

    private static final String PASS = "backward pass of the checkpointed adjoint";
    private final int stepsPerCheckpoint;
    private final AdjointOptions adjointOptions;

    CheckpointedAdjoint(int stepsPerCheckpoint, AdjointOptions adjointOptions) {
        if (stepsPerCheckpoint < 1) {
            throw new IllegalArgumentException("checkpointed: stepsPerCheckpoint must be at least 1, got "
                    + stepsPerCheckpoint);
        }
        if (adjointOptions == null) {
            throw new IllegalArgumentException("adjoint options must not be null");
        }
        this.stepsPerCheckpoint = stepsPerCheckpoint;
        this.adjointOptions = adjointOptions;
    }

    @Override
    public String name() {
        return "checkpointed";
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
        DenseSolution dense;
        long evaluations;

        AdjointSystem(DifferentiableOdeSystem f) {
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
            Passes.checkFinite(z, n, p, false, t, PASS);
            dense.evaluate(t, y);
            System.arraycopy(z, 0, a, 0, n);
            f.vectorJacobianProduct(t, y, a, null, aDy, aDth, aDt);
            evaluations++;
            Passes.negatedProducts(aDy, aDth, aDt[0], dz, 0);
            Passes.checkFinite(dz, n, p, false, t, PASS + " (derivative of the adjoint state)");
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
            SolverOptions back = Passes.backwardOptions(options, adjointOptions, n, 1, total);
            AdjointSystem adj = new AdjointSystem(system);
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
            for (int b = bounds.length - 1; b >= 1; b--) {
                double t0 = bounds[b - 1];
                double t1 = bounds[b];
                System.arraycopy(boundStates, (b - 1) * n, start, 0, n);
                String where = " (segment from t=" + t1 + " back to t=" + t0 + ")";
                DenseSolution dense = Passes.solveDense(system, start, t0, t1, options,
                        PASS + ", re-solving the state forwards" + where);
                work = work.plus(dense.stats());
                evals += dense.stats().functionEvaluations();
                long held = (long) dense.stepTimes().length * (n + 1);
                peak = Math.max(peak, storedDoubles() + held + 2L * total);
                adj.dense = dense;
                OdeSolution s = Passes.solve(adj, z, new double[] {t1, t0}, back, PASS + where);
                adj.dense = null;
                SolverStats ss = s.stats();
                work = new SolverStats(work.functionEvaluations(), work.acceptedSteps() + ss.acceptedSteps(),
                        work.rejectedSteps() + ss.rejectedSteps());
                z = s.state(1);
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
                Passes.checkFinite(z, n, p, false, t0, PASS);
            }
            double[] dy0 = new double[n];
            System.arraycopy(z, 0, dy0, 0, n);
            double[] dth = new double[p];
            System.arraycopy(z, n, dth, 0, p);
            dtimes[0] = m > 1 ? z[total - 1] : 0.0;
            SolverStats bw = new SolverStats(evals + adj.evaluations, work.acceptedSteps(), work.rejectedSteps());
            return new BackwardResult(dy0, dth, dtimes, bw, Double.NaN, Double.NaN, peak);
        }
    }
}
