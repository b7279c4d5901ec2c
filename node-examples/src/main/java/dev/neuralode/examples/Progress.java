package dev.neuralode.examples;

import java.util.Locale;

import org.slf4j.Logger;

/**
 * Training progress reporting: about twenty log lines per run with the iteration, the loss, the
 * function evaluations, the elapsed time and an estimate of the time left; runs of at least
 * {@value #BAR_THRESHOLD} iterations also show a text progress bar.
 *
 * <pre>
 * spiral [##########----------]  50% it 100/200 loss 0.3121 nfe 62 elapsed 1.9s eta 1.9s
 * </pre>
 *
 * Not thread-safe: one instance per training loop.
 */
public final class Progress {

    /** Runs with at least this many iterations show a progress bar. */
    public static final int BAR_THRESHOLD = 50;

    private static final int BAR_WIDTH = 20;

    private final Logger log;
    private final String name;
    private final int total;
    private final int every;
    private final long start = System.nanoTime();

    /**
     * Starts timing a run.
     *
     * @param log   where to report
     * @param name  the demo's name, the first word of each line
     * @param total the number of iterations
     */
    public Progress(Logger log, String name, int total) {
        this.log = log;
        this.name = name;
        this.total = Math.max(1, total);
        this.every = Math.max(1, this.total / 20);
    }

    /**
     * Reports iteration {@code iteration} (1-based) if it is one of the reported ones (every
     * twentieth of the run, and the first and last).
     *
     * @param iteration the iteration just finished, 1-based
     * @param loss      its training loss
     * @param nfe       its function evaluations (NaN to omit)
     * @param extra     more {@code key value} text, or {@code null}
     */
    public void update(int iteration, double loss, double nfe, String extra) {
        if (iteration != 1 && iteration != total && iteration % every != 0) {
            return;
        }
        log.info(line(iteration, loss, nfe, extra));
    }

    /**
     * Formats a progress line (without checking whether it is due).
     *
     * @param iteration the iteration just finished, 1-based
     * @param loss      its training loss
     * @param nfe       its function evaluations (NaN to omit)
     * @param extra     more text, or {@code null}
     * @return the line
     */
    public String line(int iteration, double loss, double nfe, String extra) {
        double elapsed = elapsedSeconds();
        double eta = iteration > 0 ? elapsed / iteration * (total - iteration) : Double.NaN;
        StringBuilder sb = new StringBuilder(name);
        if (total >= BAR_THRESHOLD) {
            int filled = (int) Math.round((double) iteration / total * BAR_WIDTH);
            sb.append(" [").append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled))
                    .append(String.format(Locale.ROOT, "] %3d%%", Math.round(100.0 * iteration / total)));
        }
        sb.append(String.format(Locale.ROOT, " it %d/%d loss %.5g", iteration, total, loss));
        if (!Double.isNaN(nfe)) {
            sb.append(String.format(Locale.ROOT, " nfe %.0f", nfe));
        }
        sb.append(String.format(Locale.ROOT, " elapsed %.1fs", elapsed));
        if (iteration < total) {
            sb.append(String.format(Locale.ROOT, " eta %.1fs", eta));
        }
        if (extra != null && !extra.isEmpty()) {
            sb.append(' ').append(extra);
        }
        return sb.toString();
    }

    /**
     * Seconds since construction.
     *
     * @return wall-clock seconds
     */
    public double elapsedSeconds() {
        return (System.nanoTime() - start) * 1e-9;
    }
}
