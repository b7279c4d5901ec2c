package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code ```java} block of the project's Markdown files (the root README, CONTRIBUTING.md,
 * docs/, each module's README), read from the files themselves and compiled with
 * {@link javax.tools.JavaCompiler} against the library as it is now (issue 13, item 18): a block
 * compiles as pasted, with its imports, every variable defined and checked exceptions handled.
 *
 * <p>A block of statements is compiled as the body of a method that declares no checked
 * exceptions (its {@code import} lines go above the class); a block that declares a type is
 * compiled as a compilation unit. A block whose first line is a comment starting with
 * {@code // fragment} is not compiled (it uses names the reader supplies); few may be.
 */
class MarkdownSnippetsTest {

    /** A fenced Java block: where it is and what it says. */
    record Snippet(Path file, int line, String code) {
        boolean fragment() {
            return code.strip().startsWith("// fragment");
        }

        @Override
        public String toString() {
            return root().relativize(file) + ":" + line;
        }
    }

    private static final Pattern FENCE = Pattern.compile("(?m)^```java[ \\t]*\\R(.*?)^```[ \\t]*$", Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(public |abstract |final )*(class|interface|record|enum) \\w+");

    /** The repository root: the first folder upwards holding the parent POM and node-examples. */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("node-examples")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The Markdown files whose snippets users paste. */
    static List<Path> markdownFiles() throws IOException {
        Path root = root();
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        files.add(root.resolve("CONTRIBUTING.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        try (Stream<Path> modules = Files.list(root)) {
            modules.filter(d -> d.getFileName().toString().startsWith("node-")).sorted()
                    .map(d -> d.resolve("README.md")).filter(Files::isRegularFile).forEach(files::add);
        }
        return files;
    }

    static List<Snippet> snippets() throws IOException {
        List<Snippet> out = new ArrayList<>();
        for (Path f : markdownFiles()) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            Matcher m = FENCE.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start(1)).lines().count() + 1;
                out.add(new Snippet(f, line, m.group(1)));
            }
        }
        return out;
    }

    @Test
    void theFilesHoldSnippetsAndFewAreFragments() throws IOException {
        List<Snippet> all = snippets();
        long fragments = all.stream().filter(Snippet::fragment).count();
        assertThat(all).as("java blocks found").hasSizeGreaterThanOrEqualTo(10);
        assertThat(fragments).as("fragments among %d blocks", all.size()).isLessThanOrEqualTo(all.size() / 3);
        assertThat(all).as("the root README's API tour").anyMatch(s -> s.file().equals(root().resolve("README.md")));
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompilesAsPasted() throws IOException {
        return snippets().stream().filter(s -> !s.fragment())
                .map(s -> DynamicTest.dynamicTest(s.toString(), () -> assertCompiles(s)));
    }

    /** The compiler itself catches what the test is for: an undefined variable, a missing import, an unhandled IOException. */
    @Test
    void theCheckFailsOnTheFaultsItLooksFor() {
        Path readme = root().resolve("README.md");
        assertThat(errors(new Snippet(readme, 1, "double[] y = OdeSolvers.solve(f, y0, t, o).state(0);\n")))
                .contains("cannot find symbol");
        assertThat(errors(new Snippet(readme, 1, "import dev.neuralode.models.io.Npz;\n"
                + "Npz.save(null, java.nio.file.Path.of(\"m.npz\"));\n")))
                .contains("unreported exception java.io.IOException");
        assertThat(errors(new Snippet(readme, 1, "import dev.neuralode.solvers.SolverOptions;\n"
                + "SolverOptions o = SolverOptions.builder().rtol(1e-6).build();\n"))).isEmpty();
    }

    /**
     * The root README's consumer POM is well-formed, compiles for release 17, names the project's
     * current version and an SLF4J back end; the project itself carries its licence (item 17).
     */
    @Test
    void theConsumerPomAndThePackagingMetadataMatchTheBuild() throws Exception {
        Path root = root();
        javax.xml.parsers.DocumentBuilder xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder();
        org.w3c.dom.Document parent = xml.parse(root.resolve("pom.xml").toFile());
        String version = text(parent.getDocumentElement(), "version");
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?s)```xml\\R(<project.*?</project>)\\R```").matcher(readme);
        assertThat(m.find()).as("a consumer POM in README.md").isTrue();
        org.w3c.dom.Document consumer = xml.parse(new org.xml.sax.InputSource(new java.io.StringReader(m.group(1))));
        assertThat(consumer.getElementsByTagName("maven.compiler.release").item(0).getTextContent()).isEqualTo("17");
        org.w3c.dom.NodeList deps = consumer.getElementsByTagName("dependency");
        List<String> coordinates = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            org.w3c.dom.Element d = (org.w3c.dom.Element) deps.item(i);
            coordinates.add(text(d, "groupId") + ":" + text(d, "artifactId") + ":" + text(d, "version"));
        }
        assertThat(coordinates).contains("dev.neuralode:node-models:" + version)
                .anyMatch(c -> c.startsWith("ch.qos.logback:logback-classic:"));
        // Maven 3.8's default compiler plugin (3.1) ignores maven.compiler.release and compiles for Java 5
        org.w3c.dom.Element compiler = (org.w3c.dom.Element) consumer.getElementsByTagName("plugin").item(0);
        assertThat(text(compiler, "artifactId")).isEqualTo("maven-compiler-plugin");
        assertThat(Integer.parseInt(text(compiler, "version").split("\\.")[0])).isGreaterThanOrEqualTo(3);
        assertThat(readme).contains("SLF4J back end").contains("CPU only, float64");

        assertThat(Files.readString(root.resolve("LICENSE"))).contains("Apache License")
                .contains("Version 2.0, January 2004").contains("END OF TERMS AND CONDITIONS");
        assertThat(parent.getElementsByTagName("license").getLength()).isEqualTo(1);
        assertThat(text((org.w3c.dom.Element) parent.getElementsByTagName("license").item(0), "name"))
                .isEqualTo("Apache License, Version 2.0");
        assertThat(parent.getElementsByTagName("scm").getLength()).isEqualTo(1);
        assertThat(parent.getElementsByTagName("developer").getLength()).isPositive();
        for (String app : List.of("node-examples", "node-benchmarks")) {
            org.w3c.dom.Document pom = xml.parse(root.resolve(app).resolve("pom.xml").toFile());
            for (String skip : List.of("maven.install.skip", "maven.deploy.skip")) {
                assertThat(pom.getElementsByTagName(skip).item(0)).as("%s sets %s", app, skip).isNotNull();
                assertThat(pom.getElementsByTagName(skip).item(0).getTextContent()).isEqualTo("true");
            }
        }
    }

    /** Every relative link of the Markdown files points at a file of the repository (docs/REFERENCE.md, images, tests). */
    @Test
    void relativeLinksResolve() throws IOException {
        Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
        List<String> broken = new ArrayList<>();
        for (Path f : markdownFiles()) {
            Matcher m = link.matcher(Files.readString(f, StandardCharsets.UTF_8));
            while (m.find()) {
                String target = m.group(1);
                if (!target.contains(":") && !Files.exists(f.getParent().resolve(target))) {
                    broken.add(root().relativize(f) + " -> " + target);
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(root().resolve("docs/REFERENCE.md")).isRegularFile();
    }

    /**
     * The figures {@code scripts/readme-outputs.sh} writes are there, and a quoted summary line has
     * the figures the demo prints today (a tiny run of each of four demos gives the names).
     */
    @Test
    void theGeneratedReadmeOutputsAreSummaryLinesOfTheirDemos(@org.junit.jupiter.api.io.TempDir Path out)
            throws Exception {
        String readme = Files.readString(root().resolve("node-examples/README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?s)<!-- readme-output:([\\w-]+) -->\\R(.*?)<!-- /readme-output -->").matcher(readme);
        java.util.Map<String, String> regions = new java.util.LinkedHashMap<>();
        while (m.find()) {
            regions.put(m.group(1), m.group(2).strip());
        }
        assertThat(regions).containsKeys("times", "euler", "spiral", "resnet", "adjoint", "anode", "latent-1000", "cnf");
        assertThat(regions.get("times").lines().filter(l -> l.startsWith("| [`"))).hasSize(9);
        for (var e : regions.entrySet()) {
            if (!e.getKey().equals("times")) {
                assertThat(e.getValue()).as(e.getKey()).startsWith(e.getKey().replaceAll("-.*", "") + ": ")
                        .doesNotContain("\n");
            }
        }
        java.util.Map<String, String[]> tiny = java.util.Map.of(
                "euler", new String[] {"euler", "--levels", "2"},
                "spiral", new String[] {"spiral", "--iterations", "1", "--data-size", "100"},
                "resnet", new String[] {"resnet", "--iterations", "1", "--points", "16", "--blocks", "2", "--hidden", "4"},
                "anode", new String[] {"anode", "--iterations", "1", "--points", "16", "--hidden", "4"});
        for (var e : tiny.entrySet()) {
            DemoFailuresTest.Run r = DemoFailuresTest.run(out, e.getValue());
            assertThat(r.status()).as(r.stderr()).isZero();
            assertThat(names(regions.get(e.getKey()))).as("figures of %s", e.getKey()).isEqualTo(names(r.stdout()));
        }
    }

    /** The figure names of a summary line, {@code a=1 b=2} gives {@code [a, b]}. */
    private static List<String> names(String summary) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(\\S+?)=\\S+").matcher(summary.strip());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The text of an element's direct child. */
    private static String text(org.w3c.dom.Element e, String child) {
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof org.w3c.dom.Element c && c.getTagName().equals(child)) {
                return c.getTextContent().strip();
            }
        }
        return null;
    }

    private static void assertCompiles(Snippet s) {
        assertThat(errors(s)).as("%s does not compile as pasted:%n%s", s, s.code()).isEmpty();
    }

    /** The compiler's errors for a snippet, each with its line in the Markdown file; empty when it compiles. */
    static String errors(Snippet s) {
        List<String> imports = new ArrayList<>();
        List<String> body = new ArrayList<>();
        List<String> lines = s.code().lines().toList();
        for (String l : lines) {
            (l.startsWith("import ") ? imports : body).add(l);
        }
        boolean unit = TYPE.matcher(String.join("\n", body)).find();
        StringBuilder src = new StringBuilder();
        // imports keep their lines; the wrapper adds no line before the body's first line
        int kept = 0;
        for (String l : lines) {
            if (l.startsWith("import ")) {
                src.append(l);
            } else if (unit) {
                src.append(l);
            } else {
                src.append(kept++ == 0 ? "class Snippet { static void snippet() { " + l : l);
            }
            src.append('\n');
        }
        if (!unit) {
            src.append(kept == 0 ? "class Snippet { static void snippet() { } }\n" : "} }\n");
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter out = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            Path classes = Files.createTempDirectory("snippet");
            String name = unit ? typeName(String.join("\n", body)) : "Snippet";
            JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return src;
                }
            };
            List<String> options = List.of("--release", "17", "-proc:none", "-Xlint:none", "-classpath",
                    System.getProperty("java.class.path"), "-d", classes.toString());
            javac.getTask(out, files, diagnostics, options, null, List.of(source)).call();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StringBuilder errors = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.append(s.file().getFileName()).append(':').append(s.line() + d.getLineNumber() - 1).append(": ")
                        .append(d.getMessage(Locale.ROOT)).append('\n');
            }
        }
        return errors.toString();
    }

    private static String typeName(String code) {
        Matcher m = Pattern.compile("(?m)^(?:public |abstract |final )*(?:class|interface|record|enum) (\\w+)").matcher(code);
        return m.find() ? m.group(1) : "Snippet";
    }
}
