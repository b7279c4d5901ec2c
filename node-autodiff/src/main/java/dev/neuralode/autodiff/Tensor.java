package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;

/**
 * A dense 2-D double matrix on a {@link Tape} (rows × columns; a batch is rows; a scalar is 1×1),
 * backed by an EJML {@link DMatrixRMaj}. Operations on tensors are recorded on their tape and
 * differentiated by {@link Tape#backward(Tensor)}.
 *
 * <p>Elementwise binary ops broadcast: each operand's rows must equal the other's or be 1, and
 * likewise for columns (a 1×c bias adds to every row of an r×c batch; an r×1 column to every
 * column; a 1×1 to everything). The gradient of a broadcast operand is summed back to its shape.
 *
 * <p>Values are shared, not copied: do not modify {@link #value()} while the tape is in use.
 */
public final class Tensor {

    private final Tape tape;
    private final DMatrixRMaj value;
    private final boolean requiresGrad;
    private final Parameter parameter;
    private Tensor grad;
    private boolean gradOwned;
    private Tensor acc;
    private DMatrixRMaj accValue;
    private boolean accValueOwned;
    private int accGeneration;
    private int reach;
    /** For a parameter's leaf: the parameter's {@link Parameter#version()} when it was read onto the tape. */
    private final long paramVersion;
    /** Whether this result depends on a variable or parameter but was computed without recording. */
    private final boolean unrecorded;

    Tensor(Tape tape, DMatrixRMaj value, boolean requiresGrad, Parameter parameter) {
        this(tape, value, requiresGrad, parameter, false);
    }

    Tensor(Tape tape, DMatrixRMaj value, boolean requiresGrad, Parameter parameter, boolean unrecorded) {
        this.tape = tape;
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.parameter = parameter;
        this.paramVersion = parameter == null ? 0 : parameter.version();
        this.unrecorded = unrecorded;
    }

    /** The version of the parameter when this leaf was created (0 for other tensors). */
    long paramVersion() {
        return paramVersion;
    }

    /**
     * Whether this tensor was computed from inputs that require a gradient while the tape was not
     * recording (inside {@link Tape#noGrad()}), or from such a tensor, so that no gradient can flow
     * through it.
     */
    boolean unrecorded() {
        return unrecorded;
    }

    // ------------------------------------------------------------------ state

    /**
     * The tape this tensor belongs to.
     *
     * @return the tape
     */
    public Tape tape() {
        return tape;
    }

    /**
     * The value (shared, not a copy; do not modify).
     *
     * @return the value matrix
     */
    public DMatrixRMaj value() {
        return value;
    }

    /**
     * The number of rows.
     *
     * @return rows
     */
    public int rows() {
        return value.numRows;
    }

    /**
     * The number of columns.
     *
     * @return columns
     */
    public int cols() {
        return value.numCols;
    }

    /**
     * The number of elements.
     *
     * @return rows × columns
     */
    public int size() {
        return value.getNumElements();
    }

    /**
     * Whether gradients flow to this tensor.
     *
     * @return true for variables, parameters and recorded results depending on them
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * The parameter this leaf stands for, if any.
     *
     * @return the parameter, or {@code null}
     */
    public Parameter parameter() {
        return parameter;
    }

    /**
     * The gradient accumulated into this leaf by {@link Tape#backward}; with create-graph it is
     * itself differentiable.
     *
     * @return the gradient tensor, or {@code null} before any backward sweep reached this leaf
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * The value of a 1×1 tensor.
     *
     * @return the scalar
     * @throws IllegalStateException if the tensor is not 1×1
     */
    public double item() {
        if (value.getNumElements() != 1) {
            throw new IllegalStateException("item() needs a 1x1 tensor, got " + shapeString());
        }
        return value.data[0];
    }

    /**
     * The element at {@code (row, col)}.
     *
     * @param row the row index
     * @param col the column index
     * @return the value
     */
    public double get(int row, int col) {
        return value.get(row, col);
    }

    /**
     * A copy of the values as rows.
     *
     * @return {@code double[rows][cols]}
     */
    public double[][] toArray() {
        double[][] out = new double[rows()][cols()];
        for (int r = 0; r < rows(); r++) {
            System.arraycopy(value.data, r * cols(), out[r], 0, cols());
        }
        return out;
    }

    /**
     * The shape as text, for messages.
     *
     * @return {@code "RxC"}
     */
    public String shapeString() {
        return value.numRows + "x" + value.numCols;
    }

    @Override
    public String toString() {
        return "Tensor[" + shapeString() + (requiresGrad ? ", requiresGrad" : "")
                + (parameter != null ? ", " + parameter.name() : "") + "]";
    }

    /** The reachability mark of the last {@link Tape#gradients} call that reached this tensor. */
    int reach() {
        return reach;
    }

    void setReach(int mark) {
        reach = mark;
    }

    Tensor acc(int generation) {
        return accGeneration == generation ? acc : null;
    }

    void setAcc(Tensor g, int generation) {
        acc = g;
        accValue = null;
        accGeneration = generation;
    }

    DMatrixRMaj accValue(int generation) {
        return accGeneration == generation ? accValue : null;
    }

    boolean accOwned() {
        return accValueOwned;
    }

    void setAccValue(DMatrixRMaj g, boolean owned, int generation) {
        acc = null;
        accValue = g;
        accValueOwned = owned;
        accGeneration = generation;
    }

    /**
     * Adds {@code g} into this tensor's accumulator of the given sweep. A gradient the tape owns
     * ({@code owned}: newly allocated for this sweep and referenced nowhere else) is kept and later
     * gradients are added into it in place; one it does not own (it may be shared with another
     * tensor's gradient) is kept by reference until a second gradient arrives, which then goes
     * into an owned matrix (the new gradient itself if owned, else one copy).
     */
    void accumulateValue(DMatrixRMaj g, boolean owned, int generation) {
        if (accGeneration != generation || accValue == null) {
            setAccValue(g, owned, generation);
            return;
        }
        if (!accValueOwned) {
            if (owned) {
                Kernels.addInPlace(g, accValue);
                accValue = g;
                accValueOwned = true;
                return;
            }
            accValue = Buffers.copy(accValue); // from the arena of the sweeping tape
            accValueOwned = true;
        }
        Kernels.addInPlace(accValue, g);
    }

    void addGrad(Tensor g, boolean createGraph) {
        if (grad == null) {
            grad = createGraph ? g : tape.constant(g.value().copy());
            gradOwned = !createGraph;
        } else if (createGraph) {
            grad = grad.add(g);
            gradOwned = false;
        } else {
            addGradValue(g.value(), false);
        }
    }

    void addGradValue(DMatrixRMaj g, boolean owned) {
        if (grad == null) {
            grad = tape.constant(owned ? g : g.copy());
            gradOwned = true;
        } else if (gradOwned) {
            Kernels.addInPlace(grad.value(), g);
        } else {
            DMatrixRMaj sum = grad.value().copy();
            Kernels.addInPlace(sum, g);
            grad = tape.constant(sum);
            gradOwned = true;
        }
    }

    /** Forgets the gradient accumulated into this leaf. */
    public void zeroGrad() {
        grad = null;
        gradOwned = false;
    }

    // ------------------------------------------------------------------ elementwise binary

    /**
     * Elementwise sum with broadcasting: {@code this + other}.
     *
     * @param other the other operand
     * @return the sum
     */
    public Tensor add(Tensor other) {
        return tape.record(BuiltinOps.ADD, new Tensor[]{this, other});
    }

    /**
     * Adds a scalar to every element.
     *
     * @param c the scalar
     * @return {@code this + c}
     */
    public Tensor add(double c) {
        return tape.record(new BuiltinOps.AddScalar(c), new Tensor[]{this});
    }

    /**
     * Elementwise difference with broadcasting: {@code this - other}.
     *
     * @param other the other operand
     * @return the difference
     */
    public Tensor sub(Tensor other) {
        return tape.record(BuiltinOps.SUB, new Tensor[]{this, other});
    }

    /**
     * Elementwise (Hadamard) product with broadcasting: {@code this ⊙ other}.
     *
     * @param other the other operand
     * @return the product
     */
    public Tensor mul(Tensor other) {
        return tape.record(BuiltinOps.MUL, new Tensor[]{this, other});
    }

    /**
     * Elementwise quotient with broadcasting: {@code this ⊘ other}.
     *
     * @param other the divisor
     * @return the quotient
     */
    public Tensor div(Tensor other) {
        return tape.record(BuiltinOps.DIV, new Tensor[]{this, other});
    }

    /**
     * Multiplies every element by a constant.
     *
     * @param c the factor
     * @return {@code c · this}
     */
    public Tensor scale(double c) {
        return tape.record(new BuiltinOps.Scale(c), new Tensor[]{this});
    }

    /**
     * Negation.
     *
     * @return {@code -this}
     */
    public Tensor neg() {
        return scale(-1.0);
    }

    // ------------------------------------------------------------------ linear algebra

    /**
     * Matrix product {@code this · other}.
     *
     * @param other the right operand, with {@code other.rows() == this.cols()}
     * @return the product, {@code this.rows() × other.cols()}
     */
    public Tensor matmul(Tensor other) {
        return tape.record(BuiltinOps.MatMul.NN, new Tensor[]{this, other});
    }

    /**
     * Matrix product with this operand transposed, {@code thisᵀ · other}.
     *
     * @param other the right operand, with {@code other.rows() == this.rows()}
     * @return the product, {@code this.cols() × other.cols()}
     */
    public Tensor matmulTransA(Tensor other) {
        return tape.record(BuiltinOps.MatMul.TN, new Tensor[]{this, other});
    }

    /**
     * Matrix product with the other operand transposed, {@code this · otherᵀ} (the usual
     * {@code x Wᵀ} of a linear layer).
     *
     * @param other the right operand, with {@code other.cols() == this.cols()}
     * @return the product, {@code this.rows() × other.rows()}
     */
    public Tensor matmulTransB(Tensor other) {
        return tape.record(BuiltinOps.MatMul.NT, new Tensor[]{this, other});
    }

    /**
     * Fused affine map {@code this · W + b} (one op, one output allocation): the layer form with
     * the weight stored {@code in × out}.
     *
     * @param w the weight, {@code this.cols() × out}
     * @param b the bias, {@code 1 × out} (broadcast over rows)
     * @return {@code this.rows() × out}
     */
    public Tensor affine(Tensor w, Tensor b) {
        return tape.record(BuiltinOps.Affine.NN, new Tensor[]{this, w, b});
    }

    /**
     * Fused linear layer {@code this · Wᵀ + b} (PyTorch's {@code nn.Linear} convention, weight stored
     * {@code out × in}); the transpose is never formed.
     *
     * @param w the weight, {@code out × this.cols()}
     * @param b the bias, {@code 1 × out} (broadcast over rows)
     * @return {@code this.rows() × out}
     */
    public Tensor linear(Tensor w, Tensor b) {
        return tape.record(BuiltinOps.Affine.NT, new Tensor[]{this, w, b});
    }

    /**
     * Transpose.
     *
     * @return {@code thisᵀ}
     */
    public Tensor transpose() {
        return tape.record(BuiltinOps.TRANSPOSE, new Tensor[]{this});
    }

    // ------------------------------------------------------------------ reductions and shape

    /**
     * Sum of all elements.
     *
     * @return a 1×1 tensor
     */
    public Tensor sum() {
        return tape.record(BuiltinOps.Sum.ALL, new Tensor[]{this});
    }

    /**
     * Sum along an axis: axis 0 sums over rows (result 1×cols), axis 1 over columns
     * (result rows×1).
     *
     * @param axis 0 or 1
     * @return the reduced tensor
     */
    public Tensor sum(int axis) {
        return tape.record(BuiltinOps.Sum.of(axis), new Tensor[]{this});
    }

    /**
     * Mean of all elements.
     *
     * @return a 1×1 tensor
     */
    public Tensor mean() {
        return sum().scale(1.0 / size());
    }

    /**
     * Mean along an axis (0: over rows, result 1×cols; 1: over columns, result rows×1).
     *
     * @param axis 0 or 1
     * @return the reduced tensor
     */
    public Tensor mean(int axis) {
        return sum(axis).scale(1.0 / (axis == 0 ? rows() : cols()));
    }

    /**
     * Broadcasts this tensor to a larger shape (rows or columns of size 1 are repeated).
     *
     * @param rows the target rows (equal to {@link #rows()}, or this has 1 row)
     * @param cols the target columns (equal to {@link #cols()}, or this has 1 column)
     * @return the expanded tensor
     */
    public Tensor expand(int rows, int cols) {
        if (rows == rows() && cols == cols()) {
            return this;
        }
        return tape.record(new BuiltinOps.Expand(rows, cols), new Tensor[]{this});
    }

    /**
     * Sums this tensor down to a smaller broadcast-compatible shape (the adjoint of
     * {@link #expand}).
     *
     * @param rows the target rows (equal to {@link #rows()}, or 1)
     * @param cols the target columns (equal to {@link #cols()}, or 1)
     * @return the reduced tensor
     */
    public Tensor reduceTo(int rows, int cols) {
        Tensor t = this;
        if (rows != rows()) {
            if (rows != 1) {
                throw new IllegalArgumentException("reduceTo: cannot reduce " + shapeString() + " to "
                        + rows + "x" + cols);
            }
            t = t.sum(0);
        }
        if (cols != t.cols()) {
            if (cols != 1) {
                throw new IllegalArgumentException("reduceTo: cannot reduce " + shapeString() + " to "
                        + rows + "x" + cols);
            }
            t = t.sum(1);
        }
        return t;
    }

    /**
     * Rows {@code [from, to)}.
     *
     * @param from first row, inclusive
     * @param to   last row, exclusive
     * @return the slice, {@code (to - from) × cols}
     */
    public Tensor sliceRows(int from, int to) {
        return tape.record(new BuiltinOps.Slice(from, to, 0, cols(), rows(), cols()), new Tensor[]{this});
    }

    /**
     * Columns {@code [from, to)}.
     *
     * @param from first column, inclusive
     * @param to   last column, exclusive
     * @return the slice, {@code rows × (to - from)}
     */
    public Tensor sliceCols(int from, int to) {
        return tape.record(new BuiltinOps.Slice(0, rows(), from, to, rows(), cols()), new Tensor[]{this});
    }

    /**
     * The same elements (row-major order) in a new shape.
     *
     * @param rows the new rows
     * @param cols the new columns, with {@code rows * cols == size()}
     * @return the reshaped tensor
     */
    public Tensor reshape(int rows, int cols) {
        return tape.record(new BuiltinOps.Reshape(rows, cols), new Tensor[]{this});
    }

    /**
     * Concatenates tensors with equal column counts on top of each other.
     *
     * @param parts the tensors, all of one tape
     * @return the stacked tensor
     */
    public static Tensor concatRows(Tensor... parts) {
        return parts[0].tape().apply(new BuiltinOps.Concat(0), parts);
    }

    /**
     * Concatenates tensors with equal row counts side by side.
     *
     * @param parts the tensors, all of one tape
     * @return the joined tensor
     */
    public static Tensor concatCols(Tensor... parts) {
        return parts[0].tape().apply(new BuiltinOps.Concat(1), parts);
    }

    // ------------------------------------------------------------------ elementwise unary

    /**
     * Elementwise square.
     *
     * @return {@code this²}
     */
    public Tensor square() {
        return tape.record(BuiltinOps.Unary.SQUARE, new Tensor[]{this});
    }

    /**
     * Elementwise power with a constant exponent.
     *
     * @param p the exponent
     * @return {@code this^p}
     */
    public Tensor pow(double p) {
        if (p == 2.0) {
            return square();
        }
        return tape.record(new BuiltinOps.Pow(p), new Tensor[]{this});
    }

    /**
     * Elementwise exponential.
     *
     * @return {@code e^this}
     */
    public Tensor exp() {
        return tape.record(BuiltinOps.Unary.EXP, new Tensor[]{this});
    }

    /**
     * Elementwise natural logarithm.
     *
     * @return {@code ln this}
     */
    public Tensor log() {
        return tape.record(BuiltinOps.Unary.LOG, new Tensor[]{this});
    }

    /**
     * Elementwise square root.
     *
     * @return {@code √this}
     */
    public Tensor sqrt() {
        return tape.record(BuiltinOps.Unary.SQRT, new Tensor[]{this});
    }

    /**
     * Elementwise absolute value (subgradient 0 at 0).
     *
     * @return {@code |this|}
     */
    public Tensor abs() {
        return tape.record(BuiltinOps.Unary.ABS, new Tensor[]{this});
    }

    /**
     * Elementwise hyperbolic tangent.
     *
     * @return {@code tanh(this)}
     */
    public Tensor tanh() {
        return tape.record(BuiltinOps.Unary.TANH, new Tensor[]{this});
    }

    /**
     * Elementwise logistic sigmoid {@code 1 / (1 + e^-x)}.
     *
     * @return {@code σ(this)}
     */
    public Tensor sigmoid() {
        return tape.record(BuiltinOps.Unary.SIGMOID, new Tensor[]{this});
    }

    /**
     * Elementwise rectified linear unit {@code max(0, x)}.
     *
     * @return {@code relu(this)}
     */
    public Tensor relu() {
        return tape.record(new BuiltinOps.LeakyRelu(0.0), new Tensor[]{this});
    }

    /**
     * Elementwise leaky ReLU: {@code x} for {@code x > 0}, else {@code slope · x}.
     *
     * @param slope the negative-side slope (PyTorch's default is 0.01)
     * @return the activation
     */
    public Tensor leakyRelu(double slope) {
        return tape.record(new BuiltinOps.LeakyRelu(slope), new Tensor[]{this});
    }

    /**
     * Elementwise softplus {@code ln(1 + e^x)}, computed stably.
     *
     * @return {@code softplus(this)}
     */
    public Tensor softplus() {
        return tape.record(BuiltinOps.Unary.SOFTPLUS, new Tensor[]{this});
    }

    /**
     * Elementwise exponential linear unit: {@code x} for {@code x > 0}, else
     * {@code alpha (e^x - 1)} (Clevert et al. 2016).
     *
     * @param alpha the negative-side scale (PyTorch's default is 1)
     * @return the activation
     */
    public Tensor elu(double alpha) {
        return tape.record(new BuiltinOps.Elu(alpha), new Tensor[]{this});
    }

    /**
     * Elementwise sine.
     *
     * @return {@code sin(this)}
     */
    public Tensor sin() {
        return tape.record(BuiltinOps.Unary.SIN, new Tensor[]{this});
    }

    /**
     * Elementwise cosine.
     *
     * @return {@code cos(this)}
     */
    public Tensor cos() {
        return tape.record(BuiltinOps.Unary.COS, new Tensor[]{this});
    }

    /**
     * Row-wise log-sum-exp, {@code ln Σ_j e^{x_ij}}, computed stably.
     *
     * @return an {@code rows × 1} tensor
     */
    public Tensor logSumExp() {
        return tape.record(BuiltinOps.LOGSUMEXP, new Tensor[]{this});
    }

    /**
     * Row-wise log-softmax, {@code x_ij - ln Σ_k e^{x_ik}}.
     *
     * @return a tensor the shape of this one
     */
    public Tensor logSoftmax() {
        return sub(logSumExp());
    }
}
