package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class MainTest {

    @Test
    void everySubcommandHasHelp() {
        CommandLine cl = new CommandLine(new Main());
        assertThat(cl.getSubcommands()).containsKeys("euler", "spiral", "adjoint", "resnet", "anode", "latent", "cnf", "bouncing");
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            java.io.StringWriter buf = new java.io.StringWriter();
            cl.setOut(new java.io.PrintWriter(buf));
            assertThat(cl.execute(e.getKey(), "--help")).isZero();
            assertThat(buf.toString()).contains("Usage: node-examples " + e.getKey())
                    .contains("--output").contains("--seed");
        }
    }

    /** The real command path: exit status 0, PNGs in the output folder, one summary line on stdout. */
    @Test
    void aDemoPrintsOnlyItsSummaryOnStandardOutput(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out)
            throws Exception {
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            status = Main.execute("euler", "--levels", "3", "--output", out.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(status).isZero();
        String stdout = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(stdout.lines()).hasSize(1).first().asString().startsWith("euler: order_euler=");
        try (var files = java.nio.file.Files.list(out)) {
            assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(4);
        }
    }

    @Test
    void badOptionValueIsAUsageErrorNamingTheChoices(@org.junit.jupiter.api.io.TempDir java.nio.file.Path out) {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            status = Main.execute("spiral", "--gradient", "sideways", "--iterations", "1", "--output", out.toString());
        } finally {
            System.setErr(saved);
        }
        assertThat(status).isEqualTo(2);
        assertThat(buf.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("unknown gradient 'sideways'; valid: direct, adjoint, checkpoint");
    }

    /** Out-of-range numbers are refused before any work, naming the option, the value and the bound. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "spiral --iterations 0 | --iterations must be at least 1, got 0",
        "spiral --test-every -1 | --test-every must be at least 0, got -1",
        "spiral --lr 0 | --lr must be finite and > 0, got 0.0",
        "anode --augment -1 | --augment must be at least 0, got -1",
        "anode --points 1 | --points must be at least 2, got 1",
        "cnf --batch 0 | --batch must be at least 1, got 0",
        "cnf --lr -0.5 | --lr must be finite and > 0, got -0.5",
        "latent --observations 41 --grid 40 | --observations must be at most --grid (40), got 41",
        "latent --noise -1 | --noise must be finite and >= 0, got -1.0",
        "resnet --blocks 0 | --blocks must be at least 1, got 0",
        "adjoint --steps 10,0 | --steps must be at least 1, got 0",
        "adjoint --t-end Infinity | --t-end must be finite and > 0, got Infinity",
        "euler --step-sizes 0.5,-0.1 | --step-sizes must be finite and > 0, got -0.1",
        "euler --levels 0 | --levels must be at least 1, got 0",
        "bouncing --bounces 1 | --bounces must be at least 2, got 1",
        "bouncing --initial 14,1.5,6 | restitution must be in (0, 1), got 1.5"})
    void outOfRangeNumbersAreUsageErrorsNamingTheOption(String command, String message,
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path out) throws Exception {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command.trim().split(" ")));
        java.nio.file.Path folder = out.resolve("never-created");
        args.add("--output");
        args.add(folder.toString());
        int status;
        try {
            System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            status = Main.execute(args.toArray(new String[0]));
        } finally {
            System.setErr(saved);
        }
        assertThat(status).isEqualTo(2);
        assertThat(buf.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("node-examples " + args.get(0) + ": " + message);
        assertThat(folder).as("nothing is written before the options are checked").doesNotExist();
    }

    @Test
    void unknownOptionIsAUsageError() {
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(cl.execute("euler", "--no-such-flag")).isEqualTo(2);
    }
}
