package dev.neuralode.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.knowm.xchart.internal.chartpart.Chart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.neuralode.models.train.StopRequest;
import picocli.CommandLine.Mixin;

/**
 * The base of every demo subcommand: creates the output folder, runs the demo, logs the files it
 * wrote and prints its one-line summary on standard output.
 *
 * <p>Subclasses implement {@link #run()} and write their plots with {@link #save}. Tests call
 * {@link #runDemo()} directly after parsing a tiny configuration with picocli.
 */
public abstract class Demo implements Callable<Integer> {

    /** The demo's logger (named after the concrete class). */
    protected final Logger log = LoggerFactory.getLogger(getClass());

    /** Seed and output folder. */
    @Mixin
    protected CommonOptions common = new CommonOptions();

    private final List<Path> images = new ArrayList<>();

    private final StopRequest stop = new StopRequest();

    /**
     * Runs the demo: the body of the subcommand.
     *
     * @return the result; its summary is printed by {@link #call()}
     * @throws Exception on failure (the command exits with a non-zero status)
     */
    protected abstract DemoResult run() throws Exception;

    /**
     * Checks the option values before the demo does any work. Demos override it with the
     * {@code require...} helpers; the default accepts everything.
     *
     * @throws IllegalArgumentException naming the option, its value and what is valid (the
     *                                  command prints it with the usage and exits with status 2)
     */
    protected void validate() {
    }

    /**
     * Requires an integer option of at least {@code min}.
     *
     * @param option the option's name, for example {@code "--iterations"}
     * @param value  its value
     * @param min    the smallest valid value
     * @throws IllegalArgumentException naming the option, its value and the bound
     */
    protected static void requireAtLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * Requires a finite option value greater than zero.
     *
     * @param option the option's name
     * @param value  its value
     * @throws IllegalArgumentException naming the option and its value
     */
    protected static void requirePositive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be finite and > 0, got " + value);
        }
    }

    /**
     * Requires a finite option value of zero or more.
     *
     * @param option the option's name
     * @param value  its value
     * @throws IllegalArgumentException naming the option and its value
     */
    protected static void requireNonNegative(String option, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be finite and >= 0, got " + value);
        }
    }

    /**
     * Runs the demo and returns its result without printing the summary.
     *
     * @return the result
     * @throws Exception on failure
     */
    public final DemoResult runDemo() throws Exception {
        if (common.quiet() && common.verbose()) {
            throw new IllegalArgumentException("--quiet and --verbose exclude each other");
        }
        validate();
        images.clear();
        try {
            Files.createDirectories(common.output());
        } catch (IOException e) {
            throw new DemoFailure("cannot create the output folder --output " + common.output() + ": "
                    + DemoFailure.reason(e), e);
        }
        if (!Files.isWritable(common.output())) {
            throw new DemoFailure("cannot write into the output folder --output " + common.output()
                    + ": permission denied", null);
        }
        Verbosity.Restore level = Verbosity.set(common.quiet(), common.verbose());
        try {
            long start = System.nanoTime();
            DemoResult r;
            try {
                r = run();
            } catch (Exception | OutOfMemoryError | StackOverflowError e) {
                throw DemoFailure.of(null, failureHint(), e);
            }
            for (Path p : r.images()) {
                log.info("wrote {}", p);
            }
            log.info(String.format(Locale.ROOT, "%s finished in %.1fs", r.demo(), (System.nanoTime() - start) * 1e-9));
            return r;
        } finally {
            level.close();
        }
    }

    /**
     * Whether the demo draws random numbers; a demo that does not loses the {@code --seed} option
     * on the command line. Default true.
     *
     * @return true if {@code --seed} changes the run
     */
    protected boolean usesSeed() {
        return true;
    }

    /**
     * Advice added to a failed solve's message, naming this demo's flags; the default names
     * {@code --max-steps} and the tolerances when the demo has them.
     *
     * @return the advice, or null
     */
    protected String failureHint() {
        return null;
    }

    /**
     * Requires that arrays of {@code doubles} values fit in the Java heap, so that a huge size flag
     * is refused before any work instead of failing deep inside a matrix library.
     *
     * @param option  the option that sets the size, for example {@code "--hidden"}
     * @param value   its value
     * @param doubles a lower bound on the doubles the run allocates for it
     * @throws IllegalArgumentException naming the option, the memory needed and the heap
     */
    protected static void requireFitsInHeap(String option, long value, double doubles) {
        double bytes = doubles * Double.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (!(bytes <= Math.min(heap, 8.0 * Integer.MAX_VALUE))) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s %d needs at least %.3g GiB for its weights, more than the Java heap (%d MiB)", option, value,
                    bytes / (1L << 30), heap >> 20));
        }
    }

    /**
     * Requires an integer option of at most {@code max}.
     *
     * @param option the option's name
     * @param value  its value
     * @param max    the largest valid value
     * @param why    what the bound comes from, or null
     * @throws IllegalArgumentException naming the option, its value and the bound
     */
    protected static void requireAtMost(String option, long value, long max, String why) {
        if (value > max) {
            throw new IllegalArgumentException(option + " must be at most " + max + (why == null ? "" : " (" + why + ")")
                    + ", got " + value);
        }
    }

    /**
     * Requires a finite option value in a closed interval.
     *
     * @param option the option's name
     * @param value  its value
     * @param lo     the smallest valid value
     * @param hi     the largest valid value
     * @throws IllegalArgumentException naming the option, its value and the interval
     */
    protected static void requireBetween(String option, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(option + " must be in [" + lo + ", " + hi + "], got " + value);
        }
    }

    /**
     * Resolves an enum-like option value case-insensitively.
     *
     * @param option the option's name, for example {@code "--density"}
     * @param value  its value as given
     * @param valid  the valid choices, in lower case
     * @return the matching choice, in lower case
     * @throws IllegalArgumentException naming the option, the value and the choices
     */
    protected static String choice(String option, String value, String... valid) {
        String v = value.toLowerCase(Locale.ROOT);
        for (String c : valid) {
            if (c.equals(v)) {
                return c;
            }
        }
        throw new IllegalArgumentException(option + ": unknown value '" + value + "'; valid: " + String.join(", ", valid));
    }

    /**
     * Runs the demo from the command line: the first SIGINT (Ctrl-C) or SIGTERM asks the training to
     * stop after the current iteration ({@link #stopRequest()}); the demo then writes its summary,
     * plots and checkpoint as usual and the command exits with status 130 (SIGINT) or 143 (SIGTERM).
     * A second signal exits at once.
     *
     * @return the exit status
     * @throws Exception on failure
     */
    @Override
    public Integer call() throws Exception {
        DemoResult r;
        int status;
        try (StopOnSignal signals = StopOnSignal.install(stop, log)) {
            r = runDemo();
            status = signals.exitStatus();
        }
        System.out.println(r.summary());
        System.out.flush();
        return status;
    }

    /**
     * The request that stops this demo's training after the current iteration (made by a signal in
     * {@link #call()}, or by a test before {@link #runDemo()}).
     *
     * @return the request
     */
    public final StopRequest stopRequest() {
        return stop;
    }

    /**
     * Where a training demo writes its checkpoint ({@code <name>-checkpoint.npz} in the output
     * folder; see {@code Trainer.Builder.checkpoint}).
     *
     * @param name the run's name
     * @return the file
     */
    protected final Path checkpointFile(String name) {
        return common.output().resolve(name + "-checkpoint.npz");
    }

    /**
     * Writes a chart as a PNG into the output folder and remembers it.
     *
     * @param chart the chart
     * @param name  the file name, for example {@code "spiral-trajectories.png"}
     * @return the file written
     * @throws java.io.IOException if writing fails
     */
    protected Path save(Chart<?, ?> chart, String name) throws java.io.IOException {
        Path p = Plots.save(chart, common.output().resolve(name));
        images.add(p);
        return p;
    }

    /**
     * Writes several charts as one PNG grid into the output folder and remembers it.
     *
     * @param charts the charts, row by row
     * @param rows   grid rows
     * @param cols   grid columns
     * @param name   the file name
     * @return the file written
     * @throws java.io.IOException if writing fails
     */
    protected <T extends Chart<?, ?>> Path saveGrid(List<T> charts, int rows, int cols, String name)
            throws java.io.IOException {
        Path p = Plots.saveGrid(charts, rows, cols, common.output().resolve(name));
        images.add(p);
        return p;
    }

    /**
     * The PNG files written so far by this run.
     *
     * @return a copy of the list
     */
    protected List<Path> images() {
        return List.copyOf(images);
    }

    /**
     * Formats a number compactly for summaries ({@code %.4g}, {@link Locale#ROOT}).
     *
     * @param v the number
     * @return its text
     */
    protected static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
