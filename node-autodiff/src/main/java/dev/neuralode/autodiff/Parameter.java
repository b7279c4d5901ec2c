package dev.neuralode.autodiff;

import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * A named, trainable matrix that lives across tapes: its value is read by every tape that
 * uses it ({@link Tape#param(Parameter)}), and each {@code backward} adds its gradient into
 * {@link #grad()}. Zeroing the gradient is explicit ({@link #zeroGrad()}), as in PyTorch.
 *
 * <p>Optimizers update {@link #value()} in place. Not thread-safe: a parameter used by tapes
 * on several threads needs external synchronisation of its gradient accumulation.
 *
 * <p><b>Version counter.</b> Every in-place change made through the library ({@link #setValue},
 * an optimizer step, loading weights) increments {@link #version()}, as PyTorch's tensors count
 * their in-place changes. A tape records the version when the parameter is read onto it
 * ({@link Tape#param(Parameter)}); a backward sweep of a tape whose recorded ops used the parameter
 * throws {@link IllegalStateException} naming it if the version has moved since: the gradient would
 * otherwise be computed from the new value for a loss computed with the old one. Code that writes
 * into the matrix returned by {@link #value()} itself must call {@link #markModified()} afterwards
 * so that the check sees the change; a forward pass computed after the change (on a new tape) is
 * always fine.
 */
public final class Parameter {

    private final String name;
    private final DMatrixRMaj value;
    private final DMatrixRMaj grad;
    private long version;

    /**
     * Creates a parameter holding a copy of {@code initial}, with a zero gradient.
     *
     * @param name    the parameter's name, such as {@code "encoder.0.weight"}
     * @param initial the initial value. Not modified (copied).
     */
    public Parameter(String name, DMatrixRMaj initial) {
        this.name = Objects.requireNonNull(name, "name");
        this.value = initial.copy();
        this.grad = new DMatrixRMaj(initial.numRows, initial.numCols);
    }

    /**
     * Creates a zero-valued parameter of the given shape.
     *
     * @param name the parameter's name
     * @param rows the number of rows, at least 1
     * @param cols the number of columns, at least 1
     * @return the new parameter
     */
    public static Parameter zeros(String name, int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("parameter '" + name + "' shape must be positive, got "
                    + rows + "x" + cols);
        }
        return new Parameter(name, new DMatrixRMaj(rows, cols));
    }

    /**
     * The name.
     *
     * @return the name given at construction
     */
    public String name() {
        return name;
    }

    /**
     * The value, shared and mutable: optimizers update it in place. A caller that modifies the
     * returned matrix must call {@link #markModified()} afterwards.
     *
     * @return the live value matrix
     */
    public DMatrixRMaj value() {
        return value;
    }

    /**
     * The accumulated gradient, shared and mutable.
     *
     * @return the live gradient matrix, the shape of {@link #value()}
     */
    public DMatrixRMaj grad() {
        return grad;
    }

    /** Sets every element of the gradient to zero. */
    public void zeroGrad() {
        grad.zero();
    }

    /**
     * Adds {@code g} to the gradient.
     *
     * @param g the gradient to add, the shape of the value. Not modified.
     * @throws IllegalArgumentException if the shape differs, naming both shapes
     */
    public void accumulateGrad(DMatrixRMaj g) {
        if (g.numRows != grad.numRows || g.numCols != grad.numCols) {
            throw new IllegalArgumentException("gradient of parameter '" + name + "' has shape "
                    + g.numRows + "x" + g.numCols + ", expected " + grad.numRows + "x" + grad.numCols);
        }
        double[] a = grad.data;
        double[] b = g.data;
        for (int i = 0, n = grad.getNumElements(); i < n; i++) {
            a[i] += b[i];
        }
    }

    /**
     * Copies {@code v} into the value.
     *
     * @param v the new value, the shape of the current one. Not modified.
     * @throws IllegalArgumentException if the shape differs, naming both shapes
     */
    public void setValue(DMatrixRMaj v) {
        if (v.numRows != value.numRows || v.numCols != value.numCols) {
            throw new IllegalArgumentException("value for parameter '" + name + "' has shape "
                    + v.numRows + "x" + v.numCols + ", expected " + value.numRows + "x" + value.numCols);
        }
        value.setTo(v);
        version++;
    }

    /**
     * Records an in-place change of {@link #value()}: increments {@link #version()}. The library's
     * own writers ({@link #setValue}, optimizer steps, weight loading) call it; call it after
     * writing into {@code value()} directly, so that a backward sweep of a tape that read the old
     * value fails with a clear message instead of returning a wrong gradient.
     */
    public void markModified() {
        version++;
    }

    /**
     * The number of in-place changes of the value so far ({@link #setValue}, {@link #markModified}).
     * Starts at 0; only equality matters.
     *
     * @return the version counter
     */
    public long version() {
        return version;
    }

    /**
     * The number of scalar elements.
     *
     * @return rows × columns
     */
    public int size() {
        return value.getNumElements();
    }

    @Override
    public String toString() {
        return "Parameter[" + name + " " + value.numRows + "x" + value.numCols + "]";
    }
}
