package dev.neuralode.examples;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

import dev.neuralode.adjoint.ReconstructionErrorException;
import dev.neuralode.core.MaxStepsExceededException;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolveException;

/**
 * A demo that failed after its options were accepted: the command prints {@link #getMessage()} as
 * one line ({@code node-examples <demo>: <message>}) and exits with status 1, without a stack
 * trace unless {@code --verbose} is given.
 *
 * <p>{@link #of} turns what the library throws into a sentence a user can act on, naming the
 * demo's flags rather than the library's fields: a solve that ran out of steps names
 * {@code --max-steps} and the step size it had shrunk to (the sign of dynamics that blew up), an
 * out-of-memory error names the heap and the size flags, an I/O error names the file.
 */
public final class DemoFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * A failure with a message of its own.
     *
     * @param message the one-line message (no line breaks)
     * @param cause   what went wrong underneath, or null
     */
    public DemoFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Describes a failure in one line, with what the demo was doing.
     *
     * @param context what was running, for example {@code "training, iteration 2"}, or null
     * @param hint    advice naming the demo's flags (for example
     *                {@code "lower --lr, or raise --max-steps"}), added to solver failures, or null
     * @param t       what was thrown
     * @return the failure (itself if {@code t} already is one)
     */
    public static DemoFailure of(String context, String hint, Throwable t) {
        if (t instanceof DemoFailure f) {
            return f;
        }
        String prefix = context == null ? "" : context + ": ";
        String advice = hint == null ? "" : "; " + hint;
        MaxStepsExceededException steps = find(t, MaxStepsExceededException.class);
        if (steps != null) {
            // a step a millionth of the time reached means dynamics that became stiff or blew up
            boolean tiny = Math.abs(steps.stepSize()) < 1e-6 * Math.max(1, Math.abs(steps.time()));
            return new DemoFailure(prefix + String.format(Locale.ROOT,
                    "an ODE solve needed more than %d steps (--max-steps) and stopped at t=%.6g with step size %.3g%s%s",
                    steps.maxSteps(), steps.time(), steps.stepSize(),
                    tiny ? "; a step this small means the dynamics have become very stiff or have diverged" : "",
                    advice), t);
        }
        ReconstructionErrorException recon = find(t, ReconstructionErrorException.class);
        if (recon != null) {
            return new DemoFailure(prefix + String.format(Locale.ROOT,
                    "the backsolve adjoint (--gradient adjoint) reconstructed the state with a relative error of %.3g "
                            + "at t=%.6g, above its threshold %.3g, so its gradient would be wrong (dynamics that contract "
                            + "forwards amplify errors backwards); use --gradient checkpoint, which never integrates the "
                            + "state backwards, or --gradient direct", recon.relativeError(), recon.time(),
                    recon.threshold()), t);
        }
        NonFiniteStateException nan = find(t, NonFiniteStateException.class);
        if (nan != null) {
            return new DemoFailure(prefix + "the ODE state became NaN or infinite (" + oneLine(nan.getMessage())
                    + ")" + advice, t);
        }
        OdeSolveException solve = find(t, OdeSolveException.class);
        if (solve != null) {
            return new DemoFailure(prefix + oneLine(solve.getMessage()) + advice, t);
        }
        if (t instanceof ArithmeticException && t.getMessage() != null) {
            return new DemoFailure(prefix + oneLine(t.getMessage()) + advice, t);
        }
        OutOfMemoryError oom = find(t, OutOfMemoryError.class);
        if (oom != null) {
            return new DemoFailure(prefix + String.format(Locale.ROOT,
                    "out of memory (the Java heap is limited to %d MiB): lower the sizes (--hidden, --batch, "
                            + "--points, ...) or give java more with -Xmx", Runtime.getRuntime().maxMemory() >> 20), t);
        }
        IOException io = find(t, IOException.class);
        if (io != null) {
            return new DemoFailure(prefix + describe(io), t);
        }
        return new DemoFailure(prefix + describeAny(t), t);
    }

    /** An I/O failure as "cannot write FILE: reason". */
    static String describe(IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            return "cannot write " + fs.getFile() + (fs.getOtherFile() != null ? " (" + fs.getOtherFile() + ")" : "")
                    + ": " + reason(e);
        }
        return "I/O error: " + describeAny(e);
    }

    /** Why an I/O operation failed, without the file name: "not a directory", "permission denied", ... */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs) {
            return fs.getReason() != null ? fs.getReason().toLowerCase(Locale.ROOT) : fs.getClass().getSimpleName();
        }
        return describeAny(e);
    }

    /** The first non-empty message down the cause chain, on one line, or the type's name. */
    static String describeAny(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return oneLine(c.getMessage());
            }
        }
        return t.getClass().getSimpleName();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
