package dev.neuralode.examples;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * Options shared by every demo (a picocli mixin): the random seed and the output folder.
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
}
