package dev.neuralode.examples;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * Options shared by every demo (a picocli mixin): the random seed (which demos without randomness
 * drop), the output folder and how much is logged.
 */
public final class CommonOptions {

    /** The random seed; a demo is deterministic for a given seed (timings aside). */
    @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
            description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    /** Where the PNG plots go. */
    @Option(names = {"-o", "--output"}, defaultValue = "examples-output", paramLabel = "DIR",
            description = "folder for the PNG plots, created if needed (default: ${DEFAULT-VALUE})")
    Path output;

    /** Only warnings, errors and the summary line. */
    @Option(names = {"-q", "--quiet"},
            description = "print only the summary line, warnings and errors (no progress)")
    boolean quiet;

    /** Debug messages, and a failure's stack trace. */
    @Option(names = {"-v", "--verbose"},
            description = "print debug messages, and the stack trace of a failure")
    boolean verbose;

    /**
     * The random seed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The output folder.
     *
     * @return the folder the plots are written to
     */
    public Path output() {
        return output;
    }

    /**
     * Whether {@code --quiet} was given.
     *
     * @return true for warnings, errors and the summary only
     */
    public boolean quiet() {
        return quiet;
    }

    /**
     * Whether {@code --verbose} was given.
     *
     * @return true for debug messages and stack traces
     */
    public boolean verbose() {
        return verbose;
    }
}
