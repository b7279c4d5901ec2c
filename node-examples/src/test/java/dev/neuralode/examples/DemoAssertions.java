package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

import picocli.CommandLine;

/** Shared checks of the demo tests: run a demo from its arguments, then check its outputs. */
final class DemoAssertions {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private DemoAssertions() {
    }

    /** Parses {@code args} into {@code demo} with picocli and runs it. */
    static DemoResult run(Demo demo, Path out, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--output";
        all[args.length + 1] = out.toString();
        new CommandLine(demo).parseArgs(all);
        DemoResult r = demo.runDemo();
        assertThat(r.summary()).startsWith(r.demo() + ":").doesNotContain("\n");
        return r;
    }

    /** Every figure is finite. */
    static void figuresFinite(DemoResult r) {
        for (Map.Entry<String, Double> e : r.figures().entrySet()) {
            assertThat(Double.isFinite(e.getValue())).as("figure %s = %s", e.getKey(), e.getValue()).isTrue();
        }
    }

    /** Each image exists, starts with the PNG signature and decodes to a non-empty image. */
    static void validPngs(DemoResult r, int atLeast) throws IOException {
        assertThat(r.images()).hasSizeGreaterThanOrEqualTo(atLeast);
        for (Path p : r.images()) {
            assertThat(p).exists().isRegularFile();
            byte[] head = new byte[8];
            try (InputStream in = Files.newInputStream(p)) {
                assertThat(in.read(head)).isEqualTo(8);
            }
            assertThat(head).as("PNG signature of %s", p).isEqualTo(PNG_MAGIC);
            BufferedImage img = ImageIO.read(p.toFile());
            assertThat(img).as("decoded %s", p).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(100);
            assertThat(img.getHeight()).isGreaterThan(100);
        }
    }
}
