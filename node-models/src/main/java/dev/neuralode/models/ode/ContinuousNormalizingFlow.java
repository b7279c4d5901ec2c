package dev.neuralode.models.ode;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Op;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.nn.Module;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * A continuous normalizing flow (Chen et al. 2018; FFJORD, Grathwohl et al., ICLR 2019). Data
 * {@code x} is transported to the base distribution {@code N(0, I)} by {@code dz/dt = f(t, z)} on
 * {@code [0, T]}, and the log-density changes by the instantaneous change of variables
 * {@code d log p(z(t))/dt = -tr(∂f/∂z)}. The solver integrates the joint state {@code [z, Δ]}
 * with {@code dΔ/dt = -tr(∂f/∂z)}, {@code Δ(0) = 0}, so
 * {@code log p(x) = log N(z(T); 0, I) - Δ(T)}.
 *
 * <p>The trace is computed
 * <ul>
 *   <li>exactly ({@link TraceEstimator#EXACT}), {@code Σ_i ∂f_i/∂z_i}, with one reverse sweep per
 *       dimension on the tape in create-graph mode (so it is differentiable again) — for small
 *       dimensions; or</li>
 *   <li>by Hutchinson's estimator (Hutchinson 1990), {@code tr(J) ≈ εᵀ J ε} with
 *       {@code E[εεᵀ] = I}, one vector–Jacobian product per evaluation, the noise ε drawn once
 *       per solve (Rademacher ±1 or Gaussian), unbiased.</li>
 * </ul>
 * Sampling draws {@code z ~ N(0, I)} and integrates the dynamics backwards from T to 0.
 *
 * <p><b>Gradients.</b> The field {@code [f, -tr J]} is one op on the solver's tape whose value and
 * vector–Jacobian product (with respect to the state, the time and every parameter) are computed
 * on private tapes, so the flow trains with every gradient method (direct, adjoint,
 * checkpointed); the parameter gradients match finite differences to about 1e-10 for all three
 * trace estimators ({@code CnfGradientTest}). Each solve binds its own Hutchinson noise, so a
 * gradient method that re-evaluates the field in its backward pass uses the noise of that solve
 * even if the flow was solved again in between. The gradient is first order only, as is every
 * differentiable ODE solve of node-adjoint.
 * The dynamics module is the child {@code func} (network {@code func.net}).
 */
public final class ContinuousNormalizingFlow extends Module {

    /** How the Jacobian trace is computed. */
    public enum TraceEstimator {
        /** Exact trace, one reverse sweep per dimension. */
        EXACT,
        /** Hutchinson's estimator with Rademacher (±1) noise. */
        HUTCHINSON_RADEMACHER,
        /** Hutchinson's estimator with standard Gaussian noise. */
        HUTCHINSON_GAUSSIAN
    }

    private final int dim;
    private final double endTime;
    private final SolverOptions options;
    private final GradientMethod method;
    private final TraceEstimator estimator;
    private final CnfDynamics func;

    /**
     * Creates a flow.
     *
     * @param dim       d, the data dimension
     * @param net       the velocity network {@code (t, z) ↦ f}, {@code batch × d → batch × d}
     *                  (time-dependent layers such as {@link dev.neuralode.models.nn.ConcatSquashLinear}
     *                  are typical)
     * @param endTime   T &gt; 0
     * @param options   the solver options
     * @param method    the gradient method
     * @param estimator the trace estimator
     */
    public ContinuousNormalizingFlow(int dim, Layer net, double endTime, SolverOptions options,
            GradientMethod method, TraceEstimator estimator) {
        if (dim < 1 || !(endTime > 0)) {
            throw new IllegalArgumentException("ContinuousNormalizingFlow: invalid dim " + dim + " or end time "
                    + endTime);
        }
        this.dim = dim;
        this.endTime = endTime;
        this.options = options;
        this.method = method;
        this.estimator = estimator;
        this.func = registerModule("func", new CnfDynamics(dim, net));
    }

    /**
     * The log-density of each row of {@code x} under the flow.
     *
     * @param x   data, {@code batch × d}, on any tape
     * @param rng the source of Hutchinson noise (unused by the exact trace). Modified.
     * @return {@code batch × 1} log-densities, differentiable in the parameters
     */
    public Tensor logProb(Tensor x, Random rng) {
        if (x.cols() != dim) {
            throw new IllegalArgumentException("ContinuousNormalizingFlow: expected input of shape batch x " + dim
                    + ", got " + x.shapeString());
        }
        DMatrixRMaj eps = estimator == TraceEstimator.EXACT ? null : noise(x.rows(), rng);
        Tensor state0 = Tensor.concatCols(x, x.tape().full(x.rows(), 1, 0.0));
        OdeSolveResult r = OdeSolve.solve(new NoiseBound(func, eps), state0, new double[]{0.0, endTime}, options,
                method);
        Tensor s = r.at(1);
        Tensor z = s.sliceCols(0, dim);
        Tensor delta = s.sliceCols(dim, dim + 1);
        return LossFunctions.standardNormalLogProb(z).sub(delta);
    }

    /**
     * Log-densities without gradients (for evaluation, such as a density on a grid).
     *
     * @param x   points, {@code n × d}. Not modified.
     * @param rng Hutchinson noise source. Modified.
     * @return {@code n} log-densities
     */
    public double[] logProbValues(double[][] x, Random rng) {
        Tape tape = new Tape();
        Tape.Scope scope = tape.noGrad();
        try {
            Tensor lp = logProb(tape.constant(x), rng);
            double[] out = new double[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = lp.get(i, 0);
            }
            return out;
        } finally {
            scope.close();
        }
    }

    /**
     * Draws samples: {@code z ~ N(0, I)} transported from T back to 0.
     *
     * @param n   the number of samples
     * @param rng the random source. Modified.
     * @return {@code n × d} samples
     */
    public double[][] sample(int n, Random rng) {
        Tape tape = new Tape();
        Tape.Scope scope = tape.noGrad();
        try {
            Tensor z = LossFunctions.gaussianNoise(tape, n, dim, rng);
            DMatrixRMaj eps = estimator == TraceEstimator.EXACT ? null : noise(n, rng);
            Tensor state = Tensor.concatCols(z, tape.full(n, 1, 0.0));
            OdeSolveResult r = OdeSolve.solve(new TimeReversed(new NoiseBound(func, eps)), state,
                    new double[]{-endTime, 0.0}, options, method);
            return r.at(1).sliceCols(0, dim).toArray();
        } finally {
            scope.close();
        }
    }

    /**
     * The trace of the Jacobian of the velocity field, {@code tr(∂f/∂z)} per row: exact when
     * {@code noise} is null, else Hutchinson's {@code εᵀ (∂f/∂z) ε}.
     *
     * @param t     the time, 1×1
     * @param z     points, {@code batch × d}, on a recording tape
     * @param noise ε, {@code batch × d}, or null for the exact trace. Not modified.
     * @return {@code batch × 1}
     */
    public Tensor divergence(Tensor t, Tensor z, DMatrixRMaj noise) {
        Tape tape = z.tape();
        if (!z.requiresGrad()) {
            z = tape.variable(z.value().copy());
        }
        return func.trace(func.net.forward(t, z), z, noise, tape.isRecording());
    }

    /**
     * Fresh noise for Hutchinson's estimator of this flow's kind.
     *
     * @param rows the batch size
     * @param rng  the source. Modified.
     * @return {@code rows × d} Rademacher or Gaussian noise
     */
    public DMatrixRMaj noise(int rows, Random rng) {
        DMatrixRMaj e = new DMatrixRMaj(rows, dim);
        for (int i = 0; i < e.data.length; i++) {
            e.data[i] = estimator == TraceEstimator.HUTCHINSON_GAUSSIAN ? rng.nextGaussian()
                    : (rng.nextBoolean() ? 1.0 : -1.0);
        }
        return e;
    }

    /**
     * The data dimension.
     *
     * @return d
     */
    public int dim() {
        return dim;
    }

    /**
     * The trace estimator.
     *
     * @return the estimator
     */
    public TraceEstimator estimator() {
        return estimator;
    }

    /**
     * The augmented dynamics on {@code [z, Δ]}.
     *
     * @return the ODE function
     */
    public OdeFunction func() {
        return func;
    }

    /**
     * The dynamics' evaluation count.
     *
     * @return the count
     */
    public long nfe() {
        return func.nfe();
    }

    /**
     * {@code d[z, Δ]/dt = [f(t, z), -tr(∂f/∂z)]}. Evaluated directly (as {@link #func()}) it uses the
     * exact trace; {@link NoiseBound} binds Hutchinson noise for the duration of one evaluation.
     */
    static final class CnfDynamics extends OdeFunction {
        final int dim;
        final Layer net;
        /** The noise of the evaluation in progress, set only by {@link NoiseBound}; null: exact. */
        private DMatrixRMaj noise;

        CnfDynamics(int dim, Layer net) {
            this.dim = dim;
            this.net = registerModule("net", net);
        }

        @Override
        protected Tensor evaluate(Tensor t, Tensor state) {
            Tape tape = state.tape();
            if (state.cols() != dim + 1) {
                throw new IllegalArgumentException("CNF dynamics: expected state of shape batch x " + (dim + 1)
                        + ", got " + state.shapeString());
            }
            List<Parameter> ps = net.parameters();
            Tensor[] inputs = new Tensor[2 + ps.size()];
            inputs[0] = state;
            inputs[1] = t;
            for (int i = 0; i < ps.size(); i++) {
                inputs[2 + i] = tape.param(ps.get(i));
            }
            return tape.apply(new FieldOp(this, ps, noise), inputs);
        }

        /**
         * The value {@code [f, -tr J]} on a private tape.
         *
         * @return {@code {z leaf, t leaf, [f, -tr J]}}
         */
        Tensor[] field(Tape local, double t, DMatrixRMaj state, List<Parameter> ps, DMatrixRMaj eps,
                boolean createGraph, Tensor[] paramLeaves) {
            DMatrixRMaj zv = local.newMatrix(state.numRows, dim);
            for (int r = 0; r < state.numRows; r++) {
                System.arraycopy(state.data, r * (dim + 1), zv.data, r * dim, dim);
            }
            Tensor z = local.variable(zv);
            DMatrixRMaj tv = local.newMatrix(1, 1);
            tv.data[0] = t;
            Tensor tt = local.variable(tv);
            for (int i = 0; i < ps.size(); i++) {
                paramLeaves[i] = local.param(ps.get(i));
            }
            Tensor f = net.forward(tt, z);
            Tensor tr = trace(f, z, eps, createGraph);
            return new Tensor[]{z, tt, Tensor.concatCols(f, tr.neg())};
        }

        Tensor trace(Tensor f, Tensor z, DMatrixRMaj eps, boolean createGraph) {
            Tape tape = z.tape();
            if (eps == null) {
                Tensor tr = null;
                for (int i = 0; i < dim; i++) {
                    Tensor gi = tape.gradients(f.sliceCols(i, i + 1).sum(), null, createGraph, z)[0];
                    Tensor col = gi.sliceCols(i, i + 1);
                    tr = tr == null ? col : tr.add(col);
                }
                return tr;
            }
            if (eps.numRows != z.rows() || eps.numCols != dim) {
                throw new IllegalStateException("CNF dynamics: Hutchinson noise of shape " + eps.numRows + "x"
                        + eps.numCols + " for a batch of shape " + z.shapeString());
            }
            Tensor e = tape.constant(eps);
            Tensor vjp = tape.gradients(f.mul(e).sum(), null, createGraph, z)[0];
            return vjp.mul(e).sum(1);
        }
    }

    /**
     * The CNF dynamics with one solve's Hutchinson noise bound to it. A gradient method may
     * evaluate the dynamics again long after the forward solve (the adjoint's backward solve, the
     * direct method's vector–Jacobian products), possibly after other solves of the same flow with
     * other noise; binding the noise to the object handed to the solver makes every such
     * re-evaluation use the noise of its own forward solve.
     */
    private static final class NoiseBound implements Dynamics {
        private final CnfDynamics f;
        private final DMatrixRMaj eps;

        NoiseBound(CnfDynamics f, DMatrixRMaj eps) {
            this.f = f;
            this.eps = eps;
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            f.noise = eps;
            try {
                return f.apply(t, h);
            } finally {
                f.noise = null;
            }
        }

        @Override
        public List<Parameter> parameters() {
            return f.parameters();
        }
    }

    /**
     * The CNF field as one op on the caller's tape, with inputs {@code [state, t, θ...]}: forward
     * and vector–Jacobian product are each computed on a private tape (the trace needs reverse
     * sweeps of its own, and the solver evaluates the dynamics in no-grad mode), so a solve
     * recorded on one long tape does not sweep its whole history at every evaluation. The
     * vector–Jacobian product covers the state, the time and every parameter; it is returned as
     * constants (first order), which is all a differentiable ODE solve needs (its own gradient is
     * first order). Both private tapes are closed before the op returns: what they computed goes
     * back to the thread's arena, and the op's results are copied into arrays of the caller's tape
     * ({@link Op#newValue}), so an evaluation leaves no garbage.
     */
    private static final class FieldOp implements Op {
        private final CnfDynamics dyn;
        private final List<Parameter> ps;
        private final DMatrixRMaj eps;

        FieldOp(CnfDynamics dyn, List<Parameter> ps, DMatrixRMaj eps) {
            this.dyn = dyn;
            this.ps = ps;
            this.eps = eps;
        }

        @Override
        public String name() {
            return "cnf_field";
        }

        @Override
        public DMatrixRMaj forward(DMatrixRMaj[] inputs) {
            try (Tape local = new Tape()) {
                Tensor[] r = dyn.field(local, inputs[1].get(0, 0), inputs[0], ps, eps, false, new Tensor[ps.size()]);
                return copyOf(r[2].value());
            }
        }

        /** A copy in an array of the tape this op runs on. */
        private static DMatrixRMaj copyOf(DMatrixRMaj m) {
            DMatrixRMaj c = Op.newValue(m.numRows, m.numCols);
            System.arraycopy(m.data, 0, c.data, 0, m.getNumElements());
            return c;
        }

        @Override
        public Tensor[] backward(Tensor g, Tensor[] inputs, Tensor output, boolean[] needsGrad) {
            Tape outer = g.tape();
            Tensor[] out = new Tensor[inputs.length];
            try (Tape local = new Tape()) {
                Tensor[] leaves = new Tensor[ps.size()];
                Tensor[] r = dyn.field(local, inputs[1].value().get(0, 0), inputs[0].value(), ps, eps, true, leaves);
                Tensor[] wrt = new Tensor[2 + leaves.length];
                wrt[0] = r[0];
                wrt[1] = r[1];
                System.arraycopy(leaves, 0, wrt, 2, leaves.length);
                Tensor[] grads = local.gradients(r[2], local.constant(g.value()), false, wrt);
                // the results go into arrays of the sweeping (outer) tape; the local tape is then closed
                if (needsGrad[0]) {
                    int d = dyn.dim;
                    DMatrixRMaj gz = grads[0].value();
                    DMatrixRMaj gs = Op.newValue(gz.numRows, d + 1);
                    for (int row = 0; row < gz.numRows; row++) {
                        System.arraycopy(gz.data, row * d, gs.data, row * (d + 1), d);
                    }
                    out[0] = outer.constant(gs);
                }
                if (needsGrad[1]) {
                    out[1] = outer.constant(copyOf(grads[1].value()));
                }
                for (int i = 0; i < leaves.length; i++) {
                    if (needsGrad[2 + i]) {
                        out[2 + i] = outer.constant(copyOf(grads[2 + i].value()));
                    }
                }
            }
            return out;
        }
    }
}
