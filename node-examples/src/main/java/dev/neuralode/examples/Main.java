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
        subcommands = {CommandLine.HelpCommand.class, EulerDemo.class, SpiralDemo.class, ResNetDemo.class, AdjointDemo.class, AnodeDemo.class, LatentDemo.class, CnfDemo.class, BouncingDemo.class, StiffDemo.class},
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
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommand() instanceof Demo d && !d.usesSeed()) {
                sub.getCommandSpec().remove(sub.getCommandSpec().findOption("--seed"));
            }
        }
        return cl.setExecutionExceptionHandler(Main::handle).execute(args);
    }

    /**
     * What a demo's exception becomes: an option value refused by the demo's checks
     * ({@link IllegalArgumentException}) is a usage error (the message, the usage, status 2);
     * anything else is a failure: one line {@code node-examples <demo>: <message>}, status 1, and
     * the stack trace only with {@code --verbose}.
     */
    private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        String name = "node-examples " + cl.getCommandName() + ": ";
        if (ex instanceof IllegalArgumentException) {
            cl.getErr().println(cl.getColorScheme().errorText(name + ex.getMessage()));
            cl.usage(cl.getErr());
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        }
        DemoFailure f = DemoFailure.of(null, null, ex);
        if (cl.getCommand() instanceof Demo d && d.common.verbose()) {
            f.printStackTrace(cl.getErr());
        }
        cl.getErr().println(cl.getColorScheme().errorText(name + f.getMessage()));
        cl.getErr().flush();
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
