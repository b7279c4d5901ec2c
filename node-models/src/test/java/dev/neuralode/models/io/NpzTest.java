package dev.neuralode.models.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.models.nn.Linear;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.nn.Sequential;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

    @TempDir
    Path dir;

    private static Sequential model(long seed) {
        return Mlp.builder(2).hidden(5).out(3).seed(seed).build();
    }

    private static Map<String, double[]> snapshot(Sequential m) {
        Map<String, double[]> s = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> s.put(k, p.value().data.clone()));
        return s;
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Sequential a = model(1);
        // awkward values survive bit for bit
        a.namedParameters().get("0.weight").value().data[0] = -0.0;
        a.namedParameters().get("0.weight").value().data[1] = Double.MIN_VALUE;
        a.namedParameters().get("0.weight").value().data[2] = Math.nextUp(1.0);
        Path f = dir.resolve("m.npz");
        Npz.save(a, f);
        Sequential b = model(2);
        assertThat(snapshot(b).get("0.weight")).isNotEqualTo(snapshot(a).get("0.weight"));
        Npz.load(b, f);
        Map<String, double[]> sa = snapshot(a);
        Map<String, double[]> sb = snapshot(b);
        assertThat(sb.keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        for (String k : sa.keySet()) {
            long[] bitsA = Arrays.stream(sa.get(k)).mapToLong(Double::doubleToRawLongBits).toArray();
            long[] bitsB = Arrays.stream(sb.get(k)).mapToLong(Double::doubleToRawLongBits).toArray();
            assertThat(bitsB).as(k).containsExactly(bitsA);
        }
        // no temporary files left behind
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("m.npz");
        }
    }

    @Test
    void fileIsAValidNpzReadFromTheRawZipAndHeader() throws IOException {
        Sequential a = model(3);
        Path f = dir.resolve("raw.npz");
        Npz.save(a, f);
        List<String> names = new ArrayList<>();
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(f))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                names.add(e.getName());
                assertThat(e.getMethod()).isEqualTo(ZipEntry.STORED);
                byte[] b = zin.readAllBytes();
                assertThat(Arrays.copyOf(b, 8)).containsExactly((byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0);
                int hlen = (b[8] & 0xff) | (b[9] & 0xff) << 8;
                assertThat((10 + hlen) % 64).isZero();
                String header = new String(b, 10, hlen, StandardCharsets.US_ASCII);
                assertThat(header).endsWith("\n");
                String param = e.getName().replace(".npy", "");
                DMatrixRMaj v = a.namedParameters().get(param).value();
                // biases 1-D (out,) as in a PyTorch state_dict, weights (rows, cols)
                String shape = param.endsWith("bias") ? "(" + v.numCols + ",)" : "(" + v.numRows + ", " + v.numCols + ")";
                assertThat(v.numRows).isEqualTo(param.endsWith("bias") ? 1 : v.numRows);
                assertThat(header.trim()).isEqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': "
                        + shape + ", }");
                assertThat(b.length).isEqualTo(10 + hlen + 8 * v.getNumElements());
                ByteBuffer bb = ByteBuffer.wrap(b, 10 + hlen, 8 * v.getNumElements()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < v.getNumElements(); i++) {
                    assertThat(bb.getDouble()).isEqualTo(v.data[i]); // C order
                }
            }
        }
        assertThat(names).containsExactly("0.weight.npy", "0.bias.npy", "2.weight.npy", "2.bias.npy");

        // the ZIP structure itself, byte by byte (PKWARE APPNOTE 4.3): local headers, then the
        // central directory, then the end record with the entry count
        ByteBuffer z = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        List<String> local = new ArrayList<>();
        while (z.getInt(pos) == 0x04034b50) {
            assertThat(z.getShort(pos + 6) & 0x08).as("no data descriptor").isZero();
            assertThat(z.getShort(pos + 8)).as("method: stored").isEqualTo((short) 0);
            int crc = z.getInt(pos + 14);
            int compressed = z.getInt(pos + 18);
            int size = z.getInt(pos + 22);
            int nameLen = z.getShort(pos + 26) & 0xffff;
            int extraLen = z.getShort(pos + 28) & 0xffff;
            assertThat(compressed).isEqualTo(size);
            byte[] nameBytes = new byte[nameLen];
            z.get(pos + 30, nameBytes);
            local.add(new String(nameBytes, StandardCharsets.UTF_8));
            int data = pos + 30 + nameLen + extraLen;
            byte[] npy = new byte[size];
            z.get(data, npy);
            java.util.zip.CRC32 c = new java.util.zip.CRC32();
            c.update(npy);
            assertThat((int) c.getValue()).isEqualTo(crc);
            assertThat(Arrays.copyOf(npy, 6)).containsExactly((byte) 0x93, 'N', 'U', 'M', 'P', 'Y');
            pos = data + size;
        }
        assertThat(local).isEqualTo(names);
        assertThat(z.getInt(pos)).as("central directory").isEqualTo(0x02014b50);
        int end = z.capacity() - 22;
        assertThat(z.getInt(end)).as("end of central directory").isEqualTo(0x06054b50);
        assertThat(z.getShort(end + 10)).as("entry count").isEqualTo((short) 4);
        assertThat(z.getInt(end + 16)).as("central directory offset").isEqualTo(pos);
    }

    @Test
    void readsNumpyStyleOneDimensionalBiasAndFortranOrder() throws IOException {
        // a hand-built .npy as numpy writes a 1-D float64 array of shape (3,)
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
        byte[] npy1 = npy(dict, 1.5, -2.5, 3.5);
        String dictF = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }";
        byte[] npyF = npy(dictF, 1, 3, 2, 4); // column-major [[1,2],[3,4]]
        Path f = dir.resolve("np.npz");
        try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            zos.putNextEntry(new ZipEntry("b.npy"));
            zos.write(npy1);
            zos.closeEntry();
            zos.putNextEntry(new ZipEntry("w.npy"));
            zos.write(npyF);
            zos.closeEntry();
        }
        Map<String, Npz.NpyArray> r = Npz.read(f);
        assertThat(r.get("b").shape()).containsExactly(3);
        assertThat(r.get("b").data()).containsExactly(1.5, -2.5, 3.5);
        assertThat(r.get("w").data()).containsExactly(1, 2, 3, 4);
        Linear lin = new Linear(2, 3, new Random(0));
        assertThatThrownBy(() -> Npz.load(lin, f)).hasMessageContaining("missing parameter 'weight'")
                .hasMessageContaining("unexpected array 'b'");
    }

    private static byte[] npy(String dict, double... v) {
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] h = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer bb = ByteBuffer.allocate(10 + h.length + 8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        for (double d : v) {
            bb.putDouble(d);
        }
        return bb.array();
    }

    @Test
    void wrongNamesAndShapesAreNamedAndLeaveParametersUntouched() throws IOException {
        Path f = dir.resolve("small.npz");
        Npz.save(Mlp.builder(2).hidden(4).out(3).seed(0).build(), f);
        Sequential b = model(5);
        Map<String, double[]> before = snapshot(b);
        assertThatThrownBy(() -> Npz.load(b, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape mismatch for '0.weight': file has (4, 2), model has (5, 2)")
                .hasMessageContaining("parameters left unchanged");
        assertThat(snapshot(b)).usingRecursiveComparison().isEqualTo(before);

        Path g = dir.resolve("partial.npz");
        Map<String, DMatrixRMaj> partial = new LinkedHashMap<>();
        b.namedParameters().forEach((k, p) -> {
            if (!k.equals("2.bias")) {
                partial.put(k, new DMatrixRMaj(p.value().numRows, p.value().numCols));
            }
        });
        Npz.write(g, partial);
        assertThatThrownBy(() -> Npz.load(b, g)).hasMessageContaining("missing parameter '2.bias' in partial.npz");
        assertThat(snapshot(b)).usingRecursiveComparison().isEqualTo(before);
    }

    @Test
    void corruptOrTruncatedFileGivesClearErrorAndLeavesParametersUntouched() throws IOException {
        Sequential a = model(1);
        Path f = dir.resolve("good.npz");
        Npz.save(a, f);
        byte[] all = Files.readAllBytes(f);
        Sequential b = model(9);
        Map<String, double[]> before = snapshot(b);

        Path truncated = dir.resolve("truncated.npz");
        Files.write(truncated, Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> Npz.load(b, truncated)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt or truncated .npz file").hasMessageContaining("truncated.npz");
        assertThat(snapshot(b)).usingRecursiveComparison().isEqualTo(before);

        Path garbage = dir.resolve("garbage.npz");
        Files.write(garbage, "this is not a zip file at all".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Npz.load(b, garbage)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt or truncated");

        // a valid zip whose entry has a damaged .npy header
        Path badNpy = dir.resolve("badnpy.npz");
        try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(badNpy))) {
            zos.putNextEntry(new ZipEntry("0.weight.npy"));
            zos.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{'});
            zos.closeEntry();
        }
        assertThatThrownBy(() -> Npz.load(b, badNpy)).isInstanceOf(IOException.class)
                .hasMessageContaining("entry '0.weight.npy'").hasMessageContaining("truncated .npy header");
        // flipped byte inside stored data: CRC check fails
        Path flipped = dir.resolve("flipped.npz");
        byte[] copy = all.clone();
        copy[200] ^= 0x5a;
        Files.write(flipped, copy);
        assertThatThrownBy(() -> Npz.load(b, flipped)).isInstanceOf(IOException.class)
                .hasMessageContaining("flipped.npz");
        assertThat(snapshot(b)).usingRecursiveComparison().isEqualTo(before);
        assertThat(Files.readAllBytes(f)).isEqualTo(all);
    }

    /** Files written by NumPy 2.4 (see src/test/resources/npz/README.md). */
    @Test
    void readsFilesWrittenByNumpy() throws Exception {
        double[] w = new double[6];
        for (int k = 0; k < 6; k++) {
            w[k] = (k - 2.5) / 3.0; // the same IEEE operations as numpy's (arange(6) - 2.5) / 3.0
        }
        double[] b = {0.125, -1.0 / 3.0, 1e-300};
        for (String file : new String[]{"linear_2_3.npz", "linear_2_3_compressed.npz"}) {
            Path f = Path.of(getClass().getResource("/npz/" + file).toURI());
            Linear lin = new Linear(2, 3, new Random(0));
            Npz.load(lin, f);
            assertThat(lin.param("weight").value().data).as(file).containsExactly(w);
            assertThat(lin.param("bias").value().data).as(file).containsExactly(b);
            assertThat(Npz.read(f).get("bias").shape()).containsExactly(3);
        }
        // float32 (PyTorch's default dtype): every float is exactly a double, so the value loaded is
        // the float32 rounding of w, converted exactly (a cast computed here, independently)
        Path f32 = Path.of(getClass().getResource("/npz/float32.npz").toURI());
        Linear lin = new Linear(2, 3, new Random(0));
        Npz.load(lin, f32);
        double[] w32 = new double[6];
        for (int k = 0; k < 6; k++) {
            w32[k] = (float) w[k];
        }
        assertThat(w32[0]).isNotEqualTo(w[0]);
        assertThat(lin.param("weight").value().data).containsExactly(w32);
        assertThat(lin.param("bias").value().data).containsExactly(b);
        assertThat(Npz.read(f32).get("weight").dtype()).isEqualTo("<f4");
        assertThat(Npz.read(f32).get("weight").toString()).startsWith("NpyArray(shape=(3, 2), dtype='<f4', values=[-0.8333333");
    }

    /** Other dtypes are refused naming the dtype, what it is and the supported ones. */
    @Test
    void unsupportedDtypesAreNamed() throws IOException {
        for (String[] c : new String[][]{{"<f2", "float16"}, {"<i8", "int64"}, {"|b1", "bool"}, {"<c16", "complex"}}) {
            Path f = dir.resolve("dtype.npz");
            try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
                zos.putNextEntry(new ZipEntry("weight.npy"));
                zos.write(npy("{'descr': '" + c[0] + "', 'fortran_order': False, 'shape': (1,), }", 1.0));
                zos.closeEntry();
            }
            Linear lin = new Linear(1, 1, new Random(0));
            assertThatThrownBy(() -> Npz.load(lin, f)).isInstanceOf(IOException.class)
                    .hasMessageContaining("entry 'weight.npy'")
                    .hasMessageContaining("dtype '" + c[0] + "' (" + c[1])
                    .hasMessageContaining("float64 ('<f8', '>f8') and float32 ('<f4', '>f4')");
        }
    }

    /** float32 big-endian and 3-D Fortran-order arrays, checked against values written by hand. */
    @Test
    void readsFloat32AndNDimensionalArraysInBothOrders() throws IOException {
        // a (2, 3, 2) array a[i][j][k] = 100 i + 10 j + k, stored in Fortran order (i fastest)
        List<Double> fortran = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 2; i++) {
                    fortran.add(100.0 * i + 10 * j + k);
                }
            }
        }
        byte[] f3 = npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }",
                fortran.stream().mapToDouble(Double::doubleValue).toArray());
        String dict = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] h = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer be = ByteBuffer.allocate(10 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        be.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        be.order(ByteOrder.BIG_ENDIAN).putFloat(0.1f).putFloat(-3.5f);
        Path f = dir.resolve("nd.npz");
        try (var zos = new java.util.zip.ZipOutputStream(Files.newOutputStream(f))) {
            zos.putNextEntry(new ZipEntry("cube.npy"));
            zos.write(f3);
            zos.closeEntry();
            zos.putNextEntry(new ZipEntry("be.npy"));
            zos.write(be.array());
            zos.closeEntry();
        }
        Map<String, Npz.NpyArray> r = Npz.read(f);
        Npz.NpyArray cube = r.get("cube");
        assertThat(cube.shape()).containsExactly(2, 3, 2);
        assertThat(cube.rank()).isEqualTo(3);
        double[] c = new double[12];
        int n = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    c[n++] = 100.0 * i + 10 * j + k;
                }
            }
        }
        assertThat(cube.data()).containsExactly(c);
        assertThat(cube.toString()).isEqualTo("NpyArray(shape=(2, 3, 2), dtype='<f8', values=[0.0, 1.0, 10.0, 11.0, "
                + "20.0, 21.0, ...])");
        assertThatThrownBy(cube::toMatrix).hasMessageContaining("shape (2, 3, 2) has 3 dimensions");
        assertThat(r.get("be").data()).containsExactly((double) 0.1f, -3.5);
        assertThat(r.get("be").dtype()).isEqualTo(">f4");
        // an N-D array cannot fill a parameter: named as a shape mismatch
        Linear lin = new Linear(2, 3, new Random(0));
        assertThatThrownBy(() -> Npz.load(lin, f, Npz.LoadOptions.lenient().withPrefix("cube", "weight")))
                .hasMessageContaining("shape mismatch for 'weight' (array 'cube'): file has (2, 3, 2), model has (3, 2)");
        // N-D arrays written and read back
        Path g = dir.resolve("nd-out.npz");
        Npz.writeArrays(g, Map.of("cube", cube));
        assertThat(Npz.read(g).get("cube")).isEqualTo(cube);
    }

    /** PyTorch-style 1-D biases and (1, out) ones both load; the saved file has 1-D biases. */
    @Test
    void biasesAreSavedOneDimensionalAndLoadFromBothShapes() throws IOException {
        Sequential a = model(4);
        Path f = dir.resolve("b.npz");
        Npz.save(a, f);
        Map<String, Npz.NpyArray> r = Npz.read(f);
        assertThat(r.get("0.bias").shape()).containsExactly(5);
        assertThat(r.get("2.bias").shape()).containsExactly(3);
        assertThat(r.get("0.weight").shape()).containsExactly(5, 2);
        Path g = dir.resolve("b2.npz"); // the old layout: biases (1, out)
        Map<String, DMatrixRMaj> m = new LinkedHashMap<>();
        a.namedParameters().forEach((k, p) -> m.put(k, p.value()));
        Npz.write(g, m);
        assertThat(Npz.read(g).get("0.bias").shape()).containsExactly(1, 5);
        for (Path file : List.of(f, g)) {
            Sequential b = model(7);
            Npz.load(b, file);
            assertThat(snapshot(b)).usingRecursiveComparison().isEqualTo(snapshot(a));
        }
    }

    /** Non-strict loads with prefix renaming report what they did; errors still change nothing. */
    @Test
    void lenientLoadWithPrefixesReportsMissingAndUnexpectedNames() throws IOException {
        Sequential a = model(1);
        Map<String, Npz.NpyArray> arrays = new LinkedHashMap<>();
        Npz.arrays(a).forEach((k, v) -> arrays.put("module.net." + k, v)); // as DataParallel + a wrapper save it
        arrays.remove("module.net.2.bias");
        arrays.put("module.extra", new Npz.NpyArray(new int[]{2}, new double[]{1, 2}));
        Path f = dir.resolve("wrapped.npz");
        Npz.writeArrays(f, arrays);

        Sequential b = model(9);
        Map<String, double[]> before = snapshot(b);
        assertThatThrownBy(() -> Npz.load(b, f)).hasMessageContaining("missing parameter '0.weight'")
                .hasMessageContaining("unexpected array 'module.net.0.weight'");
        assertThatThrownBy(() -> Npz.load(b, f, Npz.LoadOptions.strict().withPrefix("module.net.", "")))
                .hasMessageContaining("missing parameter '2.bias' in wrapped.npz")
                .hasMessageContaining("unexpected array 'module.extra' in wrapped.npz");
        assertThat(snapshot(b)).usingRecursiveComparison().isEqualTo(before);

        Npz.LoadReport rep = Npz.load(b, f, Npz.LoadOptions.lenient().withPrefix("module.net.", "")
                .withPrefix("module.", "other."));
        assertThat(rep.loaded()).containsExactly("0.weight", "0.bias", "2.weight");
        assertThat(rep.missing()).containsExactly("2.bias");
        assertThat(rep.unexpected()).containsExactly("module.extra");
        Map<String, double[]> after = snapshot(b);
        for (String k : List.of("0.weight", "0.bias", "2.weight")) {
            assertThat(after.get(k)).as(k).containsExactly(snapshot(a).get(k));
        }
        assertThat(after.get("2.bias")).containsExactly(before.get("2.bias"));

        // two names renamed onto one parameter, and a lenient load with a wrong shape: errors, nothing changes
        Map<String, Npz.NpyArray> clash = new LinkedHashMap<>(Npz.arrays(a));
        clash.put("x.0.bias", clash.get("0.bias"));
        clash.put("2.weight", new Npz.NpyArray(new int[]{2, 2}, new double[4]));
        Path g = dir.resolve("clash.npz");
        Npz.writeArrays(g, clash);
        Sequential c = model(11);
        Map<String, double[]> cBefore = snapshot(c);
        assertThatThrownBy(() -> Npz.load(c, g, Npz.LoadOptions.lenient().withPrefix("x.", "")))
                .hasMessageContaining("arrays '0.bias' and 'x.0.bias' of clash.npz are both renamed to '0.bias'")
                .hasMessageContaining("shape mismatch for '2.weight': file has (2, 2), model has (3, 5)");
        assertThat(snapshot(c)).usingRecursiveComparison().isEqualTo(cBefore);
        assertThatThrownBy(() -> Npz.LoadOptions.lenient().withPrefix("a", "b").withPrefix("a", "c"))
                .hasMessageContaining("prefix 'a' is already mapped to 'b'");
    }

    /** A directory where a file is expected, and a missing file, are named as such. */
    @Test
    void directoriesAndMissingFilesAreNamed() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("checkpoints"));
        Linear lin = new Linear(2, 3, new Random(0));
        assertThatThrownBy(() -> Npz.load(lin, sub)).isInstanceOf(IOException.class)
                .hasMessageContaining("checkpoints: it is a directory, not an .npz file");
        assertThatThrownBy(() -> Npz.save(lin, sub)).isInstanceOf(IOException.class)
                .hasMessageContaining("it is a directory").hasMessageContaining("model.npz");
        assertThat(Files.isDirectory(sub)).isTrue();
        assertThatThrownBy(() -> Npz.load(lin, dir.resolve("none.npz"))).isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("none.npz").hasMessageContaining("no such .npz file");
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> Npz.save(lin, file.resolve("m.npz"))).isInstanceOf(IOException.class)
                .hasMessageContaining("plain is not a directory");
    }

    /** An interrupted save throws a named InterruptedIOException, keeps the old file, leaves no temporary file. */
    @Test
    void interruptedSaveIsNamedAndLeavesNothingBehind() throws IOException {
        Path f = dir.resolve("model.npz");
        Npz.save(model(1), f);
        byte[] old = Files.readAllBytes(f);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> Npz.save(model(2), f)).isInstanceOf(java.io.InterruptedIOException.class)
                    .hasMessageContaining("saving " + f + " was interrupted")
                    .hasMessageContaining("the previous file is unchanged");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(old);
        assertThat(Npz.temporaryFiles(f)).isEmpty();
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("model.npz");
        }
    }

    /** Temporary files of killed saves are found and removed by the next save; live ones are kept. */
    @Test
    void staleTemporaryFilesOfDeadProcessesAreDeleted() throws Exception {
        Path f = dir.resolve("model.npz");
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcessHandle.of(dead).isEmpty());
        long live = ProcessHandle.current().pid();
        Path stale = Files.writeString(dir.resolve(".model.npz.tmp-" + dead + "-abc"), "partial");
        Path running = Files.writeString(dir.resolve(".model.npz.tmp-" + live + "-def"), "in progress");
        Path other = Files.writeString(dir.resolve(".other.npz.tmp-" + dead + "-ghi"), "another target");
        assertThat(Npz.temporaryFiles(f)).containsExactlyInAnyOrder(stale, running);
        Npz.save(model(1), f);
        assertThat(stale).doesNotExist();
        assertThat(running).exists();
        assertThat(other).exists();
        assertThat(Npz.temporaryFiles(f)).containsExactly(running);
    }

    /** New files get the umask's mode, not 0600; an overwrite keeps the old file's mode. */
    @Test
    void savedFilesRespectTheUmaskAndOverwritesKeepTheMode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        // the umask, measured independently: a file created by the shell
        Process sh = new ProcessBuilder("sh", "-c", "umask").start();
        String umask = new String(sh.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        sh.waitFor();
        int mask = Integer.parseInt(umask, 8);
        Path f = dir.resolve("new.npz");
        Npz.save(model(1), f);
        int mode = modeOf(f);
        assertThat(mode).as("mode %o with umask %s", mode, umask).isEqualTo(0666 & ~mask);
        java.nio.file.Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Npz.save(model(2), f);
        assertThat(modeOf(f)).isEqualTo(0640);
        Sequential b = model(5);
        Npz.load(b, f);
        assertThat(snapshot(b)).usingRecursiveComparison().isEqualTo(snapshot(model(2)));
    }

    private static int modeOf(Path f) throws IOException {
        int mode = 0;
        for (var p : Files.getPosixFilePermissions(f)) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    /** A write that fails part-way leaves the previous file intact and no temporary file. */
    @Test
    void failedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.npz");
        Npz.save(model(1), f);
        byte[] old = Files.readAllBytes(f);
        Map<String, DMatrixRMaj> arrays = new LinkedHashMap<>();
        arrays.put("good", new DMatrixRMaj(2, 2, true, 1, 2, 3, 4));
        DMatrixRMaj broken = new DMatrixRMaj(3, 3);
        broken.data = new double[2]; // inconsistent: fails while the second entry is written
        arrays.put("broken", broken);
        assertThatThrownBy(() -> Npz.write(f, arrays)).isInstanceOf(RuntimeException.class);
        assertThat(Files.readAllBytes(f)).isEqualTo(old);
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("model.npz");
        }
        Map<String, DMatrixRMaj> withNull = new LinkedHashMap<>();
        withNull.put("w", null);
        assertThatThrownBy(() -> Npz.write(f, withNull)).hasMessageContaining("array name 'w' with value null");
        assertThat(Files.readAllBytes(f)).isEqualTo(old);
    }

    @Test
    void npyOfMatrixParsesBack() {
        DMatrixRMaj m = new DMatrixRMaj(2, 3, true, 1, 2, 3, 4, 5, 6);
        Npz.NpyArray a = Npz.parseNpy(Npz.npyBytes(m));
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.data()).containsExactly(m.data);
        assertThat(a.shapeString()).isEqualTo("(2, 3)");
    }
}
