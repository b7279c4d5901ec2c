package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class MainTest {

    @Test
    void everySubcommandHasHelp() {
        CommandLine cl = new CommandLine(new Main());
        assertThat(cl.getSubcommands()).containsKeys("euler", "spiral", "adjoint", "resnet", "anode", "latent", "cnf");
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

    @Test
    void unknownOptionIsAUsageError() {
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(cl.execute("euler", "--no-such-flag")).isEqualTo(2);
    }
}
