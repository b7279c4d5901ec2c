package dev.neuralode.autodiff;

/**
 * Thrown by {@link Tape#gradients} when the gradient asked for cannot exist because the tape did
 * not record the computation: the output was computed inside a {@link Tape#noGrad()} scope, or a
 * tensor to differentiate with respect to requires no gradient (it is a constant, or was computed
 * from constants only or without recording). Returning zeros instead would be silently wrong: a
 * dynamics function that computes its own Jacobian trace with
 * {@code tape.gradients(..., createGraph = true, z)} would lose the trace term.
 *
 * <p>The supported ways: differentiate with respect to {@link Tape#variable} leaves (or tensors
 * computed from them) outside {@code noGrad()}; inside an ODE dynamics, differentiate with respect to
 * the state tensor handed to it, or to tensors computed from it. The ODE solver of node-adjoint
 * ({@code TapeOdeSystem}) catches this exception from its no-grad scratch evaluation and evaluates
 * such a dynamics on a recording tape from then on, so those gradients are the true ones.
 */
public final class UnrecordedGraphException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was asked and why no recorded op leads to it
     */
    public UnrecordedGraphException(String message) {
        super(message);
    }
}
