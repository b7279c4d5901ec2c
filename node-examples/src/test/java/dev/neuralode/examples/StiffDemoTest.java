package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StiffDemoTest {

    @TempDir
    Path out;

    @Test
    void aShortRunLearnsTheRateConstantsAndTheStiffMethodsBeatDopri5() throws Exception {
        DemoResult r = DemoAssertions.run(new StiffDemo(), out, "--iterations", "60");
        DemoAssertions.figuresFinite(r);
        assertThat(r.summary()).matches("stiff: method=rodas5p gradient=quadratureAdjoint iterations=60 "
                + "s_per_iter=\\S+ final_loss=\\S+");
        // initial guesses 3x off: k1 = 0.12, k2 = 1e7, the network's k3 = 1e2 (truth 0.04, 3e7, 1e4)
        assertThat(Math.abs(r.figure("k1") / 0.04 - 1)).isLessThan(0.25);
        assertThat(Math.abs(r.figure("k2") / 3e7 - 1)).isLessThan(0.25);
        assertThat(Math.abs(Math.log10(r.figure("k3") / 1e4))).isLessThan(0.5);
        assertThat(r.figure("final_loss")).isLessThan(1e-2 * r.figure("initial_loss"));
        // 6 digits: the best stiff method is faster than dopri5 on both problems
        assertThat(r.figure("speedup_6_digits_rober")).isGreaterThan(3);
        assertThat(r.figure("speedup_6_digits_hires")).isGreaterThan(1);
        DemoAssertions.validPngs(r, 3);
    }

    @Test
    void forwardSensitivitiesAndTheQuadratureAdjointTrainAlike() throws Exception {
        DemoResult q = DemoAssertions.run(new StiffDemo(), out, "--iterations", "8", "--no-work-precision");
        DemoResult f = DemoAssertions.run(new StiffDemo(), out, "--iterations", "8", "--no-work-precision",
                "--gradient", "forward");
        assertThat(f.summary()).contains("gradient=forwardSensitivity");
        for (String k : new String[] {"k1", "k2", "k3"}) {
            assertThat(f.figure(k) / q.figure(k)).as(k).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void theGradientTableTimesEveryStiffGradientMethod() throws Exception {
        DemoResult r = DemoAssertions.run(new StiffDemo(), out, "--iterations", "1", "--no-work-precision",
                "--gradient-table", "--observations", "4");
        for (String m : new String[] {"quadratureAdjoint", "forwardSensitivity", "checkpointed"}) {
            assertThat(r.figure("gradient_ms_" + m)).as(m).isPositive().isFinite();
        }
    }

    @Test
    void badOptionsAreRefused() {
        assertThat(Main.execute("stiff", "--method", "dopri5", "--output", out.toString())).isEqualTo(2);
        assertThat(Main.execute("stiff", "--gradient", "direct", "--output", out.toString())).isEqualTo(2);
        assertThat(Main.execute("stiff", "--observations", "1", "--output", out.toString())).isEqualTo(2);
    }
}
