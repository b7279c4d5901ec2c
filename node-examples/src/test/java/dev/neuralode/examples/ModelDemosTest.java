package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each model demo in a tiny configuration: it runs, its figures are sane, its PNGs are valid. */
class ModelDemosTest {

    @TempDir
    Path out;

    @Test
    void adjoint() throws Exception {
        DemoResult r = DemoAssertions.run(new AdjointDemo(), out, "--steps", "10,40", "--repeats", "1",
                "--t-end", "2", "--batch", "5");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("grad_rel_diff_adjoint")).isLessThan(1e-3);
        assertThat(r.figure("grad_rel_diff_checkpoint")).isLessThan(1e-3);
        assertThat(r.figure("kib_direct")).isGreaterThan(r.figure("kib_adjoint"));
        DemoAssertions.validPngs(r, 3);
    }

    @Test
    void resnet() throws Exception {
        DemoResult r = DemoAssertions.run(new ResNetDemo(), out, "--iterations", "15", "--points", "64",
                "--blocks", "4", "--hidden", "8");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("resnet_accuracy")).isBetween(0.5, 1.0);
        assertThat(r.figure("ode_accuracy")).isBetween(0.5, 1.0);
        assertThat(r.figure("ode_accuracy_at_T")).isBetween(0.0, 1.0);
        assertThat(r.figure("resnet_params")).isGreaterThan(r.figure("ode_params"));
        assertThat(r.figure("ode_nfe")).isPositive();
        DemoAssertions.validPngs(r, 3);
    }

    @Test
    void anode() throws Exception {
        DemoResult r = DemoAssertions.run(new AnodeDemo(), out, "--iterations", "8", "--points", "48",
                "--hidden", "8");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("plain_accuracy")).isBetween(0.0, 1.0);
        assertThat(r.figure("augmented_accuracy")).isBetween(0.0, 1.0);
        assertThat(r.figure("plain_nfe")).isPositive();
        DemoAssertions.validPngs(r, 3);
    }

    @Test
    void latent() throws Exception {
        DemoResult r = DemoAssertions.run(new LatentDemo(), out, "--iterations", "4", "--spirals", "6",
                "--grid", "10", "--observations", "5");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("reconstruction_rmse")).isPositive().isLessThan(10);
        DemoAssertions.validPngs(r, 2);
    }

    @Test
    void latentWithTheOdeRnnEncoder() throws Exception {
        DemoResult r = DemoAssertions.run(new LatentDemo(), out, "--iterations", "2", "--spirals", "4",
                "--grid", "8", "--observations", "4", "--hidden", "8", "--encoder", "ode-rnn");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("backward_extrapolation_rmse")).isPositive().isLessThan(10);
        DemoAssertions.validPngs(r, 2);
    }

    @Test
    void cnfWithTheExactTrace() throws Exception {
        DemoResult r = DemoAssertions.run(new CnfDemo(), out, "--iterations", "3", "--batch", "32",
                "--hidden", "8", "--density", "moons");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("test_nll")).isBetween(0.0, 20.0);
        DemoAssertions.validPngs(r, 3);
    }

    @Test
    void cnf() throws Exception {
        DemoResult r = DemoAssertions.run(new CnfDemo(), out, "--iterations", "4", "--batch", "32",
                "--hidden", "8", "--density", "circles", "--trace", "rademacher");
        DemoAssertions.figuresFinite(r);
        assertThat(r.figure("test_nll")).isBetween(0.0, 20.0);
        DemoAssertions.validPngs(r, 3);
    }
}
