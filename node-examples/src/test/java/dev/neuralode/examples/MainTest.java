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

    @Test
    void unknownOptionIsAUsageError() {
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(cl.execute("euler", "--no-such-flag")).isEqualTo(2);
    }
}
