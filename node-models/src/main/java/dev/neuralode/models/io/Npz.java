package dev.neuralode.models.io;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.models.nn.Module;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.ejml.data.DMatrixRMaj;

/**
 * Saves and loads parameters as NumPy {@code .npz} archives, so weights move to and from Python
 * ({@code numpy.load("model.npz")["encoder.0.weight"]}).
 *
 * <p>Format written: a ZIP archive (entries stored, uncompressed, as {@code numpy.savez} does) with
 * one entry {@code <name>.npy} per parameter, each a {@code .npy} version 1.0 file: the magic
 * {@code \x93NUMPY}, version bytes {@code 1 0}, a little-endian 16-bit header length, an ASCII
 * header {@code {'descr': '<f8', 'fortran_order': False, 'shape': (rows, cols), }} padded with
 * spaces and a newline so the data starts at a multiple of 64 bytes, then the float64 values
 * little-endian in C (row-major) order. Writes are atomic: a temporary file in the target
 * directory is written and flushed to disk, then renamed over the target (an atomic move where the
 * file system supports one), so a reader sees either the old file or the complete new one, and a
 * failed write leaves the old file as it was and no temporary file behind.
 *
 * <p>Reading accepts {@code <f8} (and {@code >f8}) arrays of 0, 1 or 2 dimensions, C or Fortran
 * order, stored or deflated ({@code savez_compressed}). A 1-D array of length n matches a
 * {@code 1 × n} or {@code n × 1} parameter (PyTorch biases are 1-D); a 0-D array matches 1×1.
 * Loading into a module checks every name and shape <i>before</i> changing anything: on any error
 * the parameters are untouched.
 */
public final class Npz {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    /**
     * An array read from a {@code .npy} entry.
     *
     * @param shape the NumPy shape (0, 1 or 2 dimensions)
     * @param data  the values in C order
     */
    public record NpyArray(int[] shape, double[] data) {

        /**
         * The shape as NumPy prints it, such as {@code (50, 2)} or {@code (3,)}.
         *
         * @return the shape text
         */
        public String shapeString() {
            return shapeText(shape);
        }
    }

    /**
     * Saves every parameter of a module under its hierarchical name.
     *
     * @param module the module. Not modified.
     * @param path   the target file; replaced atomically
     * @throws IOException if writing fails (the target is then unchanged)
     */
    public static void save(Module module, Path path) throws IOException {
        Map<String, DMatrixRMaj> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            arrays.put(e.getKey(), e.getValue().value());
        }
        write(path, arrays);
    }

    /**
     * Writes named 2-D arrays as an {@code .npz} archive, atomically.
     *
     * @param path   the target file
     * @param arrays the arrays by name (saved as {@code name.npy}). Not modified.
     * @throws IOException              if writing fails (the target is then unchanged)
     * @throws IllegalArgumentException if a name is empty or a value is null (nothing is written)
     */
    public static void write(Path path, Map<String, DMatrixRMaj> arrays) throws IOException {
        for (Map.Entry<String, DMatrixRMaj> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("Npz.write: array name '" + e.getKey() + "' with value "
                        + (e.getValue() == null ? "null" : "of shape " + e.getValue().numRows + "x"
                        + e.getValue().numCols) + " (names must be non-empty, values non-null)");
            }
        }
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    ZipOutputStream zip = new ZipOutputStream(Channels.newOutputStream(ch))) {
                for (Map.Entry<String, DMatrixRMaj> e : arrays.entrySet()) {
                    byte[] npy = npyBytes(e.getValue());
                    ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(npy.length);
                    entry.setCompressedSize(npy.length);
                    CRC32 crc = new CRC32();
                    crc.update(npy);
                    entry.setCrc(crc.getValue());
                    zip.putNextEntry(entry);
                    zip.write(npy);
                    zip.closeEntry();
                }
                zip.finish();
                ch.force(true); // the data is on disk before the rename makes it visible
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The bytes of one {@code .npy} v1.0 file holding a matrix as {@code '<f8'}, C order, shape
     * {@code (rows, cols)}.
     *
     * @param m the matrix. Not modified.
     * @return the file's bytes
     */
    public static byte[] npyBytes(DMatrixRMaj m) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + m.numRows + ", " + m.numCols + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        int n = m.getNumElements();
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + h.length + 8 * n).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        for (int i = 0; i < n; i++) {
            buf.putDouble(m.data[i]);
        }
        return buf.array();
    }

    /**
     * Reads every array of an {@code .npz} archive.
     *
     * @param path the file
     * @return the arrays by name (the entry name without {@code .npy}), in archive order
     * @throws IOException if the file cannot be read, is not a valid ZIP (corrupt or truncated), or
     *                     holds an entry that is not a valid float64 {@code .npy} array; the message
     *                     names the file and the entry
     */
    public static Map<String, NpyArray> read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "no such .npz file");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new IOException("corrupt or truncated .npz file " + path + ": not a readable ZIP archive ("
                    + e.getMessage() + ")", e);
        }
        try (zip) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry entry = en.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String entryName = entry.getName();
                String name = entryName.endsWith(".npy") ? entryName.substring(0, entryName.length() - 4) : entryName;
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = readAll(in);
                } catch (IOException e) {
                    throw new IOException("corrupt or truncated .npz file " + path + ": cannot read entry '"
                            + entryName + "' (" + e.getMessage() + ")", e);
                }
                CRC32 crc = new CRC32();
                crc.update(bytes);
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw new IOException("corrupt .npz file " + path + ": entry '" + entryName
                            + "' fails its CRC-32 check (damaged data)");
                }
                try {
                    out.put(name, parseNpy(bytes));
                } catch (IllegalArgumentException e) {
                    throw new IOException("corrupt .npz file " + path + ": entry '" + entryName + "': "
                            + e.getMessage(), e);
                }
            }
        } catch (ZipException | IllegalStateException e) {
            throw new IOException("corrupt or truncated .npz file " + path + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        in.transferTo(bos);
        return bos.toByteArray();
    }

    /**
     * Parses one {@code .npy} file.
     *
     * @param b the file's bytes. Not modified.
     * @return the array
     * @throws IllegalArgumentException if the bytes are not a float64 {@code .npy} array of at
     *                                  most 2 dimensions, or are truncated
     */
    public static NpyArray parseNpy(byte[] b) {
        if (b.length < 10) {
            throw new IllegalArgumentException("truncated .npy data (" + b.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not a .npy array (bad magic string)");
            }
        }
        int major = b[6] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (b.length < 12) {
                throw new IllegalArgumentException("truncated .npy header");
            }
            headerLen = bb.getInt(8);
            start = 12;
        } else {
            throw new IllegalArgumentException("unsupported .npy version " + major);
        }
        if (headerLen < 0 || start + headerLen > b.length) {
            throw new IllegalArgumentException("truncated .npy header (needs " + headerLen + " bytes)");
        }
        String header = new String(b, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException("malformed .npy header: " + header.trim());
        }
        String descr = d.group(1);
        ByteOrder order;
        if (descr.equals("<f8")) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (descr.equals(">f8")) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new IllegalArgumentException("dtype '" + descr + "' is not float64 ('<f8'); convert with "
                    + "astype(numpy.float64) before saving");
        }
        boolean fortran = f.group(1).equals("True");
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                try {
                    dims.add(Integer.parseInt(p));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("malformed shape (" + s.group(1) + ")");
                }
            }
        }
        if (dims.size() > 2) {
            throw new IllegalArgumentException("shape (" + s.group(1) + ") has " + dims.size()
                    + " dimensions; at most 2 are supported");
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long n = 1;
        for (int k : shape) {
            if (k < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + shapeText(shape));
            }
            n *= k;
        }
        int dataStart = start + headerLen;
        long needed = n * 8;
        if (b.length - dataStart < needed) {
            throw new IllegalArgumentException("truncated data: shape " + shapeText(shape) + " needs " + needed
                    + " bytes, found " + (b.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(b, dataStart, (int) needed).order(order);
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = data.getDouble();
        }
        if (fortran && shape.length == 2) {
            int r = shape[0];
            int c = shape[1];
            double[] cOrder = new double[v.length];
            for (int j = 0; j < c; j++) {
                for (int i = 0; i < r; i++) {
                    cOrder[i * c + j] = v[j * r + i];
                }
            }
            v = cOrder;
        }
        return new NpyArray(shape, v);
    }

    /**
     * Loads parameters from an {@code .npz} archive into a module, all or nothing.
     *
     * <p>Checks, before changing anything: every parameter of the module has an array in the file
     * ({@code "missing parameter 'encoder.0.weight' in model.npz"}); every array in the file is a
     * parameter ({@code "unexpected array 'foo' in model.npz: the model has no such parameter"});
     * every shape matches ({@code "shape mismatch for 'encoder.0.weight': file has (3, 2), model
     * has (50, 2)"}).
     *
     * @param module the module; its parameter values are replaced only if everything checks out
     * @param path   the file
     * @throws IOException              if the file is unreadable, corrupt or truncated
     * @throws IllegalArgumentException if names or shapes do not match
     */
    public static void load(Module module, Path path) throws IOException {
        Map<String, NpyArray> arrays = read(path);
        Map<String, Parameter> params = module.namedParameters();
        String file = String.valueOf(path.getFileName());
        List<String> errors = new ArrayList<>();
        Map<Parameter, DMatrixRMaj> staged = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NpyArray a = arrays.get(e.getKey());
            DMatrixRMaj v = e.getValue().value();
            if (a == null) {
                errors.add("missing parameter '" + e.getKey() + "' in " + file);
            } else if (!compatible(a.shape(), v.numRows, v.numCols)) {
                errors.add("shape mismatch for '" + e.getKey() + "': file has " + a.shapeString()
                        + ", model has (" + v.numRows + ", " + v.numCols + ")");
            } else {
                staged.put(e.getValue(), new DMatrixRMaj(v.numRows, v.numCols, true, a.data()));
            }
        }
        for (String name : arrays.keySet()) {
            if (!params.containsKey(name)) {
                errors.add("unexpected array '" + name + "' in " + file + ": the model has no such parameter");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("cannot load " + path + " (parameters left unchanged): "
                    + String.join("; ", errors));
        }
        for (Map.Entry<Parameter, DMatrixRMaj> e : staged.entrySet()) {
            e.getKey().setValue(e.getValue());
        }
    }

    private static boolean compatible(int[] shape, int rows, int cols) {
        switch (shape.length) {
            case 0:
                return rows == 1 && cols == 1;
            case 1:
                return (rows == 1 && cols == shape[0]) || (cols == 1 && rows == shape[0]);
            default:
                return shape[0] == rows && shape[1] == cols;
        }
    }

    private static String shapeText(int[] shape) {
        if (shape.length == 0) {
            return "()";
        }
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return "(" + shape[0] + ", " + shape[1] + ")";
    }
}
