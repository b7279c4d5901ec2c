package dev.neuralode.examples;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;

import dev.neuralode.models.train.StopRequest;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the first SIGINT (Ctrl-C) or SIGTERM into a {@link StopRequest}: training stops after the
 * iteration in progress, and the demo still writes its summary, plots and checkpoint. A second
 * signal ends the process at once (exit status 130 for SIGINT, 143 for SIGTERM). The handlers are
 * those of {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every JDK since 9);
 * where a signal cannot be handled (some platforms reserve one), it keeps the JVM's default action.
 * {@link #close()} puts the previous handlers back.
 */
final class StopOnSignal implements AutoCloseable {

    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received;

    private StopOnSignal() {
    }

    /**
     * Installs the handlers.
     *
     * @param stop the request to make on the first signal
     * @param log  where the first signal is reported
     * @return the installation; close it to restore the previous handlers
     */
    static StopOnSignal install(StopRequest stop, Logger log) {
        StopOnSignal s = new StopOnSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal sig = new Signal(name);
                SignalHandler old = Signal.handle(sig, x -> s.onSignal(x, stop, log));
                s.signals.add(sig);
                s.previous.add(old);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.debug("SIG{} cannot be handled here ({}); it keeps its default action", name, e.getMessage());
            }
        }
        return s;
    }

    private void onSignal(Signal sig, StopRequest stop, Logger log) {
        int status = 128 + sig.getNumber();
        if (received != null) {
            System.err.println("node-examples: second SIG" + sig.getName() + ": exiting now, nothing more is written");
            Runtime.getRuntime().halt(status);
        }
        received = "SIG" + sig.getName();
        stop.request(received);
        log.warn("{}: stopping after the current iteration, then writing the summary, plots and checkpoint "
                + "(signal again to exit at once)", received);
    }

    /**
     * The signal received, if any.
     *
     * @return {@code "SIGINT"} or {@code "SIGTERM"}, or {@code null}
     */
    String received() {
        return received;
    }

    /**
     * The exit status for the signal received: {@code 128 +} its number (130 for SIGINT, 143 for
     * SIGTERM), as shells report a process ended by it.
     *
     * @return the status, or 0 if no signal was received
     */
    int exitStatus() {
        return "SIGINT".equals(received) ? 130 : "SIGTERM".equals(received) ? 143 : 0;
    }

    /** Restores the previous handlers. */
    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
