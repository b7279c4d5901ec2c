package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.autodiff.UnrecordedGraphException;
import dev.neuralode.core.BlockDiagonalJacobian;
import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.Linearization;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * A {@link Dynamics} over a fixed batch shape, seen as a {@link DifferentiableOdeSystem} on the
 * flattened row-major state: component {@code r·dim + c} of {@code y} is row {@code r}, column
 * {@code c} of the {@code batch × dim} state tensor.
 *
 * <p><b>Forward (fast path).</b> {@link #derivative} evaluates the dynamics on one scratch tape
 * kept in no-grad mode for the lifetime of this object: the time and state tensors wrap buffers
 * that are overwritten in place, parameter leaves are created once, and nothing is recorded, so
 * the only per-call allocations are the ops' own result matrices.
 *
 * <p><b>Dynamics that differentiate themselves.</b> A dynamics may call
 * {@code h.tape().gradients(out, cot, true, z)} on its state {@code h} or a tensor computed from it
 * (an exact-trace continuous normalizing flow written by hand). On the no-grad scratch tape that
 * gradient does not exist, and {@link Tape#gradients} says so with an
 * {@link UnrecordedGraphException} instead of returning zeros; this system catches it at the first
 * evaluation and from then on evaluates the dynamics on a fresh recording tape with the state as a
 * variable ({@link #recordsGradients()}), so the forward solve sees the true gradient, at the cost
 * of one recording per evaluation. The vector–Jacobian products then differentiate through the
 * create-graph sweep (second order), and every gradient method gives the true gradient.
 *
 * <p><b>Vector–Jacobian products.</b> {@link #vectorJacobianProduct} records one call of the
 * dynamics on a fresh small tape and sweeps it once with cotangent {@code a}, giving
 * {@code aᵀ∂f/∂y}, {@code aᵀ∂f/∂θ} and {@code aᵀ∂f/∂t} together ({@link Tape#gradients}; the
 * parameters' accumulated gradients are not touched).
 *
 * <p><b>Linearizations.</b> {@link #linearize} records one call on its own tape and keeps it: the
 * products at that point are then reverse sweeps of the kept tape only (backprop through the
 * solver keeps the forward stages this way, within its heap budget).
 *
 * <p>The flat parameter vector is the parameters of {@link Dynamics#parameters()} in order
 * (duplicates removed), each row-major.
 *
 * <p><b>Jacobians, for the implicit (stiff) solvers.</b> A batch of independent samples has a
 * block-diagonal Jacobian {@code ∂f/∂y = diag(J_1, …, J_B)}, {@code J_b = ∂f_b/∂y_b} of size
 * {@code dim × dim}; this system is a {@link BlockDiagonalJacobian} with exact blocks from one
 * recording of the dynamics and {@code dim} reverse sweeps: the cotangent {@code e_c} repeated on
 * every row gives row {@code c} of every block at once,
 * <pre>
 *   (Σ_b e_{b,c})ᵀ ∂f/∂y = (J_1[c, :], …, J_B[c, :])    when the rows do not interact,
 * </pre>
 * instead of the {@code B·dim} evaluations of a difference Jacobian. Rows are independent for
 * row-wise networks (linear layers, activations, time inputs), not for dynamics that mix samples
 * (batch statistics, a mean over the batch, attention across samples). That is never assumed: each
 * Jacobian also takes one sweep with a fixed pseudo-random cotangent {@code r} and compares
 * {@code rᵀ∂f/∂y} with the block product; a mismatch means the rows interact. Then
 * {@link #jacobianBlocks} throws an {@link IllegalStateException} naming the row and column where
 * it was found (a block factorization would be wrong), and the dense {@link #jacobian} falls back to
 * the exact full matrix by {@code B·dim} sweeps. {@code ∂f/∂t} is left to the solver (a difference
 * in {@code t}): the sweeps give only its sum over the rows. {@link #jacobianSweeps()} counts them.
 *
 * <p>Not thread-safe (it owns a scratch tape); use one instance per thread.
 */
public final class TapeOdeSystem implements DifferentiableOdeSystem, BlockDiagonalJacobian {

    private final Dynamics dynamics;
    private final int batch;
    private final int dim;
    private final List<Parameter> parameters;
    private final int[] shapes;
    private final int parameterCount;

    private final Tape scratch;
    private final DMatrixRMaj tValue;
    private final DMatrixRMaj hValue;
    private final Tensor tScratch;
    private final Tensor hScratch;
    private long evaluations;
    private boolean recordsGradients;
    /** Jacobian work arrays, allocated at the first Jacobian. */
    private double[] jacCotangent;
    private double[] jacRow;
    private double[] jacProbe;
    private double[] jacBlocks;
    private long jacobianSweeps;

    /**
     * Wraps a dynamics for states of shape {@code batch × dim}.
     *
     * @param dynamics the dynamics
     * @param batch    the number of rows (samples), at least 1
     * @param dim      the number of columns (state dimension per sample), at least 1
     * @throws IllegalArgumentException if a size is not positive or the dynamics is null
     */
    public TapeOdeSystem(Dynamics dynamics, int batch, int dim) {
        if (dynamics == null) {
            throw new IllegalArgumentException("dynamics must not be null");
        }
        if (batch < 1 || dim < 1) {
            throw new IllegalArgumentException("TapeOdeSystem: state shape must be positive, got "
                    + batch + "x" + dim);
        }
        this.dynamics = dynamics;
        this.batch = batch;
        this.dim = dim;
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        List<Parameter> ps = new ArrayList<>();
        List<Parameter> declared = dynamics.parameters();
        if (declared != null) {
            for (Parameter p : declared) {
                if (p != null && seen.put(p, Boolean.TRUE) == null) {
                    ps.add(p);
                }
            }
        }
        this.parameters = Collections.unmodifiableList(ps);
        this.shapes = new int[2 * ps.size()];
        int count = 0;
        for (int i = 0; i < ps.size(); i++) {
            DMatrixRMaj v = ps.get(i).value();
            shapes[2 * i] = v.numRows;
            shapes[2 * i + 1] = v.numCols;
            count += v.getNumElements();
        }
        this.parameterCount = count;
        this.scratch = new Tape();
        this.scratch.noGrad(); // never closed: the scratch tape never records
        this.tValue = new DMatrixRMaj(1, 1);
        this.hValue = new DMatrixRMaj(batch, dim);
        this.tScratch = scratch.constant(tValue);
        this.hScratch = scratch.constant(hValue);
    }

    /**
     * The wrapped dynamics.
     *
     * @return the dynamics
     */
    public Dynamics dynamics() {
        return dynamics;
    }

    /**
     * The batch size (rows of the state tensor).
     *
     * @return {@code batch}
     */
    public int batch() {
        return batch;
    }

    /**
     * The per-sample dimension (columns of the state tensor).
     *
     * @return {@code dim}
     */
    public int stateColumns() {
        return dim;
    }

    /**
     * The distinct parameters, in the order of the flat parameter vector.
     *
     * @return an unmodifiable list
     */
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The number of dynamics evaluations done so far (by {@link #derivative} and by
     * {@link #vectorJacobianProduct}).
     *
     * @return the evaluation counter
     */
    public long evaluations() {
        return evaluations;
    }

    @Override
    public int dimension() {
        return batch * dim;
    }

    @Override
    public int parameterCount() {
        return parameterCount;
    }

    /**
     * Checks that every parameter still has the shape it had when this system was created.
     *
     * @param when the phase, for the message (e.g. {@code "backward pass"})
     * @throws IllegalStateException naming the parameter and both shapes
     */
    public void checkParameterShapes(String when) {
        for (int i = 0; i < parameters.size(); i++) {
            DMatrixRMaj v = parameters.get(i).value();
            if (v.numRows != shapes[2 * i] || v.numCols != shapes[2 * i + 1]) {
                throw new IllegalStateException("parameter '" + parameters.get(i).name() + "' has shape "
                        + v.numRows + "x" + v.numCols + " in the " + when + ", but had shape "
                        + shapes[2 * i] + "x" + shapes[2 * i + 1] + " when the ODE solve started; its "
                        + "gradient cannot be matched to it");
            }
        }
    }

    @Override
    public void derivative(double t, double[] y, double[] dydt) {
        if (recordsGradients) {
            record(t, y, dydt, true, false, false).release();
            return;
        }
        tValue.data[0] = t;
        System.arraycopy(y, 0, hValue.data, 0, batch * dim);
        try {
            Tensor out = dynamics.apply(tScratch, hScratch);
            evaluations++;
            checkOutput(out, t);
            System.arraycopy(out.value().data, 0, dydt, 0, batch * dim);
        } catch (UnrecordedGraphException e) {
            // the dynamics differentiates itself (tape.gradients on the state, an exact-trace CNF written
            // by hand): on the no-grad scratch tape that gradient does not exist. From now on evaluate
            // it on a recording tape whose state is a variable, where the gradient is the true one.
            recordsGradients = true;
            record(t, y, dydt, true, false, false).release();
        } finally {
            scratch.recycle(); // the result is copied out: the next evaluation reuses the arrays
        }
    }

    /**
     * Whether the forward evaluations run on a recording tape instead of the no-grad scratch tape:
     * true once the dynamics has asked for a gradient of its own computation ({@link Tape#gradients},
     * such as an exact Jacobian trace), which only a recording tape can give.
     *
     * @return whether {@link #derivative} records
     */
    public boolean recordsGradients() {
        return recordsGradients;
    }

    @Override
    public void vectorJacobianProduct(double t, double[] y, double[] a, double[] dydt, double[] aDy,
                                      double[] aDtheta, double[] aDt) {
        Recorded r = record(t, y, dydt, aDy != null, aDtheta != null, aDt != null);
        if (aDy == null && aDtheta == null && aDt == null) {
            r.release();
            return;
        }
        r.vectorJacobianProduct(a, aDy, aDtheta, aDt);
        r.release();
    }

    /**
     * Evaluates {@code f(t, y)} on a fresh recording tape and keeps the tape: each later
     * vector–Jacobian product at this point is one reverse sweep of it, without evaluating the
     * dynamics again (the {@link DifferentiableOdeSystem#linearize} contract; backprop through the
     * solver keeps its forward stages this way). The recording holds the tape's op results and a
     * copy of {@code y}; {@link Linearization#release()} hands the arrays back to the thread's pool.
     * Products with respect to the state, the time and (if there are any) the parameters can be
     * taken. Counted in {@link #evaluations()}.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified (copied).
     * @param dydt receives {@code f(t, y)}. Modified.
     * @return the recorded linearization; must be used and released on this thread
     */
    @Override
    public Linearization linearize(double t, double[] y, double[] dydt) {
        return record(t, y, dydt, true, parameterCount > 0, true);
    }

    /**
     * Evaluates {@code f(t, y)} on a fresh recording tape and keeps the tape, so that a
     * vector–Jacobian product can be taken later without evaluating the dynamics again (used by
     * backprop through the solver, which needs each stage's value before its cotangent is known).
     *
     * @param t        the time
     * @param y        the state, length {@code n}. Not modified (copied).
     * @param dydt     receives {@code f(t, y)}, or {@code null}
     * @param wrtY     whether {@code aᵀ∂f/∂y} will be asked for
     * @param wrtTheta whether {@code aᵀ∂f/∂θ} will be asked for
     * @param wrtT     whether {@code aᵀ∂f/∂t} will be asked for
     * @return the recording
     */
    Recorded record(double t, double[] y, double[] dydt, boolean wrtY, boolean wrtTheta, boolean wrtT) {
        int n = batch * dim;
        Tape tape = new Tape();
        // the leaves' values come from the arena too and go back with the recording's tape
        DMatrixRMaj tv = tape.newMatrix(1, 1);
        tv.data[0] = t;
        Tensor tT = wrtT ? tape.variable(tv) : tape.constant(tv);
        DMatrixRMaj hv = tape.newMatrix(batch, dim);
        System.arraycopy(y, 0, hv.data, 0, n);
        // a dynamics that differentiates itself needs the state as a variable even when no product
        // with respect to the state is asked for
        Tensor hT = wrtY || recordsGradients ? tape.variable(hv) : tape.constant(hv);
        Tensor[] paramLeaves = new Tensor[wrtTheta ? parameters.size() : 0];
        for (int i = 0; i < paramLeaves.length; i++) {
            paramLeaves[i] = tape.param(parameters.get(i));
        }
        Tensor out;
        try {
            out = dynamics.apply(tT, hT);
        } catch (UnrecordedGraphException e) {
            tape.close();
            if (recordsGradients || wrtY) {
                throw e;
            }
            recordsGradients = true;
            return record(t, y, dydt, wrtY, wrtTheta, wrtT);
        }
        evaluations++;
        checkOutput(out, t);
        if (dydt != null) {
            System.arraycopy(out.value().data, 0, dydt, 0, n);
        }
        int k = (wrtY ? 1 : 0) + (wrtT ? 1 : 0) + paramLeaves.length;
        Tensor[] wrt = new Tensor[k];
        int w = 0;
        if (wrtY) {
            wrt[w++] = hT;
        }
        if (wrtT) {
            wrt[w++] = tT;
        }
        for (Tensor p : paramLeaves) {
            wrt[w++] = p;
        }
        return new Recorded(hv.data, tape, out, wrt, wrtY, wrtTheta, wrtT);
    }

    /**
     * One evaluation of the dynamics recorded on its own tape (package-private); see
     * {@link #record}. Its vector–Jacobian products may be taken until it is released.
     */
    final class Recorded implements Linearization {
        private final Tape tape;
        private final Tensor out;
        private final Tensor[] wrt;
        private final boolean wrtY;
        private final boolean wrtTheta;
        private final boolean wrtT;
        private final int inputBytes;
        private boolean released;

        private Recorded(double[] input, Tape tape, Tensor out, Tensor[] wrt, boolean wrtY, boolean wrtTheta,
                         boolean wrtT) {
            this.inputBytes = 8 * input.length;
            this.tape = tape;
            this.out = out;
            this.wrt = wrt;
            this.wrtY = wrtY;
            this.wrtTheta = wrtTheta;
            this.wrtT = wrtT;
        }

        /**
         * Hands the arrays of this recording back to the thread's pool ({@link Tape#close()});
         * afterwards no product may be taken. Must run on the thread that recorded. Idempotent.
         */
        @Override
        public void release() {
            released = true;
            tape.close();
        }

        /**
         * The recorded evaluation's value, the output tensor's own array (no copy).
         *
         * @return a read-only view, valid until {@link #release()}
         * @throws IllegalStateException if released
         */
        @Override
        public double[] value() {
            if (released) {
                throw new IllegalStateException("value: this recorded evaluation was released");
            }
            return out.value().data;
        }

        /**
         * The heap the recording holds: its tape's op results (values and the gradients of products
         * taken so far) and the copy of the state.
         *
         * @return bytes, 0 once released
         */
        @Override
        public long sizeBytes() {
            return released ? 0 : tape.ownedBytes() + inputBytes;
        }

        /**
         * Writes {@code aᵀ∂f/∂y}, {@code aᵀ∂f/∂θ}, {@code aᵀ∂f/∂t} of the recorded evaluation into the
         * non-null outputs (each must have been announced at {@link #record}): one reverse sweep of
         * the recorded tape. The recording stays usable until {@link #release()}.
         *
         * @param a       the cotangent, length at least {@code n}. Not modified.
         * @param aDy     receives {@code aᵀ∂f/∂y}, or {@code null}
         * @param aDtheta receives {@code aᵀ∂f/∂θ}, or {@code null}
         * @param aDt     receives {@code aᵀ∂f/∂t} in element 0, or {@code null}
         * @throws IllegalStateException if released, or if a product was not announced
         */
        @Override
        public void vectorJacobianProduct(double[] a, double[] aDy, double[] aDtheta, double[] aDt) {
            if (released) {
                throw new IllegalStateException("vectorJacobianProduct: this recorded evaluation was released");
            }
            int n = batch * dim;
            if ((aDy != null && !wrtY) || (aDtheta != null && !wrtTheta) || (aDt != null && !wrtT)) {
                throw new IllegalStateException("vectorJacobianProduct: asked for a product that was not "
                        + "announced when the evaluation was recorded");
            }
            DMatrixRMaj cot = DMatrixRMaj.wrap(batch, dim, a.length == n ? a : java.util.Arrays.copyOf(a, n));
            Tensor[] g = tape.gradients(out, tape.constant(cot), false, wrt);
            int w = 0;
            if (wrtY) {
                DMatrixRMaj gy = g[w++].value();
                if (aDy != null) {
                    System.arraycopy(gy.data, 0, aDy, 0, n);
                }
            }
            if (wrtT) {
                double gt = g[w++].value().data[0];
                if (aDt != null) {
                    aDt[0] = gt;
                }
            }
            if (aDtheta != null) {
                if (aDtheta.length < parameterCount) {
                    throw new IllegalArgumentException("vectorJacobianProduct: aDtheta has length "
                            + aDtheta.length + ", the dynamics has " + parameterCount + " parameters");
                }
                int off = 0;
                for (int i = 0; i < parameters.size(); i++) {
                    Parameter p = parameters.get(i);
                    DMatrixRMaj gi = g[w++].value();
                    if (gi.numRows != shapes[2 * i] || gi.numCols != shapes[2 * i + 1]) {
                        throw new IllegalStateException("gradient of parameter '" + p.name() + "' has shape "
                                + gi.numRows + "x" + gi.numCols + ", expected " + shapes[2 * i] + "x"
                                + shapes[2 * i + 1] + " (its shape when the ODE system was created)");
                    }
                    int sz = gi.getNumElements();
                    System.arraycopy(gi.data, 0, aDtheta, off, sz);
                    off += sz;
                }
            }
        }
    }

    /**
     * The block size: the state dimension per sample, {@code dim}.
     *
     * @param n the state dimension, {@code batch·dim}
     * @return {@code dim}
     * @throws IllegalArgumentException if {@code n} is not this system's dimension
     */
    @Override
    public int jacobianBlockSize(int n) {
        if (n != batch * dim) {
            throw new IllegalArgumentException("jacobianBlockSize: the system has " + batch + "x" + dim + " = "
                    + batch * dim + " components, asked for n=" + n);
        }
        return dim;
    }

    /**
     * Writes the exact diagonal blocks {@code J_b = ∂f_b/∂y_b} (one recording, {@code dim + 1}
     * sweeps; see the type's documentation).
     *
     * @param t      the time
     * @param y      the state, length {@code batch·dim}. Not modified.
     * @param blocks receives {@code batch·dim²} values, block {@code b} at {@code b·dim²}, row-major
     * @throws IllegalStateException if the dynamics mixes the rows of the batch (its Jacobian is not
     *                               block-diagonal)
     */
    @Override
    public void jacobianBlocks(double t, double[] y, double[] blocks) {
        Recorded r = record(t, y, null, true, false, false);
        try {
            int bad = blocksFrom(r, blocks);
            if (bad >= 0) {
                throw new IllegalStateException("TapeOdeSystem: the dynamics mixes the samples (rows) of its "
                        + batch + "x" + dim + " batch: at t=" + t + ", ∂f/∂y has entries outside the diagonal "
                        + dim + "x" + dim + " blocks (seen in row " + bad / dim + ", column " + bad % dim
                        + "), so it is not block-diagonal and a per-sample factorization would be wrong. Solve the"
                        + " samples separately (batch 1), use dynamics that treat rows independently, or an"
                        + " explicit method");
            }
        } finally {
            r.release();
        }
    }

    /**
     * The dense Jacobian {@code ∂f/∂y}: the blocks expanded when the rows are independent, else the
     * exact full matrix by {@code batch·dim} sweeps (row {@code i} of {@code ∂f/∂y} is
     * {@code e_iᵀ ∂f/∂y}).
     *
     * @param t    the time
     * @param y    the state, length {@code n = batch·dim}. Not modified.
     * @param dfdy receives the {@code n × n} matrix row-major
     */
    @Override
    public void jacobian(double t, double[] y, double[] dfdy) {
        int n = batch * dim;
        Recorded r = record(t, y, null, true, false, false);
        try {
            if (jacBlocks == null) {
                jacBlocks = new double[n * dim];
            }
            int bad = blocksFrom(r, jacBlocks);
            java.util.Arrays.fill(dfdy, 0, n * n, 0.0);
            if (bad < 0) {
                for (int i = 0; i < n; i++) {
                    int b = i / dim;
                    System.arraycopy(jacBlocks, b * dim * dim + (i - b * dim) * dim, dfdy, i * n + b * dim, dim);
                }
                return;
            }
            double[] unit = jacCotangent;
            java.util.Arrays.fill(unit, 0.0);
            for (int i = 0; i < n; i++) {
                unit[i] = 1.0;
                r.vectorJacobianProduct(unit, jacRow, null, null);
                jacobianSweeps++;
                unit[i] = 0.0;
                System.arraycopy(jacRow, 0, dfdy, i * n, n);
            }
        } finally {
            r.release();
        }
    }

    /**
     * Reverse sweeps taken for Jacobians so far ({@link #jacobianBlocks}, {@link #jacobian}).
     *
     * @return the count
     */
    public long jacobianSweeps() {
        return jacobianSweeps;
    }

    /**
     * Fills the blocks from a recording with {@code dim} sweeps and checks them with one more;
     * returns -1 if they reproduce {@code rᵀ∂f/∂y}, else the first flat index where they do not.
     */
    private int blocksFrom(Recorded r, double[] blocks) {
        int n = batch * dim;
        if (jacCotangent == null) {
            jacCotangent = new double[n];
            jacRow = new double[n];
            jacProbe = new double[n];
            // a fixed pseudo-random probe in ±[0.5, 1.5): deterministic, no shared Random
            long x = 0x9E3779B97F4A7C15L;
            for (int i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                double u = 0.5 + ((x >>> 11) * 0x1.0p-53);
                jacProbe[i] = (i & 1) == 0 ? u : -u;
            }
        }
        double[] cot = jacCotangent;
        int dd = dim * dim;
        for (int c = 0; c < dim; c++) {
            java.util.Arrays.fill(cot, 0.0);
            for (int b = 0; b < batch; b++) {
                cot[b * dim + c] = 1.0;
            }
            r.vectorJacobianProduct(cot, jacRow, null, null);
            jacobianSweeps++;
            for (int b = 0; b < batch; b++) {
                System.arraycopy(jacRow, b * dim, blocks, b * dd + c * dim, dim);
            }
        }
        java.util.Arrays.fill(cot, 0.0);
        if (batch == 1) {
            return -1;                    // one block is the whole Jacobian
        }
        r.vectorJacobianProduct(jacProbe, jacRow, null, null);
        jacobianSweeps++;
        // expected[i] = Σ_c r[b,c] J_b[c, j] and its magnitude Σ_c |r[b,c] J_b[c, j]|, i = b·dim + j
        double[] expected = cot;
        double maxScale = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < dim; j++) {
                double e = 0;
                double scale = 0;
                for (int c = 0; c < dim; c++) {
                    double term = jacProbe[b * dim + c] * blocks[b * dd + c * dim + j];
                    e += term;
                    scale += Math.abs(term);
                }
                expected[b * dim + j] = e;
                maxScale = Math.max(maxScale, scale);
            }
        }
        // round-off of the two summation orders is ~1e-16 of the magnitudes; entries outside the
        // blocks add terms the block product does not have
        int bad = -1;
        for (int i = 0; i < n && bad < 0; i++) {
            if (!Double.isFinite(jacRow[i]) || !Double.isFinite(expected[i])) {
                continue;             // a non-finite Jacobian is reported by the solver, naming the entry
            }
            double diff = Math.abs(jacRow[i] - expected[i]);
            if (!(diff <= 1e-9 * maxScale)) {
                bad = i;
            }
        }
        java.util.Arrays.fill(cot, 0.0);
        return bad;
    }

    private void checkOutput(Tensor out, double t) {
        if (out == null || out.rows() != batch || out.cols() != dim) {
            throw new IllegalStateException("dynamics returned " + (out == null ? "null" : "a tensor of shape "
                    + out.shapeString()) + " at t=" + t + "; expected dh/dt of the state's shape "
                    + batch + "x" + dim);
        }
    }
}
