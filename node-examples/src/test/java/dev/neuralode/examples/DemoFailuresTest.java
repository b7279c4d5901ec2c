package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The command line as a user meets it (issue 13, item 14): the demos' entry point runs in-process
 * and each failure, mid-run or at the option checks, is one line naming the flag, a non-zero exit
 * status and no stack trace.
 */
class DemoFailuresTest {

    @TempDir
    Path out;

    /** What one command printed and returned. */
    record Run(int status, String stdout, String stderr) {
        /** The last line on standard error: the failure's message. */
        String lastErrorLine() {
            List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        /** The line naming the demo, {@code node-examples <demo>: ...}. */
        String messageLine() {
            return stderr.lines().filter(l -> l.startsWith("node-examples ")).findFirst().orElse("");
        }
    }

    static Run run(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("-o") && !all.contains("--output")) {
            all.add("--output");
            all.add(out.toString());
        }
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            status = Main.execute(all.toArray(new String[0]));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static void noStackTrace(Run r) {
        assertThat(r.stderr()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Caused by");
    }

    @Test
    void aSolveThatRunsOutOfStepsMidRunIsOneLineNamingTheIterationAndTheFlags() {
        // the learning rate blows the dynamics up after the first step: the next solve needs ever smaller steps
        long start = System.nanoTime();
        Run r = run(out, "spiral", "--lr", "1e6", "--iterations", "50", "--test-every", "0");
        double seconds = (System.nanoTime() - start) * 1e-9;
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.lastErrorLine()).startsWith("node-examples spiral: training failed at iteration 2 of 50: "
                + "an ODE solve needed more than 10000 steps (--max-steps)")
                .contains("--lr 1000000.0 may be too large");
        assertThat(r.stdout()).isEmpty();
        noStackTrace(r);
        // the solver's own limit (a million steps) took half a minute here; the demo's stops within seconds
        assertThat(seconds).isLessThan(20);
    }

    @Test
    void maxStepsIsAFlag() {
        Run r = run(out, "spiral", "--iterations", "1", "--max-steps", "3");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.lastErrorLine()).startsWith("node-examples spiral: training failed at iteration 1 of 1: "
                + "an ODE solve needed more than 3 steps (--max-steps)");
        noStackTrace(r);
        Run anode = run(out, "anode", "--iterations", "2", "--points", "16", "--hidden", "4", "--max-steps", "2");
        assertThat(anode.status()).isEqualTo(1);
        assertThat(anode.lastErrorLine()).matches("node-examples anode: training (plain|augmented) failed at iteration 1 "
                + "of 2: an ODE solve needed more than 2 steps \\(--max-steps\\) and stopped at t=\\S+ with step size "
                + "\\S+; lower --lr \\(now 0.01\\) or raise --max-steps \\(now 2\\)");
        noStackTrace(anode);
    }

    /** What the library says in terms of its API (GradientMethod.checkpointed(), maxReconstructionError) becomes flags. */
    @Test
    void aBacksolveReconstructionFailureNamesTheGradientFlags() {
        var e = new dev.neuralode.adjoint.ReconstructionErrorException("backward pass of the backsolve adjoint: ... Use "
                + "GradientMethod.checkpointed() or AdjointOptions.builder().maxReconstructionError(...)", 0.0, 0.0109,
                0.097, 0.01);
        DemoFailure f = DemoFailure.of("training plain failed at iteration 61 of 200", "lower --lr", new RuntimeException(e));
        assertThat(f.getMessage()).isEqualTo("training plain failed at iteration 61 of 200: the backsolve adjoint "
                + "(--gradient adjoint) reconstructed the state with a relative error of 0.0109 at t=0.00000, above its "
                + "threshold 0.0100, so its gradient would be wrong (dynamics that contract forwards amplify errors "
                + "backwards); use --gradient checkpoint, which never integrates the state backwards, or --gradient direct");
        assertThat(f.getCause()).isInstanceOf(RuntimeException.class);
    }

    /**
     * The default anode and cnf runs train with the checkpointed adjoint, whose gradient cannot
     * drift (the backsolve's drifted past its threshold at iterations 61 and 134 of their defaults).
     */
    @Test
    void anodeAndCnfDefaultToTheCheckpointedAdjoint() {
        for (String demo : List.of("anode", "cnf")) {
            assertThat(run(out, demo, "--help").stdout().replaceAll("\\s+", " "))
                    .contains("gradient method: direct, adjoint or checkpoint (default: checkpoint)");
        }
        for (String demo : List.of("latent")) {
            assertThat(run(out, demo, "--help").stdout().replaceAll("\\s+", " "))
                    .contains("gradient method: direct, adjoint or checkpoint (default: adjoint)");
        }
    }

    @Test
    void anOutputFolderThatCannotBeCreatedIsOneLine() {
        Run r = run(out, "euler", "--levels", "2", "-o", "/dev/null/x");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.lastErrorLine())
                .isEqualTo("node-examples euler: cannot create the output folder --output /dev/null/x: not a directory");
        noStackTrace(r);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "euler --levels 100 | --levels must be at most 20 (the finest level takes 8 * 2^(K-1) steps), got 100",
        "euler --step-sizes 1e-9 | --step-sizes must be at most 100000 (steps of --t-end / h; got h = 1.0E-9), got 2000000000",
        "latent --hidden 100000 | --hidden 100000 needs at least",
        "resnet --eval-time 1.5 | --eval-time must be in [0.0, 1.0], got 1.5",
        "resnet --eval-time -0.1 | --eval-time must be in [0.0, 1.0], got -0.1",
        "spiral --rtol -1 | --rtol must be finite and > 0, got -1.0",
        "adjoint --rtol 0 | --rtol must be finite and > 0, got 0.0",
        "spiral --method rk4 --step-size 0 | --step-size must be finite and > 0, got 0.0",
        "spiral --max-steps 0 | --max-steps must be at least 1, got 0",
        "anode --rtol 0 | --rtol must be finite and > 0, got 0.0",
        "cnf --method nope | --method: unknown ODE method 'nope'; valid methods: euler,",
        "cnf --density spiral | --density: unknown value 'spiral'; valid: moons, circles",
        "cnf --trace fast | --trace: unknown value 'fast'; valid: exact, rademacher, hutchinson, gaussian",
        "latent --encoder lstm | --encoder: unknown value 'lstm'; valid: rnn, gru, ode-rnn, odernn",
        "resnet --gradient sideways | --gradient: unknown gradient 'sideways'; valid: direct, adjoint, checkpoint",
        "euler --quiet --verbose | --quiet and --verbose exclude each other"})
    void badValuesAreRefusedBeforeAnyWorkNamingTheFlag(String command, String message) {
        Path folder = out.resolve("never-created");
        List<String> args = new ArrayList<>(List.of(command.trim().split(" ")));
        args.add("--output");
        args.add(folder.toString());
        Run r = run(out, args.toArray(new String[0]));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.messageLine()).startsWith("node-examples " + args.get(0) + ": " + message);
        assertThat(r.stderr()).doesNotContain("stepSize").doesNotContain("maxSteps").doesNotContain("\tat ");
        assertThat(folder).doesNotExist();
    }

    @Test
    void enumLikeFlagsIgnoreCaseAndTheSummaryNamesTheCanonicalValue() {
        Run spiral = run(out, "spiral", "--method", "RK4", "--gradient", "ADJOINT", "--iterations", "2", "--quiet");
        assertThat(spiral.status()).isZero();
        assertThat(spiral.stdout()).contains("gradient=adjoint method=rk4 iterations=2");
        Run cnf = run(out, "cnf", "--density", "Circles", "--trace", "GAUSSIAN", "--method", "Dopri5", "--gradient",
                "Direct", "--iterations", "1", "--batch", "8", "--hidden", "4", "--quiet");
        assertThat(cnf.status()).isZero();
        assertThat(cnf.stdout()).startsWith("cnf: density=circles iterations=1");
        Run latent = run(out, "latent", "--encoder", "ODE-RNN", "--iterations", "1", "--spirals", "2", "--grid", "6",
                "--observations", "3", "--hidden", "4", "--quiet");
        assertThat(latent.status()).isZero();
        assertThat(latent.stdout()).startsWith("latent: iterations=1");
    }

    /** The help says what a fixed-step method does without --step-size, and the run does exactly that. */
    @Test
    void rk4WithoutAStepSizeUsesTheDocumentedDefaultStep() {
        Run help = run(out, "spiral", "--help");
        assertThat(help.stdout().replaceAll("\\s+", " ")).contains("fixed-step methods such as rk4 use "
                + Flows.DEFAULT_FIXED_STEP + " without it");
        Run implicit = run(out, "spiral", "--method", "rk4", "--iterations", "3");
        Run explicit = run(out, "spiral", "--method", "rk4", "--step-size", String.valueOf(Flows.DEFAULT_FIXED_STEP),
                "--iterations", "3");
        assertThat(implicit.status()).isZero();
        assertThat(explicit.status()).isZero();
        assertThat(implicit.stderr()).contains("rk4 with a fixed step of 0.05 (the default for fixed-step methods");
        // the same steps: the same function evaluations and the same final L1
        assertThat(figures(implicit.stdout())).isEqualTo(figures(explicit.stdout()));
    }

    /** The summary without its timing figure. */
    private static String figures(String summary) {
        return summary.strip().replaceAll("s_per_iter=\\S+ ", "");
    }

    @Test
    void eulerHasNoSeedBecauseItHasNoRandomness() {
        Run help = run(out, "euler", "--help");
        assertThat(help.stdout()).doesNotContain("--seed").contains("--quiet").contains("--verbose");
        Run seeded = run(out, "euler", "--seed", "3");
        assertThat(seeded.status()).isEqualTo(2);
        assertThat(seeded.stderr()).contains("Unknown option").contains("--seed");
        assertThat(run(out, "spiral", "--help").stdout()).contains("--seed");
    }

    @Test
    void quietPrintsOnlyTheSummaryAndVerboseAddsDebugAndTheStackTrace() {
        Run quiet = run(out, "euler", "--levels", "3", "--quiet");
        assertThat(quiet.status()).isZero();
        assertThat(quiet.stdout().lines()).hasSize(1).first().asString().startsWith("euler: order_euler=");
        assertThat(quiet.stderr()).isEmpty();
        Run normal = run(out, "euler", "--levels", "3");
        assertThat(normal.stderr()).contains("INFO").contains("euler finished in");

        Run verbose = run(out, "spiral", "--iterations", "1", "--max-steps", "3", "--verbose");
        assertThat(verbose.status()).isEqualTo(1);
        assertThat(verbose.stderr()).contains("\tat ").contains("MaxStepsExceededException");
        assertThat(verbose.lastErrorLine()).startsWith("node-examples spiral: training failed at iteration 1 of 1");
    }
}
