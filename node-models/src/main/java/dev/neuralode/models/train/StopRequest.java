package dev.neuralode.models.train;

/**
 * A request to stop training after the iteration in progress, from any thread: a callback
 * ({@code stop.request("target loss reached")}), a signal handler (Ctrl-C), a user interface. The
 * {@link Trainer} checks it at the end of every iteration (so at least one iteration runs), writes
 * its checkpoint if it has one, and returns a {@link TrainingResult} that says it was stopped and why.
 * Thread-safe.
 */
public final class StopRequest {

    private volatile String reason;

    /** Creates a request that is not yet made. */
    public StopRequest() {
    }

    /**
     * Asks training to stop after the current iteration. The first reason given is kept.
     *
     * @param why a short reason for the log and the result, such as {@code "SIGINT"}
     */
    public synchronized void request(String why) {
        if (reason == null) {
            reason = why == null || why.isEmpty() ? "stop requested" : why;
        }
    }

    /**
     * Whether a stop was requested.
     *
     * @return whether {@link #request} was called
     */
    public boolean isRequested() {
        return reason != null;
    }

    /**
     * The reason given with the first request.
     *
     * @return the reason, or {@code null} if no stop was requested
     */
    public String reason() {
        return reason;
    }
}
