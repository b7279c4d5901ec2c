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
                assertThat(header.trim()).isEqualTo("{'descr': '<f8', 'fortran_order': False, 'shape': ("
                        + v.numRows + ", " + v.numCols + "), }");
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
        Path f32 = Path.of(getClass().getResource("/npz/float32.npz").toURI());
        Linear lin = new Linear(2, 3, new Random(0));
        double[] before = lin.param("bias").value().data.clone();
        assertThatThrownBy(() -> Npz.load(lin, f32)).isInstanceOf(IOException.class)
                .hasMessageContaining("entry 'weight.npy'").hasMessageContaining("dtype '<f4' is not float64");
        assertThat(lin.param("bias").value().data).containsExactly(before);
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
