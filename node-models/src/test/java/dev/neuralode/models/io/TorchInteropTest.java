package dev.neuralode.models.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.nn.Sequential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round trip with real PyTorch modules (issue 13, items 10–12), through
 * {@code src/test/resources/npz/torch_roundtrip.py} run by {@code /usr/bin/python3}: a file saved
 * by {@link Npz#save} loads into {@code torch.nn.Sequential} with {@code load_state_dict(strict=True)}
 * (1-D biases) and computes the same outputs; a float32 {@code state_dict} of a wrapped module
 * (keys {@code net.0.weight}, ...) loads here with the prefix renamed, its values converted exactly,
 * and computes the same outputs as the float64 PyTorch model with those values. Skipped (by an
 * assumption) only where python3 cannot import torch and numpy.
 */
class TorchInteropTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static double[] forward(Sequential m, double[][] x) {
        try (Tape tape = new Tape()) {
            return m.forward(tape.constant(x)).value().data.clone();
        }
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        assertThat(a).hasSameSizeAs(b);
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void roundTripWithTorchModules() throws Exception {
        Assumptions.assumeTrue(torchAvailable(), "python3 with torch and numpy is not installed");
        double[][] x = {{0.3, -1.2}, {2.0, 0.5}, {-0.7, -0.1}, {1e-3, 4.0}};
        Npz.writeArrays(dir.resolve("input.npz"), Map.of("x", Npz.NpyArray.of(new DMatrixRMaj(x))));
        Sequential javaModel = Mlp.builder(2).hidden(5).out(3).seed(1).build();
        Npz.save(javaModel, dir.resolve("java.npz"));

        Path script = dir.resolve("torch_roundtrip.py");
        Files.copy(getClass().getResourceAsStream("/npz/torch_roundtrip.py"), script);
        Process p = new ProcessBuilder(PYTHON, script.toString(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("python output:%n%s", out).isZero();

        // our file in torch: strict load_state_dict succeeded, same outputs
        double[] yTorch = Npz.read(dir.resolve("torch_out.npz")).get("y").data();
        double dJava = maxAbsDiff(forward(javaModel, x), yTorch);
        System.out.printf("%s; Java weights: max |y_java - y_torch| = %.2e%n", out.trim(), dJava);
        assertThat(dJava).isLessThan(1e-12);

        // torch's float32 state_dict of a wrapped module here: prefix renamed, exact conversion
        Map<String, Npz.NpyArray> f32 = Npz.read(dir.resolve("torch_f32.npz"));
        assertThat(f32.keySet()).containsExactly("net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias");
        assertThat(f32.values()).allSatisfy(a -> assertThat(a.dtype()).isEqualTo("<f4"));
        assertThat(f32.get("net.0.bias").shape()).containsExactly(5);
        Sequential fromTorch = Mlp.builder(2).hidden(5).out(3).seed(99).build();
        Npz.LoadReport rep = Npz.load(fromTorch, dir.resolve("torch_f32.npz"),
                Npz.LoadOptions.strict().withPrefix("net.", ""));
        assertThat(rep.loaded()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        Map<String, Npz.NpyArray> f64 = Npz.read(dir.resolve("torch_f32_as_f64.npz"));
        fromTorch.namedParameters().forEach((k, param) ->
                assertThat(param.value().data).as(k).containsExactly(f64.get("net." + k).data()));
        double[] yTorch32 = Npz.read(dir.resolve("torch_f32_out.npz")).get("y").data();
        double dTorch = maxAbsDiff(forward(fromTorch, x), yTorch32);
        System.out.printf("torch float32 weights: max |y_java - y_torch| = %.2e%n", dTorch);
        assertThat(dTorch).isLessThan(1e-12);
    }
}
