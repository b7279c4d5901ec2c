package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Tensor;

/**
 * The states of a differentiable ODE solve, on the tape: {@link #stacked()} is the output of the
 * one ODE-solve op ({@code m·batch × dim}); {@link #at(int)} slices it.
 *
 * <p>Belongs to the thread of its tape.
 */
public final class OdeSolveResult {

    private final Tensor stacked;
    private final int batch;
    private final int size;
    private final OdeSolveOp op;
    private final Tensor[] slices;

    OdeSolveResult(Tensor stacked, int batch, int size, OdeSolveOp op) {
        this.stacked = stacked;
        this.batch = batch;
        this.size = size;
        this.op = op;
        this.slices = new Tensor[size];
    }

    /**
     * The state at output time {@code i}: rows {@code [i·batch, (i+1)·batch)} of
     * {@link #stacked()}, a slice on the tape (created once per index and reused).
     *
     * @param i the output index, {@code 0 <= i < size()}
     * @return the {@code batch × dim} state at {@code times[i]}
     * @throws IndexOutOfBoundsException naming the index and the number of outputs
     */
    public Tensor at(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("output index " + i + " out of range [0, " + size + ")");
        }
        if (slices[i] == null) {
            slices[i] = size == 1 ? stacked : stacked.sliceRows(i * batch, (i + 1) * batch);
        }
        return slices[i];
    }

    /**
     * All states stacked: rows {@code [i·batch, (i+1)·batch)} hold the state at {@code times[i]}.
     *
     * @return the op's output tensor, {@code m·batch × dim}
     */
    public Tensor stacked() {
        return stacked;
    }

    /**
     * The number of output times.
     *
     * @return {@code m}
     */
    public int size() {
        return size;
    }

    /**
     * The work counters: forward counters at once, backward counters after the tape's backward
     * sweep has reached the solve. A new snapshot on every call.
     *
     * @return the statistics
     */
    public GradientStats stats() {
        return op.stats();
    }
}
