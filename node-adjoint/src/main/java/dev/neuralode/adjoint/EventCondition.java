package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tensor;

import java.util.List;

/**
 * An event function written with tape ops, {@code g(t, y; φ)}, so that the event time it defines
 * can be differentiated with respect to its parameters {@code φ} (see {@link OdeEvents}).
 *
 * <pre>{@code
 * EventCondition floor = (t, y) -> y.sliceCols(0, 1);            // height = 0
 * }</pre>
 *
 * <p>Like {@link Dynamics}, an implementation reads its parameters as {@code y.tape().param(p)}
 * and keeps no tensors between calls.
 */
@FunctionalInterface
public interface EventCondition {

    /**
     * Evaluates {@code g}.
     *
     * @param t the time, 1×1, on the tape of {@code y}
     * @param y the state, 1×n (one trajectory)
     * @return {@code g(t, y)}, 1×1, built from tape ops on the tape of {@code y}
     */
    Tensor apply(Tensor t, Tensor y);

    /**
     * The parameters {@code φ} the function reads.
     *
     * @return the parameters (empty by default)
     */
    default List<Parameter> parameters() {
        return List.of();
    }
}
