package dev.neuralode.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line entry of the demos: {@code node-examples <demo> [options]}, one subcommand per
 * demo. Run {@code java -jar node-examples/target/node-examples.jar --help} for the list and
 * {@code ... <demo> --help} for a demo's options.
 */
@Command(name = "node-examples", mixinStandardHelpOptions = true, version = "node-examples 0.1.0-SNAPSHOT",
        description = "Neural-ODE demos: each trains or solves something small, logs its progress, "
                + "writes PNG plots to the output folder and prints a one-line summary.",
        subcommands = {CommandLine.HelpCommand.class, EulerDemo.class, SpiralDemo.class, ResNetDemo.class, AdjointDemo.class, AnodeDemo.class, LatentDemo.class, CnfDemo.class, BouncingDemo.class},
        footer = {"", "Example: node-examples spiral --gradient adjoint --iterations 2000"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line without exiting (used by tests).
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int execute(String... args) {
        System.setProperty("java.awt.headless", "true");
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((ex, cl, parsed) -> {
                    if (ex instanceof IllegalArgumentException) {
                        // bad option values found while running (an unknown method or gradient...)
                        cl.getErr().println(cl.getColorScheme().errorText("node-examples " + cl.getCommandName()
                                + ": " + ex.getMessage()));
                        cl.usage(cl.getErr());
                        return cl.getCommandSpec().exitCodeOnInvalidInput();
                    }
                    throw ex;
                })
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
