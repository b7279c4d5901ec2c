package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Tensor;

/**
 * A state reset written with tape ops, {@code y⁺ = r(t*, y⁻; ψ)}, so that gradients flow through
 * it into its parameters (a restitution coefficient) and into the event time and state.
 *
 * <pre>{@code
 * StateReset bounce = (t, y) -> Tensor.concatCols(y.tape().scalar(0),
 *         y.sliceCols(1, 2).mul(y.tape().param(restitution)).neg());
 * }</pre>
 */
@FunctionalInterface
public interface StateReset {

    /**
     * Computes the state after the event.
     *
     * @param t the event time, 1×1, on the tape of {@code y}
     * @param y the state before the event, 1×n
     * @return the state after it, 1×n, on the same tape
     */
    Tensor apply(Tensor t, Tensor y);
}
