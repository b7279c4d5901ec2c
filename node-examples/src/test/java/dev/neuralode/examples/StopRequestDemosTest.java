package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.neuralode.models.io.Npz;

/**
 * Issue 13, item 13, the demo side: a stop request (what the first Ctrl-C or SIGTERM makes, see
 * {@link StopOnSignal}) ends training after the current iteration, and the demo still prints its
 * summary, writes its plots and its checkpoint. The request is made before the run, so exactly one
 * iteration runs.
 */
class StopRequestDemosTest {

    @TempDir
    Path out;

    private static DemoResult stopped(Demo demo, Path out, String... args) throws Exception {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--output";
        all[args.length + 1] = out.toString();
        new picocli.CommandLine(demo).parseArgs(all);
        demo.stopRequest().request("SIGINT");
        return demo.runDemo();
    }

    @Test
    void latentStopsAfterOneIterationAndWritesEverything() throws Exception {
        DemoResult r = stopped(new LatentDemo(), out, "--iterations", "50", "--spirals", "4", "--grid", "8",
                "--observations", "4", "--hidden", "8");
        assertThat(r.summary()).startsWith("latent: iterations=1 ");
        DemoAssertions.figuresFinite(r);
        DemoAssertions.validPngs(r, 2);
        Map<String, Npz.NpyArray> ckpt = Npz.read(out.resolve("latent-checkpoint.npz"));
        assertThat(ckpt.get("trainer.iteration").data()).containsExactly(1.0);
        assertThat(ckpt.get("optimizer.steps").data()).containsExactly(1.0);
    }

    @Test
    void cnfAndAnodeStopAfterOneIteration() throws Exception {
        DemoResult c = stopped(new CnfDemo(), out, "--iterations", "50", "--batch", "16", "--hidden", "8");
        assertThat(c.summary()).contains("iterations=1 ");
        DemoAssertions.validPngs(c, 3);
        assertThat(Npz.read(out.resolve("cnf-checkpoint.npz")).get("trainer.iteration").data()).containsExactly(1.0);

        DemoResult a = stopped(new AnodeDemo(), out, "--iterations", "50", "--points", "32", "--hidden", "8");
        DemoAssertions.figuresFinite(a);
        DemoAssertions.validPngs(a, 3);
        assertThat(Npz.read(out.resolve("plain-checkpoint.npz")).get("trainer.iteration").data()).containsExactly(1.0);
        assertThat(Files.exists(out.resolve("augmented-checkpoint.npz"))).isTrue();
    }

    @Test
    void spiralStopsAfterOneIterationAndWritesEverything() throws Exception {
        DemoResult r = stopped(new SpiralDemo(), out, "--iterations", "50", "--test-every", "0");
        assertThat(r.summary()).contains(" iterations=1 ");
        DemoAssertions.figuresFinite(r);
        DemoAssertions.validPngs(r, 3);
        assertThat(Npz.read(out.resolve("spiral-checkpoint.npz"))).isNotEmpty();
    }
}
