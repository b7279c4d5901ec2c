package dev.neuralode.examples;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/**
 * The {@code --quiet} and {@code --verbose} flags as logback levels for the library's loggers
 * ({@code dev.neuralode}): quiet shows warnings and errors only (standard output still gets the
 * summary line), verbose adds debug messages (and the command prints a failure's stack trace).
 * Without a flag the levels of {@code logback.xml} apply. When another slf4j back end is bound
 * the flags change nothing but the stack trace.
 */
final class Verbosity {

    /** Puts the previous level back. */
    interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    private Verbosity() {
    }

    /**
     * Sets the level of {@code dev.neuralode}'s loggers for one run.
     *
     * @param quiet   warnings and errors only
     * @param verbose debug messages too
     * @return what puts the previous level back
     */
    static Restore set(boolean quiet, boolean verbose) {
        if (!(quiet || verbose) || !(LoggerFactory.getLogger("dev.neuralode") instanceof Logger top)) {
            return () -> { };
        }
        // the top logger and every configured one below it (an explicit level would win over the top's)
        Map<Logger, Level> previous = new LinkedHashMap<>();
        previous.put(top, top.getLevel());
        for (Logger l : top.getLoggerContext().getLoggerList()) {
            if (l.getName().startsWith("dev.neuralode.") && l.getLevel() != null) {
                previous.put(l, l.getLevel());
            }
        }
        Level level = quiet ? Level.WARN : Level.DEBUG;
        previous.keySet().forEach(l -> l.setLevel(level));
        return () -> previous.forEach(Logger::setLevel);
    }
}
