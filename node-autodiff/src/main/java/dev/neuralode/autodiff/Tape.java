package dev.neuralode.autodiff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * A reverse-mode automatic differentiation tape: a flat list of the ops applied, in execution
 * order; {@link #backward(Tensor)} is one reverse sweep over it.
 *
 * <pre>{@code
 * Tape tape = new Tape();
 * Tensor x = tape.constant(batch);                  // data: no gradient
 * Tensor h = x.matmul(tape.param(w)).add(tape.param(b)).tanh();
 * Tensor loss = Losses.mse(h, tape.constant(target));
 * tape.backward(loss);                              // w.grad() and b.grad() now hold dL/dw, dL/db
 * }</pre>
 *
 * <p>Modes:
 * <ul>
 *   <li><b>no-grad</b> ({@link #noGrad()}): ops compute values without recording (inference,
 *       and the ODE solver's forward pass);</li>
 *   <li><b>create-graph</b> ({@link #backward(Tensor, Tensor, boolean, boolean)}): the backward
 *       sweep is itself recorded, so gradients can be differentiated again (higher order);</li>
 *   <li><b>anomaly detection</b> ({@link #setAnomalyDetection(boolean)}): the first op whose output
 *       or gradient is NaN or infinite is reported with its name and shapes.</li>
 * </ul>
 *
 * <p>After a backward sweep without {@code retainGraph} the tape is released: applying ops to it
 * or sweeping it again throws {@link IllegalStateException}. A tape belongs to one thread.
 *
 * <p><b>Memory.</b> The values and gradients the built-in ops compute on a tape are listed on it.
 * An owner that knows none of them is read any more may hand them back with {@link #close()}
 * (try-with-resources) or {@link #recycle()}; the next tapes of the same thread then reuse those
 * arrays instead of allocating and zeroing fresh ones, which for small networks is a large part
 * of an op's cost (the caching allocator of PyTorch plays the same role). Without either call
 * everything is left to the garbage collector, as usual.
 */
public final class Tape implements AutoCloseable {

    /** One recorded op application. */
    static final class Node {
        final Op op;
        final Tensor[] inputs;
        final DMatrixRMaj[] values;
        final Tensor output;
        final boolean[] needsGrad;

        Node(Op op, Tensor[] inputs, DMatrixRMaj[] values, Tensor output, boolean[] needsGrad) {
            this.op = op;
            this.inputs = inputs;
            this.values = values;
            this.output = output;
            this.needsGrad = needsGrad;
        }
    }

    // sized for the small tapes made per evaluation of an ODE's dynamics (no regrowth there)
    private final ArrayList<Node> nodes = new ArrayList<>(16);
    private final ArrayList<Tensor> leaves = new ArrayList<>(8);
    /**
     * The parameters' leaves, in order of first use: scanned linearly while short (a tape usually
     * sees a handful of parameters, and a tape is made per evaluation of an ODE's dynamics, where
     * a hash map's table and hashing cost more than the scan), indexed by {@link #paramIndex}
     * beyond {@link #PARAM_SCAN}.
     */
    private Tensor[] paramLeaves = NO_TENSORS;
    private int paramCount;
    private Map<Parameter, Tensor> paramIndex;
    private static final int PARAM_SCAN = 16;
    /** The arrays the ops of this tape allocated (see {@link Buffers}). */
    private final ArrayList<double[]> owned = new ArrayList<>(32);
    /** The arrays of leaves this tape made ({@link #newMatrix}, {@link #full}): released at close only. */
    private final ArrayList<double[]> ownedLeaves = new ArrayList<>(4);
    private boolean recording = true;
    private boolean released;
    private boolean closed;
    private boolean anomalyDetection;
    private int generation;
    private int reachMark;
    /** The wrt tensors of the running {@link #gradients} sweep (their accumulators are returned). */
    private Tensor[] sweepWrt = NO_TENSORS;
    private static final Tensor[] NO_TENSORS = new Tensor[0];

    /** Creates an empty tape that records. */
    public Tape() {
    }

    // ------------------------------------------------------------------ leaves

    /**
     * Wraps a value as a constant: it takes part in ops but receives no gradient.
     *
     * @param value the value. Not modified; not copied (do not modify it while the tape lives).
     * @return a tensor that does not require a gradient
     */
    public Tensor constant(DMatrixRMaj value) {
        return new Tensor(this, value, false, null);
    }

    /**
     * A constant from row-major data.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param data {@code rows * cols} values, row-major. Not modified (copied).
     * @return the constant tensor
     */
    public Tensor constant(int rows, int cols, double... data) {
        if (data.length != rows * cols) {
            throw new IllegalArgumentException("constant: " + data.length + " values for shape "
                    + rows + "x" + cols);
        }
        return constant(new DMatrixRMaj(rows, cols, true, data));
    }

    /**
     * A constant from a rectangular array of rows.
     *
     * @param rows the rows, each of the same length. Not modified (copied).
     * @return the constant tensor
     */
    public Tensor constant(double[][] rows) {
        return constant(new DMatrixRMaj(rows));
    }

    /**
     * A 1×1 constant.
     *
     * @param value the scalar
     * @return the constant tensor
     */
    public Tensor scalar(double value) {
        return constant(1, 1, value);
    }

    /**
     * A constant of the given shape filled with {@code value}.
     *
     * @param rows  the number of rows
     * @param cols  the number of columns
     * @param value the fill value
     * @return the constant tensor
     */
    public Tensor full(int rows, int cols, double value) {
        DMatrixRMaj m = newMatrix(rows, cols);
        if (value != 0.0) {
            java.util.Arrays.fill(m.data, value);
        }
        return constant(m);
    }

    /**
     * A {@code rows × cols} zero matrix that this tape owns: for the values of leaves built anew
     * every iteration (an initial hidden state, a copy of an input, noise), which then come from
     * the thread's arena and go back to it when the tape is {@link #close() closed}, instead of
     * becoming garbage ({@link #recycle()} leaves them alone). Wrap it with {@link #constant} or
     * {@link #variable}; it must not be used after the tape is closed.
     *
     * @param rows the number of rows, at least 1
     * @param cols the number of columns, at least 1
     * @return a zero matrix owned by this tape
     * @throws IllegalArgumentException if a size is not positive
     * @throws IllegalStateException    if the tape was closed
     */
    public DMatrixRMaj newMatrix(int rows, int cols) {
        if (closed) {
            throw new IllegalStateException("this tape was closed; build a new tape");
        }
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("newMatrix: shape must be positive, got " + rows + "x" + cols);
        }
        Buffers buffers = Buffers.local();
        ArrayList<double[]> previous = buffers.enter(ownedLeaves);
        try {
            return buffers.matrix(rows, cols, true);
        } finally {
            buffers.exit(previous);
        }
    }

    /**
     * Wraps a value as a differentiable leaf: after {@link #backward} its gradient is available
     * from {@link Tensor#grad()}.
     *
     * @param value the value. Not modified; not copied.
     * @return a leaf tensor that requires a gradient
     */
    public Tensor variable(DMatrixRMaj value) {
        Tensor t = new Tensor(this, value, true, null);
        leaves.add(t);
        return t;
    }

    /**
     * The leaf for a parameter on this tape. The same parameter always maps to the same leaf;
     * its value is the parameter's live value (not copied). {@link #backward} adds the gradient
     * into {@link Parameter#grad()}. The leaf remembers the parameter's {@link Parameter#version()}
     * at its creation: a backward sweep after an in-place change of a parameter that recorded ops
     * used throws {@link IllegalStateException} naming the parameter.
     *
     * @param p the parameter
     * @return its leaf tensor on this tape
     */
    public Tensor param(Parameter p) {
        checkUsable();
        Tensor t = findParam(p);
        if (t == null) {
            t = new Tensor(this, p.value(), true, p);
            addParam(p, t);
            leaves.add(t);
        }
        return t;
    }

    private Tensor findParam(Parameter p) {
        if (paramIndex != null) {
            return paramIndex.get(p);
        }
        for (int i = 0; i < paramCount; i++) {
            if (paramLeaves[i].parameter() == p) {
                return paramLeaves[i];
            }
        }
        return null;
    }

    private void addParam(Parameter p, Tensor t) {
        if (paramIndex != null) {
            paramIndex.put(p, t);
            return;
        }
        if (paramCount == PARAM_SCAN) {
            paramIndex = new IdentityHashMap<>();
            for (int i = 0; i < paramCount; i++) {
                paramIndex.put(paramLeaves[i].parameter(), paramLeaves[i]);
            }
            paramIndex.put(p, t);
            paramLeaves = null;
            return;
        }
        if (paramCount == paramLeaves.length) {
            paramLeaves = java.util.Arrays.copyOf(paramLeaves, Math.max(4, 2 * paramCount));
        }
        paramLeaves[paramCount++] = t;
    }

    // ------------------------------------------------------------------ recording

    /**
     * Applies an op to input tensors of this tape and records it (unless in no-grad mode or no
     * input requires a gradient).
     *
     * @param op     the op
     * @param inputs its inputs, all belonging to this tape
     * @return the output tensor
     * @throws IllegalArgumentException if an input belongs to another tape
     * @throws IllegalStateException    if the tape was released by a backward sweep
     * @throws ArithmeticException      in anomaly-detection mode, if the output is not finite
     */
    public Tensor apply(Op op, Tensor... inputs) {
        return record(op, inputs.clone());
    }

    /** {@link #apply} without the defensive copy of {@code inputs}, which the tape then keeps. */
    Tensor record(Op op, Tensor[] inputs) {
        checkUsable();
        if (inputs.length == 0) {
            throw new IllegalArgumentException("op '" + op.name() + "': needs at least one input");
        }
        DMatrixRMaj[] values = new DMatrixRMaj[inputs.length];
        boolean any = false;
        boolean fromUnrecorded = false;
        boolean[] needs = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor in = inputs[i];
            if (in.tape() != this) {
                throw new IllegalArgumentException("op '" + op.name() + "': input " + i
                        + " belongs to another tape; tensors of two tapes cannot be mixed");
            }
            values[i] = in.value();
            needs[i] = in.requiresGrad();
            any |= needs[i];
            fromUnrecorded |= in.unrecorded();
        }
        Buffers buffers = Buffers.local();
        ArrayList<double[]> previous = buffers.enter(owned);
        DMatrixRMaj out;
        try {
            out = op.forward(values);
        } finally {
            buffers.exit(previous);
        }
        checkForwardResult(op, out, values);
        if (anomalyDetection) {
            checkFinite(out, "output of op '" + op.name() + "'", values);
        }
        boolean record = recording && any;
        Tensor result = new Tensor(this, out, record, null, !record && (any || fromUnrecorded));
        if (record) {
            nodes.add(new Node(op, inputs, values, result, needs));
        }
        return result;
    }

    /**
     * Rejects what no op may return from {@link Op#forward}: {@code null}, or a matrix whose data
     * array is shorter than its shape (a result built with a wrong shape by hand), naming the op and
     * the input shapes.
     */
    private static void checkForwardResult(Op op, DMatrixRMaj out, DMatrixRMaj[] values) {
        if (out == null) {
            throw new IllegalStateException("op '" + op.name() + "': forward returned null for inputs of shapes ["
                    + shapes(values) + "]; Op.forward must return a newly allocated output value");
        }
        if (out.numRows < 0 || out.numCols < 0 || out.data == null
                || out.data.length < (long) out.numRows * out.numCols) {
            throw new IllegalStateException("op '" + op.name() + "': forward returned a malformed " + out.numRows
                    + "x" + out.numCols + " matrix (data array of length "
                    + (out.data == null ? "null" : String.valueOf(out.data.length)) + ") for inputs of shapes ["
                    + shapes(values) + "]");
        }
    }

    private static String shapes(DMatrixRMaj[] values) {
        StringBuilder b = new StringBuilder();
        for (DMatrixRMaj v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(v.numRows).append('x').append(v.numCols);
        }
        return b.toString();
    }

    /**
     * Whether ops applied now are recorded.
     *
     * @return false inside a {@link #noGrad()} scope or during a backward sweep without
     *         create-graph
     */
    public boolean isRecording() {
        return recording;
    }

    /**
     * Enters no-grad mode until the returned scope is closed:
     * <pre>{@code try (Tape.Scope s = tape.noGrad()) { ... } }</pre>
     *
     * @return the scope; closing it restores the previous mode
     */
    public Scope noGrad() {
        boolean previous = recording;
        recording = false;
        return () -> recording = previous;
    }

    /** A mode scope, closed with try-with-resources. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        /** Restores the previous mode. */
        @Override
        void close();
    }

    /**
     * Turns anomaly detection on or off. When on, every op output and every gradient is
     * checked, and the first non-finite one raises an {@link ArithmeticException} naming the op
     * and the shapes. Costs one pass over each value.
     *
     * @param on whether to detect anomalies
     */
    public void setAnomalyDetection(boolean on) {
        this.anomalyDetection = on;
    }

    /**
     * The number of recorded op applications.
     *
     * @return the tape's length
     */
    public int size() {
        return nodes.size();
    }

    /**
     * The names of the recorded ops, in execution order (for inspection and tests).
     *
     * @return a new list of op names
     */
    public List<String> opNames() {
        List<String> names = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            names.add(n.op.name());
        }
        return names;
    }

    // ------------------------------------------------------------------ backward

    /**
     * Backward sweep from a scalar: adds {@code dL/dx} into the gradient of every leaf
     * ({@link Tensor#grad()}, {@link Parameter#grad()}), then releases the tape.
     *
     * @param loss a 1×1 tensor of this tape
     * @throws IllegalArgumentException if {@code loss} is not 1×1 (pass a cotangent instead)
     * @throws IllegalStateException    if {@code loss} requires no gradient: it was computed inside
     *                                  {@link #noGrad()}, or from constants only (the message says
     *                                  which); or if a parameter its ops used was modified in place
     *                                  since it was read onto this tape ({@link Parameter#version()})
     */
    public void backward(Tensor loss) {
        if (loss.rows() != 1 || loss.cols() != 1) {
            throw new IllegalArgumentException("backward needs a scalar (1x1) output or an explicit "
                    + "cotangent; got shape " + loss.shapeString());
        }
        backward(loss, null, false, false);
    }

    /**
     * Backward sweep from any tensor with the given cotangent {@code v}: adds {@code vᵀ ∂out/∂x}
     * into every leaf's gradient.
     *
     * @param output      the tensor to differentiate
     * @param cotangent   the cotangent, the shape of {@code output}, or {@code null} for ones
     *                    when {@code output} is 1×1
     * @param retainGraph keep the tape usable after the sweep
     * @param createGraph record the sweep so the gradients can be differentiated again (implies
     *                    {@code retainGraph})
     * @throws IllegalStateException if {@code output} requires no gradient (computed inside
     *                               {@link #noGrad()}, or from constants only), or if a parameter
     *                               used by the recorded ops was modified in place since it was read
     *                               onto this tape (the message names the parameter)
     */
    public void backward(Tensor output, Tensor cotangent, boolean retainGraph, boolean createGraph) {
        if (output.tape() == this && !output.requiresGrad()) {
            checkUsable();
            if (output.unrecorded()) {
                throw new IllegalStateException("backward: the output (shape " + output.shapeString()
                        + ") was computed inside a noGrad() scope, so no op was recorded and no gradient can "
                        + "reach the variables and parameters it depends on; compute it after the scope is "
                        + "closed");
            }
            throw new IllegalStateException("backward: the output (shape " + output.shapeString()
                    + ") depends on no variable or parameter of this tape (it was computed from constants "
                    + "only), so there is no gradient to compute; read parameters with tape.param(p) and "
                    + "inputs to differentiate with tape.variable(x)");
        }
        int gen = sweep(output, cotangent, createGraph, 0);
        for (Tensor leaf : leaves) {
            if (createGraph) {
                Tensor g = leaf.acc(gen);
                if (g == null) {
                    continue;
                }
                leaf.addGrad(g, true);
                if (leaf.parameter() != null) {
                    leaf.parameter().accumulateGrad(g.value());
                }
            } else {
                DMatrixRMaj g = leaf.accValue(gen);
                if (g == null) {
                    continue;
                }
                leaf.addGradValue(g, leaf.accOwned());
                if (leaf.parameter() != null) {
                    leaf.parameter().accumulateGrad(g);
                }
            }
        }
        if (!retainGraph && !createGraph) {
            release();
        }
    }

    /**
     * Gradients of {@code output} with respect to {@code wrt} (any tensors of this tape, leaves or
     * intermediate), without touching the leaves' or parameters' accumulated gradients; like
     * {@code torch.autograd.grad}. The tape stays usable.
     *
     * @param output      the tensor to differentiate
     * @param cotangent   the cotangent, the shape of {@code output}, or {@code null} for ones when
     *                    {@code output} is 1×1
     * @param createGraph record the sweep so the results can be differentiated again
     * @param wrt         the tensors to differentiate with respect to
     * @return one gradient per {@code wrt}, shaped like it (zeros where the output does not depend on
     *         it through recorded ops)
     * @throws UnrecordedGraphException if {@code output} was computed inside a {@link #noGrad()} scope
     *                                  from tensors that require a gradient, or if a {@code wrt}
     *                                  tensor requires no gradient (a constant, or computed from
     *                                  constants only or inside {@code noGrad()}): no recorded op
     *                                  could lead to it, and zeros would be silently wrong
     */
    public Tensor[] gradients(Tensor output, Tensor cotangent, boolean createGraph, Tensor... wrt) {
        for (int i = 0; i < wrt.length; i++) {
            if (wrt[i].tape() != this) {
                throw new IllegalArgumentException("gradients: wrt[" + i + "] belongs to another tape; "
                        + "tensors of two tapes cannot be mixed");
            }
            if (!wrt[i].requiresGrad()) {
                throw new UnrecordedGraphException("gradients: wrt[" + i + "] (shape " + wrt[i].shapeString()
                        + ") requires no gradient: it is a constant, or was computed from constants only or "
                        + "inside a noGrad() scope" + (recording ? "" : " (this tape is in no-grad mode now)")
                        + ", so no recorded op leads from it to the output; differentiate with respect to a "
                        + "tape.variable(...) leaf or a tensor computed from one while the tape records (inside an "
                        + "ODE dynamics: the state tensor handed to it, or tensors computed from it)");
            }
        }
        if (output.tape() == this && output.unrecorded()) {
            throw new UnrecordedGraphException("gradients: the output (shape " + output.shapeString()
                    + ") was computed inside a noGrad() scope, so no op was recorded and its gradient cannot be "
                    + "taken; compute it while the tape records");
        }
        // only the ops on a path from some wrt tensor to the output matter: mark the tensors
        // reachable from wrt (forward, in execution order), then sweep only those ops, and only
        // into their reachable inputs; the sweep never enters the wrt tensors' own ancestors
        int mark = ++reachMark;
        for (Tensor w : wrt) {
            w.setReach(mark);
        }
        for (Node node : nodes) {
            for (int j = 0; j < node.inputs.length; j++) {
                if (node.needsGrad[j] && node.inputs[j].reach() == mark) {
                    node.output.setReach(mark);
                    break;
                }
            }
        }
        int gen;
        sweepWrt = wrt;
        try {
            gen = sweep(output, cotangent, createGraph, mark);
        } finally {
            sweepWrt = NO_TENSORS;
        }
        Tensor[] result = new Tensor[wrt.length];
        // results the sweep did not already own are copied into arrays of this tape's arena
        Buffers buffers = Buffers.local();
        ArrayList<double[]> previous = buffers.enter(owned);
        try {
            for (int i = 0; i < wrt.length; i++) {
                if (createGraph) {
                    Tensor g = wrt[i].acc(gen);
                    result[i] = g != null ? g : constant(buffers.matrix(wrt[i].rows(), wrt[i].cols(), true));
                } else {
                    DMatrixRMaj g = wrt[i].accValue(gen);
                    if (g == null) {
                        g = buffers.matrix(wrt[i].rows(), wrt[i].cols(), true);
                    } else if (!wrt[i].accOwned()) {
                        g = Buffers.copy(g);
                    }
                    result[i] = constant(g);
                }
            }
        } finally {
            buffers.exit(previous);
        }
        return result;
    }

    /**
     * Runs one reverse sweep and returns its generation (the key of the accumulators it filled).
     * With {@code mark != 0} only ops whose output carries that reachability mark are swept, and
     * only into inputs carrying it.
     */
    private int sweep(Tensor output, Tensor cotangent, boolean createGraph, int mark) {
        checkUsable();
        if (output.tape() != this) {
            throw new IllegalArgumentException("backward: the output belongs to another tape");
        }
        if (cotangent == null) {
            if (output.rows() != 1 || output.cols() != 1) {
                throw new IllegalArgumentException("backward from a non-scalar output of shape "
                        + output.shapeString() + " needs a cotangent of that shape");
            }
            cotangent = scalar(1.0);
        } else if (cotangent.tape() != this) {
            throw new IllegalArgumentException("backward: the cotangent belongs to another tape");
        } else if (cotangent.rows() != output.rows() || cotangent.cols() != output.cols()) {
            throw new IllegalArgumentException("backward: cotangent shape " + cotangent.shapeString()
                    + " differs from output shape " + output.shapeString());
        }
        checkParameterVersions();
        int gen = ++generation;
        boolean previous = recording;
        recording = createGraph;
        Buffers buffers = Buffers.local();
        ArrayList<double[]> previousOwner = buffers.enter(owned);
        try {
            if (createGraph) {
                sweepTensors(output, cotangent, gen, mark);
            } else {
                sweepValues(output, cotangent.value(), gen, mark);
            }
        } finally {
            buffers.exit(previousOwner);
            recording = previous;
        }
        return gen;
    }

    /**
     * Throws if a parameter read onto this tape was modified in place since (its
     * {@link Parameter#version()} moved) and a recorded op used it: the sweep would compute that
     * op's gradients from the new value. A handful of comparisons when nothing changed.
     */
    private void checkParameterVersions() {
        if (paramIndex != null) {
            for (Tensor leaf : paramIndex.values()) {
                checkVersion(leaf);
            }
        } else {
            for (int i = 0; i < paramCount; i++) {
                checkVersion(paramLeaves[i]);
            }
        }
    }

    private void checkVersion(Tensor leaf) {
        Parameter p = leaf.parameter();
        if (p.version() == leaf.paramVersion()) {
            return;
        }
        for (Node node : nodes) {
            for (Tensor in : node.inputs) {
                if (in == leaf) {
                    throw new IllegalStateException("backward: parameter '" + p.name() + "' was modified in "
                            + "place after it was read onto this tape (version " + leaf.paramVersion() + " then, "
                            + p.version() + " now; op '" + node.op.name() + "' used the old value), so its "
                            + "gradients would be computed from the new value: run the forward pass again on a "
                            + "new tape after changing a parameter (an optimizer step, setValue, markModified)");
                }
            }
        }
    }

    /** Create-graph sweep: gradients are tensors, and the ops computing them are recorded. */
    private void sweepTensors(Tensor output, Tensor cotangent, int gen, int mark) {
        output.setAcc(cotangent, gen);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            Tensor g = node.output.acc(gen);
            if (g == null) {
                continue;
            }
            boolean[] needs = mark == 0 ? node.needsGrad : reachableInputs(node, mark);
            if (needs == null) {
                continue;
            }
            Tensor[] grads = node.op.backward(g, node.inputs, node.output, needs);
            for (int j = 0; j < node.inputs.length; j++) {
                if (!needs[j] || grads[j] == null) {
                    continue;
                }
                Tensor in = node.inputs[j];
                Tensor gj = grads[j];
                checkGradient(node, j, gj.value());
                Tensor prev = in.acc(gen);
                in.setAcc(prev == null ? gj : prev.add(gj), gen);
            }
        }
    }

    /**
     * Plain sweep: gradients are raw matrices accumulated in place, and ops that implement
     * {@link ValueBackward} skip building tensors altogether. Other ops (custom ones) run their
     * tensor backward unrecorded.
     */
    private void sweepValues(Tensor output, DMatrixRMaj cotangent, int gen, int mark) {
        output.setAccValue(cotangent, false, gen);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            DMatrixRMaj g = node.output.accValue(gen);
            if (g == null) {
                continue;
            }
            boolean[] needs = mark == 0 ? node.needsGrad : reachableInputs(node, mark);
            if (needs == null) {
                continue;
            }
            int n = node.inputs.length;
            DMatrixRMaj[] grads;
            boolean fresh = node.op instanceof ValueBackward;
            // an owned accumulator of a node's output is read by that node only, so the op may
            // overwrite it, unless gradients() is about to return it (the output is a wrt tensor)
            boolean writable = fresh && node.output.accOwned() && !isSweepWrt(node.output);
            if (writable) {
                grads = ((ValueBackward) node.op).backwardValuesInPlace(g, node.values, node.output.value(), needs);
            } else if (fresh) {
                grads = ((ValueBackward) node.op).backwardValues(g, node.values, node.output.value(), needs);
            } else {
                Tensor[] tg = node.op.backward(constant(g), node.inputs, node.output, needs);
                grads = new DMatrixRMaj[n];
                for (int j = 0; j < n; j++) {
                    grads[j] = tg[j] == null ? null : tg[j].value();
                }
            }
            for (int j = 0; j < n; j++) {
                if (!needs[j] || grads[j] == null) {
                    continue;
                }
                checkGradient(node, j, grads[j]);
                // a fast-path gradient other than gradOutput is newly allocated (ValueBackward's
                // contract), and gradOutput itself is the tape's when writable: the input's
                // accumulator may own it, and add later gradients into it in place, unless the same
                // matrix also went to another input
                boolean owned = fresh && (grads[j] != g || writable) && !sharedWithAnother(grads, j);
                node.inputs[j].accumulateValue(grads[j], owned, gen);
            }
        }
    }

    /** Whether {@code t} is one of the wrt tensors of the running {@link #gradients} call. */
    private boolean isSweepWrt(Tensor t) {
        for (Tensor w : sweepWrt) {
            if (w == t) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code grads[j]} is also another entry (one matrix given to two inputs). */
    private static boolean sharedWithAnother(DMatrixRMaj[] grads, int j) {
        for (int i = 0; i < grads.length; i++) {
            if (i != j && grads[i] == grads[j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The inputs of {@code node} that need a gradient and are reachable from the wrt tensors of
     * the current {@link #gradients} call, or {@code null} if none is (or the node's output is not
     * reachable, so no gradient of it leads to a wrt tensor).
     */
    private static boolean[] reachableInputs(Node node, int mark) {
        if (node.output.reach() != mark) {
            return null;
        }
        boolean[] needs = null;
        for (int j = 0; j < node.inputs.length; j++) {
            if (node.needsGrad[j] && node.inputs[j].reach() == mark) {
                if (needs == null) {
                    needs = new boolean[node.inputs.length];
                }
                needs[j] = true;
            }
        }
        return needs;
    }

    private void checkGradient(Node node, int j, DMatrixRMaj gj) {
        Tensor in = node.inputs[j];
        if (gj.numRows != in.rows() || gj.numCols != in.cols()) {
            throw new IllegalStateException("op '" + node.op.name() + "' returned a gradient of shape "
                    + gj.numRows + "x" + gj.numCols + " for input " + j + " of shape " + in.shapeString());
        }
        if (anomalyDetection) {
            checkFinite(gj, "gradient of input " + j + " of op '" + node.op.name() + "'", node.values);
        }
    }

    private void release() {
        released = true;
        nodes.clear();
        nodes.trimToSize();
    }

    /**
     * Hands the arrays behind every value and gradient the ops of this tape computed so far back to
     * this thread's pool, for later tapes to reuse, and keeps the tape usable. For owners that
     * evaluate a function many times on one tape and copy each result out (the ODE solver's
     * no-grad right-hand side). Tensors computed on this tape before the call, and gradients taken
     * from it, must not be used afterwards: their arrays will be overwritten. Leaves
     * ({@link #constant}, {@link #variable}, {@link #param}) keep their own arrays.
     *
     * @throws IllegalStateException if the tape was closed
     */
    public void recycle() {
        if (closed) {
            throw new IllegalStateException("this tape was closed; build a new tape");
        }
        Buffers.local().release(owned);
    }

    /**
     * The bytes of the arrays behind the values and gradients that the ops of this tape computed
     * and that were not yet handed back ({@link #recycle()}, {@link #close()}).
     *
     * @return the bytes held through this tape's op results
     */
    public long ownedBytes() {
        long bytes = 0;
        for (int i = 0, n = owned.size(); i < n; i++) {
            bytes += 8L * owned.get(i).length;
        }
        return bytes;
    }

    /** The arrays this tape's ops allocated and still hold (live list; for tests). */
    List<double[]> ownedArrays() {
        return owned;
    }

    /**
     * Releases the tape and hands the arrays behind every value and gradient its ops computed back
     * to this thread's pool ({@link #recycle()}): afterwards the tape cannot be used, and neither
     * can the tensors computed on it. Parameters keep their values and accumulated gradients.
     * Closing twice does nothing; a tape must be closed on the thread that used it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        Buffers buffers = Buffers.local();
        buffers.release(owned);
        buffers.release(ownedLeaves);
    }

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("this tape was closed; build a new tape");
        }
        if (released) {
            throw new IllegalStateException("this tape was released by a backward sweep; build a new tape "
                    + "or pass retainGraph=true to backward to sweep it again");
        }
    }

    private static void checkFinite(DMatrixRMaj m, String what, DMatrixRMaj[] inputs) {
        double[] d = m.data;
        for (int i = 0, n = m.getNumElements(); i < n; i++) {
            if (!Double.isFinite(d[i])) {
                StringBuilder shapes = new StringBuilder();
                for (DMatrixRMaj in : inputs) {
                    shapes.append(shapes.length() == 0 ? "" : ", ").append(in.numRows).append('x').append(in.numCols);
                }
                throw new ArithmeticException("anomaly: " + what + " is " + d[i] + " at element ("
                        + (i / m.numCols) + ", " + (i % m.numCols) + ") of a " + m.numRows + "x" + m.numCols
                        + " result; input shapes [" + shapes + "]");
            }
        }
    }
}
