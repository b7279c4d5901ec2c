package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;

/**
 * One differentiable operation: its forward computation and its backward rule, side by side.
 *
 * <p>This is the extension point for new ops. Built-in ops implement it, and so does any op a
 * user or another module defines (the ODE-solve op of node-adjoint is one). Apply an op with
 * {@link Tape#apply(Op, Tensor...)}:
 * <pre>{@code
 * Tensor y = tape.apply(new MyOp(), x);
 * }</pre>
 *
 * <p>An op instance may keep state computed in {@link #forward} for use in {@link #backward}
 * (create a new instance per application in that case). The backward rule is written with
 * {@link Tensor} operations, so that when the tape records the backward pass
 * ({@code createGraph}) the gradient is itself differentiable and gradients of gradients work.
 * A backward rule that cannot be expressed in tensor ops (an adjoint ODE solve, say) may return
 * constants made with {@link Tape#constant(DMatrixRMaj)}; its gradient is then first order only.
 */
public interface Op {

    /**
     * The op's name, used in error messages, anomaly reports and the op registry.
     *
     * @return a short lower-case name such as {@code "matmul"}
     */
    String name();

    /**
     * Computes the output value from the input values.
     *
     * @param inputs the input values. Not modified.
     * @return a newly allocated output value (the tape takes ownership; allocate it with
     *         {@link #newValue} to have it recycled with the tape)
     * @throws IllegalArgumentException if the input shapes are incompatible; the message names
     *                                  the op and the shapes
     */
    DMatrixRMaj forward(DMatrixRMaj[] inputs);

    /**
     * Computes the gradient with respect to each input from the gradient of the output.
     *
     * @param gradOutput the gradient of the loss with respect to the output, same shape as the
     *                   output
     * @param inputs     the input tensors, as given to {@link Tape#apply}
     * @param output     the output tensor
     * @param needsGrad  {@code needsGrad[i]} is false when input {@code i} needs no gradient; its
     *                   entry of the result may then be {@code null}
     * @return one gradient per input (each the shape of that input), or {@code null} entries for
     *         inputs needing none
     */
    Tensor[] backward(Tensor gradOutput, Tensor[] inputs, Tensor output, boolean[] needsGrad);

    /**
     * A {@code rows × cols} zero matrix for an op's result, taken from the arena of the tape the
     * op runs on: called from {@link #forward} while {@link Tape#apply} records, it is owned by that
     * tape and goes back to the thread's arena when the tape is closed or recycled, so an op that
     * allocates its results this way makes no garbage across training iterations (the built-in ops
     * and the ODE-solve op do). Called anywhere else, it is a plain new matrix.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @return a zero matrix
     */
    static DMatrixRMaj newValue(int rows, int cols) {
        return Buffers.zeros(rows, cols);
    }
}
