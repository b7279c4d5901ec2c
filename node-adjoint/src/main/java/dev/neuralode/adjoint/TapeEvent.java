package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Tensor;

/**
 * One event of a differentiable solve, on the tape: the event time {@code t*} (1×1), the state
 * there before the event {@code y(t*)} and after its reset (1×n each), and the gradient work of the
 * solve segment that led to it.
 *
 * <p>Belongs to the thread of its tape.
 */
public final class TapeEvent {

    private final Tensor time;
    private final Tensor before;
    private final Tensor after;
    private final OdeSolveResult segment;

    TapeEvent(Tensor time, Tensor before, Tensor after, OdeSolveResult segment) {
        this.time = time;
        this.before = before;
        this.after = after;
        this.segment = segment;
    }

    /**
     * The event time.
     *
     * @return {@code t*}, 1×1, differentiable
     */
    public Tensor time() {
        return time;
    }

    /**
     * The state at the event time, before any reset.
     *
     * @return {@code y(t*)}, 1×n, differentiable (including its dependence on {@code t*})
     */
    public Tensor state() {
        return before;
    }

    /**
     * The state the next segment starts from.
     *
     * @return {@code r(t*, y(t*))}, or {@link #state()} without a reset
     */
    public Tensor stateAfter() {
        return after;
    }

    /**
     * The differentiable solve of the segment that ended at this event (its stats, its states).
     *
     * @return the segment's solve result: states at its start and at {@code t*}
     */
    public OdeSolveResult segment() {
        return segment;
    }
}
