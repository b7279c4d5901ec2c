package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tensor;
import java.util.List;

/**
 * The dynamics {@code dh/dt = f(t, h, θ)} of a neural ODE, written with tape ops.
 *
 * <pre>{@code
 * Parameter w1 = ..., b1 = ..., w2 = ..., b2 = ...;
 * Dynamics f = new Dynamics() {
 *     public Tensor apply(Tensor t, Tensor h) {
 *         Tape tape = h.tape();
 *         return h.pow(3).matmul(tape.param(w1)).add(tape.param(b1)).tanh()
 *                 .matmul(tape.param(w2)).add(tape.param(b2));
 *     }
 *     public List<Parameter> parameters() { return List.of(w1, b1, w2, b2); }
 * };
 * }</pre>
 *
 * <p>{@link OdeSolve} turns a dynamics plus a batch shape into a
 * {@link dev.neuralode.core.DifferentiableOdeSystem} ({@link TapeOdeSystem}): the forward solve
 * calls {@link #apply} on a scratch tape in no-grad mode, and each vector–Jacobian product records
 * one call on a small tape of its own. An implementation must therefore build its result only from
 * {@code t}, {@code h} and the leaves {@code h.tape().param(p)} of the parameters it lists, all on
 * the tape of {@code h}; it must not keep tensors between calls.
 *
 * <p>A dynamics may differentiate its own computation with
 * {@code h.tape().gradients(y, cot, true, z)}, where {@code z} is {@code h} or a tensor computed from
 * it (an exact Jacobian trace, {@code tr ∂f/∂z = Σ_i ∂f_i/∂z_i}, one create-graph sweep per
 * dimension, as in FFJORD): the solver notices at the first evaluation (the no-grad scratch tape
 * throws {@link dev.neuralode.autodiff.UnrecordedGraphException}) and evaluates the dynamics on
 * recording tapes from then on. Do not detach the state ({@code tape.variable(h.value())}): the
 * gradients with respect to {@code h} would then miss that path.
 */
public interface Dynamics {

    /**
     * Evaluates {@code dh/dt}.
     *
     * @param t the time, a 1×1 tensor on the same tape as {@code h}
     * @param h the state, {@code batch × dim}, one sample per row
     * <p>The tape is owned by the solve: the arrays of the tensors computed here are handed back to
     * a pool once the solve has copied the result out (see {@code Tape.recycle()}), so an
     * implementation must not keep those tensors after it returns.
     *
     * @return {@code dh/dt}, {@code batch × dim}, built from tape ops on the tape of {@code h}
     */
    Tensor apply(Tensor t, Tensor h);

    /**
     * The trainable parameters {@code θ} the dynamics reads with {@code tape.param(p)}. Their
     * gradients are accumulated into {@link Parameter#grad()} by the backward pass of the solve.
     *
     * @return the parameters, in a fixed order (the order of the flat parameter vector)
     */
    List<Parameter> parameters();
}
