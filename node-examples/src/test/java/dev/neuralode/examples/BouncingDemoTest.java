package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BouncingDemoTest {

    @TempDir
    Path out;

    @Test
    void aShortRunMovesGravityRestitutionAndHeightTowardTheTruth() throws Exception {
        DemoResult r = DemoAssertions.run(new BouncingDemo(), out, "--iterations", "150", "--bounces", "4");
        DemoAssertions.figuresFinite(r);
        assertThat(r.summary()).matches("bouncing: iterations=150 s_per_iter=\\S+ final_loss=\\S+ "
                + "restitution=\\S+ gravity=\\S+");
        // truth 9.8, 0.8, 10; initial guess 14, 0.6, 6
        assertThat(Math.abs(r.figure("gravity") - 9.8)).isLessThan(0.15 * Math.abs(14 - 9.8));
        assertThat(Math.abs(r.figure("restitution") - 0.8)).isLessThan(0.15 * Math.abs(0.6 - 0.8));
        assertThat(Math.abs(r.figure("height") - 10)).isLessThan(0.15 * Math.abs(6 - 10));
        assertThat(r.figure("final_loss")).isLessThan(1e-4 * r.figure("initial_loss"));
        DemoAssertions.validPngs(r, 2);
    }

    @Test
    void badOptionsAreRefused() {
        assertThat(Main.execute("bouncing", "--bounces", "1", "--output", out.toString())).isEqualTo(2);
        assertThat(Main.execute("bouncing", "--initial", "14,1.5,6", "--output", out.toString())).isEqualTo(2);
        assertThat(Main.execute("bouncing", "--gradient", "nope", "--output", out.toString())).isEqualTo(2);
    }
}
