package dev.neuralode.models.io;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.models.nn.Module;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.ejml.data.DMatrixRMaj;

/**
 * Saves and loads parameters as NumPy {@code .npz} archives, so weights move to and from Python
 * ({@code numpy.load("model.npz")["encoder.0.weight"]}) and PyTorch
 * ({@code model.load_state_dict({k: torch.from_numpy(v) for k, v in numpy.load(f).items()})}).
 *
 * <p><b>Format written.</b> A ZIP archive (entries stored, uncompressed, as {@code numpy.savez} does)
 * with one entry {@code <name>.npy} per array, each a {@code .npy} version 1.0 file: the magic
 * {@code \x93NUMPY}, version bytes {@code 1 0}, a little-endian 16-bit header length, an ASCII
 * header {@code {'descr': '<f8', 'fortran_order': False, 'shape': (rows, cols), }} padded with
 * spaces and a newline so the data starts at a multiple of 64 bytes, then the float64 values
 * little-endian in C (row-major) order. {@link #save} writes a bias, a parameter whose last name
 * segment starts with {@code bias} ({@code bias}, {@code bias_ih}, {@code bias_hh}) and whose value
 * is one row, as a 1-D array {@code (out,)}, as PyTorch's {@code state_dict} holds it; every other
 * parameter as 2-D {@code (rows, cols)}.
 *
 * <p><b>Writes are atomic.</b> A temporary file {@code .<name>.tmp-<pid>-<random>} in the target's
 * directory is written and flushed to disk, given the old file's permissions if the target exists
 * (otherwise the process's umask applies, as for any new file), then renamed over the target (an
 * atomic move where the file system supports one) and the directory is flushed; a reader sees either
 * the old file or the complete new one. A failed or interrupted write ({@link InterruptedIOException}
 * for a thread interrupt, the interrupt flag left set) leaves the old file as it was and deletes its
 * temporary file. A process killed during a save ({@code kill -9}) cannot delete its temporary file:
 * the next save to the same target deletes every such file whose process ({@code <pid>}) no longer
 * runs, and {@link #temporaryFiles} lists them ({@code ls -a} shows them next to the target).
 *
 * <p><b>Reading</b> accepts float64 ({@code '<f8'}, {@code '>f8'}) and float32 ({@code '<f4'},
 * {@code '>f4'}, PyTorch's default dtype; every float32 is exactly a double, so the conversion is
 * exact) arrays of any number of dimensions, C or Fortran order, stored or deflated
 * ({@code savez_compressed}), {@code .npy} versions 1 to 3. Any other dtype is refused naming it.
 *
 * <p><b>Loading into a module</b> matches a 1-D array of length n to a {@code 1 × n} or
 * {@code n × 1} parameter (PyTorch biases are 1-D) and a 0-D array to 1×1, and checks every name and
 * shape <i>before</i> changing anything: on any error the parameters are untouched. A strict load
 * ({@link #load(Module, Path)}) needs every parameter and no other array; a non-strict one
 * ({@link LoadOptions#lenient()}, as {@code load_state_dict(strict=False)}) loads what matches and
 * reports the missing and unexpected names ({@link LoadReport}); both may rename the file's arrays by
 * prefix ({@link LoadOptions#withPrefix}).
 */
public final class Npz {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final String TMP_INFIX = ".tmp-";

    private Npz() {
    }

    /**
     * An array of a {@code .npy} entry: its shape, its values as doubles in C (row-major) order,
     * and the dtype it was stored with.
     *
     * @param shape the NumPy shape (any number of dimensions; {@code ()} for a scalar)
     * @param data  the values in C order, {@code Π shape} of them
     * @param dtype the stored dtype, {@code '<f8'}, {@code '>f8'}, {@code '<f4'} or {@code '>f4'}
     */
    public record NpyArray(int[] shape, double[] data, String dtype) {

        /**
         * Checks the shape against the data.
         *
         * @param shape the NumPy shape (copied)
         * @param data  the values in C order
         * @param dtype the stored dtype
         * @throws IllegalArgumentException if a dimension is negative or the data length is not the
         *                                  product of the shape
         */
        public NpyArray {
            shape = shape.clone();
            long n = 1;
            for (int k : shape) {
                if (k < 0) {
                    throw new IllegalArgumentException("NpyArray: negative dimension in shape " + shapeText(shape));
                }
                n *= k;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("NpyArray: shape " + shapeText(shape) + " holds " + n
                        + " values, data has " + data.length);
            }
        }

        /**
         * A float64 array.
         *
         * @param shape the shape
         * @param data  the values in C order
         */
        public NpyArray(int[] shape, double[] data) {
            this(shape, data, "<f8");
        }

        /**
         * The matrix's values as a 2-D array of its shape.
         *
         * @param m the matrix. Not copied: the array keeps a reference to its data.
         * @return the array, shape {@code (rows, cols)}, dtype {@code '<f8'}
         */
        public static NpyArray of(DMatrixRMaj m) {
            if (m.data.length < m.getNumElements()) {
                throw new IllegalArgumentException("NpyArray.of: a " + m.numRows + "x" + m.numCols
                        + " matrix whose data array has only " + m.data.length + " elements");
            }
            double[] d = m.data.length == m.getNumElements() ? m.data : Arrays.copyOf(m.data, m.getNumElements());
            return new NpyArray(new int[]{m.numRows, m.numCols}, d, "<f8");
        }

        /**
         * The shape as NumPy prints it, such as {@code (50, 2)}, {@code (3,)} or {@code ()}.
         *
         * @return the shape text
         */
        public String shapeString() {
            return shapeText(shape);
        }

        /**
         * The shape (a copy).
         *
         * @return the dimensions
         */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /**
         * The number of dimensions.
         *
         * @return {@code shape().length}
         */
        public int rank() {
            return shape.length;
        }

        /**
         * The array as a matrix: 2-D {@code (r, c)} as {@code r × c}, 1-D {@code (n,)} as
         * {@code 1 × n}, 0-D as {@code 1 × 1}.
         *
         * @return a new matrix holding a copy of the values
         * @throws IllegalArgumentException if the array has more than 2 dimensions, naming its shape
         */
        public DMatrixRMaj toMatrix() {
            switch (shape.length) {
                case 0:
                    return new DMatrixRMaj(1, 1, true, data.clone());
                case 1:
                    return new DMatrixRMaj(1, shape[0], true, data.clone());
                case 2:
                    return new DMatrixRMaj(shape[0], shape[1], true, data.clone());
                default:
                    throw new IllegalArgumentException("NpyArray of shape " + shapeString() + " has " + shape.length
                            + " dimensions; only arrays of at most 2 dimensions convert to a matrix (reshape it)");
            }
        }

        /**
         * The shape, the dtype and the first values, such as
         * {@code NpyArray(shape=(5, 2), dtype='<f4', values=[0.25, -1.5, 3.0, ...])}.
         *
         * @return the description
         */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("NpyArray(shape=").append(shapeString()).append(", dtype='")
                    .append(dtype).append("', values=[");
            int k = Math.min(6, data.length);
            for (int i = 0; i < k; i++) {
                b.append(i == 0 ? "" : ", ").append(data[i]);
            }
            return b.append(data.length > k ? ", ...])" : "])").toString();
        }

        /**
         * Equal shape, dtype and values (compared as {@link Arrays#equals(double[], double[])} does).
         *
         * @param o the other object
         * @return whether equal
         */
        @Override
        public boolean equals(Object o) {
            return o instanceof NpyArray a && Arrays.equals(shape, a.shape) && Arrays.equals(data, a.data)
                    && dtype.equals(a.dtype);
        }

        /**
         * A hash of the shape, dtype and values.
         *
         * @return the hash
         */
        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(data)) + dtype.hashCode();
        }
    }

    /**
     * What a load did: the parameters loaded, the parameters the file had no array for, and the
     * arrays of the file no parameter matched (after renaming), each in order.
     *
     * @param loaded     the parameter names loaded
     * @param missing    the parameter names without an array (left unchanged; empty after a strict load)
     * @param unexpected the file's array names (as in the file) that matched no parameter
     */
    public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected) {

        /**
         * Copies the lists.
         *
         * @param loaded     the parameter names loaded
         * @param missing    the parameter names without an array
         * @param unexpected the file's array names that matched no parameter
         */
        public LoadReport {
            loaded = List.copyOf(loaded);
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
        }
    }

    /**
     * How {@link #load(Module, Path, LoadOptions)} matches a file's arrays to parameters: strict or
     * not, and prefix renamings of the file's names. Immutable.
     *
     * <pre>{@code
     * // a PyTorch checkpoint of model.net (keys "net.0.weight", ...) into an OdeFunction's network
     * Npz.load(model, file, Npz.LoadOptions.lenient().withPrefix("net.", "ode.func.net."));
     * }</pre>
     */
    public static final class LoadOptions {
        private final boolean strict;
        private final Map<String, String> prefixes;

        private LoadOptions(boolean strict, Map<String, String> prefixes) {
            this.strict = strict;
            this.prefixes = prefixes;
        }

        /**
         * Strict matching: every parameter needs an array and every array a parameter.
         *
         * @return the options
         */
        public static LoadOptions strict() {
            return new LoadOptions(true, Map.of());
        }

        /**
         * Non-strict matching ({@code load_state_dict(strict=False)}): the parameters with a matching
         * array are loaded, the others keep their values, and the missing and unexpected names are
         * reported in the {@link LoadReport}. Shape mismatches are still errors.
         *
         * @return the options
         */
        public static LoadOptions lenient() {
            return new LoadOptions(false, Map.of());
        }

        /**
         * Adds a renaming: a file name starting with {@code filePrefix} is matched to the parameter
         * named {@code modelPrefix} + the rest. When several prefixes match, the longest wins; the
         * empty prefix matches every name (to add a prefix); names no prefix matches are kept.
         *
         * @param filePrefix  the prefix in the file, such as {@code "module."}
         * @param modelPrefix its replacement, such as {@code ""}
         * @return new options with the renaming added
         * @throws IllegalArgumentException if a prefix is null or {@code filePrefix} is already mapped
         */
        public LoadOptions withPrefix(String filePrefix, String modelPrefix) {
            if (filePrefix == null || modelPrefix == null) {
                throw new IllegalArgumentException("LoadOptions.withPrefix: prefixes must not be null, got '"
                        + filePrefix + "' -> '" + modelPrefix + "'");
            }
            if (prefixes.containsKey(filePrefix)) {
                throw new IllegalArgumentException("LoadOptions.withPrefix: prefix '" + filePrefix
                        + "' is already mapped to '" + prefixes.get(filePrefix) + "'");
            }
            Map<String, String> m = new LinkedHashMap<>(prefixes);
            m.put(filePrefix, modelPrefix);
            return new LoadOptions(strict, Collections.unmodifiableMap(m));
        }

        /**
         * Whether every parameter needs an array and every array a parameter.
         *
         * @return strictness
         */
        public boolean isStrict() {
            return strict;
        }

        /**
         * The renamings, file prefix to model prefix, in the order added.
         *
         * @return an unmodifiable map
         */
        public Map<String, String> prefixes() {
            return prefixes;
        }

        /**
         * The parameter name a file's array name is matched to.
         *
         * @param fileName the array's name in the file
         * @return the name with its longest matching prefix replaced, or unchanged
         */
        public String modelName(String fileName) {
            String best = null;
            for (String p : prefixes.keySet()) {
                if (fileName.startsWith(p) && (best == null || p.length() > best.length())) {
                    best = p;
                }
            }
            return best == null ? fileName : prefixes.get(best) + fileName.substring(best.length());
        }
    }

    /**
     * Saves every parameter of a module under its hierarchical name, biases 1-D (see the class
     * comment), atomically.
     *
     * @param module the module. Not modified.
     * @param path   the target file; replaced atomically
     * @throws IOException if writing fails or is interrupted (the target is then unchanged), or if
     *                     {@code path} is a directory
     */
    public static void save(Module module, Path path) throws IOException {
        writeArrays(path, arrays(module));
    }

    /**
     * The arrays {@link #save} writes for a module: each parameter by name, a one-row bias as 1-D.
     *
     * @param module the module. Not modified.
     * @return the arrays by name (sharing the parameters' data arrays), in parameter order
     */
    public static Map<String, NpyArray> arrays(Module module) {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            DMatrixRMaj v = e.getValue().value();
            NpyArray a = NpyArray.of(v);
            if (isBias(e.getKey()) && v.numRows == 1) {
                a = new NpyArray(new int[]{v.numCols}, a.data, "<f8");
            }
            arrays.put(e.getKey(), a);
        }
        return arrays;
    }

    private static boolean isBias(String name) {
        int dot = name.lastIndexOf('.');
        return name.substring(dot + 1).startsWith("bias");
    }

    /**
     * Writes named 2-D arrays as an {@code .npz} archive, atomically.
     *
     * @param path   the target file
     * @param arrays the arrays by name (saved as {@code name.npy}, shape {@code (rows, cols)}). Not
     *               modified.
     * @throws IOException              if writing fails or is interrupted (the target is then
     *                                  unchanged), or if {@code path} is a directory
     * @throws IllegalArgumentException if a name is empty, a value is null or a matrix's data array is
     *                                  shorter than its shape (nothing is written)
     */
    public static void write(Path path, Map<String, DMatrixRMaj> arrays) throws IOException {
        Map<String, NpyArray> a = new LinkedHashMap<>();
        for (Map.Entry<String, DMatrixRMaj> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("Npz.write: array name '" + e.getKey() + "' with value "
                        + (e.getValue() == null ? "null" : "of shape " + e.getValue().numRows + "x"
                        + e.getValue().numCols) + " (names must be non-empty, values non-null)");
            }
            // a matrix whose data array is shorter than its shape is refused here, before anything is written
            a.put(e.getKey(), NpyArray.of(e.getValue()));
        }
        writeArrays(path, a);
    }

    /**
     * Writes named arrays of any shape as an {@code .npz} archive of float64 {@code .npy} entries,
     * atomically (see the class comment: temporary file, permissions, stale temporary files).
     *
     * @param path   the target file
     * @param arrays the arrays by name (saved as {@code name.npy}; every value written as
     *               {@code '<f8'} whatever its dtype). Not modified.
     * @throws IOException              if writing fails (the target is then unchanged and the
     *                                  temporary file deleted), if it is interrupted
     *                                  ({@link InterruptedIOException}, the thread's interrupt flag
     *                                  left set), or if {@code path} is a directory or its parent is
     *                                  not one
     * @throws IllegalArgumentException if a name is empty or a value is null (nothing is written)
     */
    public static void writeArrays(Path path, Map<String, NpyArray> arrays) throws IOException {
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException("Npz.write: array name '" + e.getKey() + "' with value "
                        + (e.getValue() == null ? "null" : "of shape " + e.getValue().shapeString())
                        + " (names must be non-empty, values non-null)");
            }
        }
        Path abs = path.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IOException("cannot save to " + path + ": it is a directory; give a file name such as "
                    + path.resolve("model.npz"));
        }
        Path dir = abs.getParent();
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot save to " + path + ": " + e.getFile() + " is not a directory", e);
        }
        deleteStaleTemporaryFiles(abs);
        Path tmp = dir.resolve("." + abs.getFileName() + TMP_INFIX + ProcessHandle.current().pid() + "-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            // created with the default mode (0666 less the umask), like any file the process makes
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    ZipOutputStream zip = new ZipOutputStream(Channels.newOutputStream(ch))) {
                for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
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
            keepPermissions(abs, tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } catch (ClosedByInterruptException e) {
            InterruptedIOException ie = new InterruptedIOException("saving " + path + " was interrupted (the "
                    + "thread's interrupt flag is set); " + (Files.exists(abs) ? "the previous file is unchanged"
                    : "no file was written") + " and the partial temporary file was deleted");
            ie.initCause(e);
            throw ie;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** An overwrite keeps the old file's permission bits (POSIX file systems only). */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(target);
            Files.setPosixFilePermissions(tmp, perms);
        } catch (NoSuchFileException | UnsupportedOperationException e) {
            // a new file, or no POSIX permissions: the default mode stays
        }
    }

    /** Flushes the directory entry of the rename to disk where the platform allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported for directories on this platform; the rename itself is still atomic
        }
    }

    /**
     * The temporary files that saves to {@code target} left next to it: {@code .<name>.tmp-<pid>-*}
     * in its directory, of running saves or of processes killed during a save (whose next save to
     * the same target deletes them).
     *
     * @param target the file saved to
     * @return the temporary files found, in no particular order (empty if the directory does not exist)
     * @throws IOException if the directory cannot be listed
     */
    public static List<Path> temporaryFiles(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String prefix = "." + abs.getFileName() + TMP_INFIX;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    private static void deleteStaleTemporaryFiles(Path abs) throws IOException {
        String prefix = "." + abs.getFileName() + TMP_INFIX;
        for (Path p : temporaryFiles(abs)) {
            String rest = p.getFileName().toString().substring(prefix.length());
            int dash = rest.indexOf('-');
            long pid;
            try {
                pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).isEmpty()) {
                Files.deleteIfExists(p); // its process is gone: a save killed before it could clean up
            }
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
        return npyBytes(NpyArray.of(m));
    }

    /**
     * The bytes of one {@code .npy} v1.0 file holding an array as {@code '<f8'}, C order, with its
     * shape.
     *
     * @param a the array. Not modified.
     * @return the file's bytes
     */
    public static byte[] npyBytes(NpyArray a) {
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': " + a.shapeString() + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        double[] d = a.data();
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + h.length + 8 * d.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        for (double v : d) {
            buf.putDouble(v);
        }
        return buf.array();
    }

    /**
     * Reads every array of an {@code .npz} archive.
     *
     * @param path the file
     * @return the arrays by name (the entry name without {@code .npy}), in archive order
     * @throws IOException if the file does not exist, is a directory, cannot be read, is not a valid
     *                     ZIP (corrupt or truncated), or holds an entry that is not a valid float64
     *                     or float32 {@code .npy} array; the message names the file and the entry
     */
    public static Map<String, NpyArray> read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException("cannot read " + path + ": it is a directory, not an .npz file");
        }
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such .npz file");
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new IOException("corrupt or truncated .npz file " + path + ": not a readable ZIP archive ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new IOException("cannot read .npz file " + path + ": " + e.getMessage(), e);
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
                    throw new IOException((e.getMessage().startsWith("dtype") ? "unsupported array in .npz file "
                            : "corrupt .npz file ") + path + ": entry '" + entryName + "': " + e.getMessage(), e);
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
     * @return the array, values converted to double (exactly, for float32)
     * @throws IllegalArgumentException if the bytes are not a {@code .npy} array, are truncated, or
     *                                  hold a dtype other than float64 or float32 (the message
     *                                  starts with {@code dtype} and names it)
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
        int width;
        switch (descr) {
            case "<f8" -> {
                order = ByteOrder.LITTLE_ENDIAN;
                width = 8;
            }
            case ">f8" -> {
                order = ByteOrder.BIG_ENDIAN;
                width = 8;
            }
            case "<f4" -> {
                order = ByteOrder.LITTLE_ENDIAN;
                width = 4;
            }
            case ">f4" -> {
                order = ByteOrder.BIG_ENDIAN;
                width = 4;
            }
            default -> throw new IllegalArgumentException("dtype '" + descr + "'" + describeDtype(descr)
                    + " is not supported: only float64 ('<f8', '>f8') and float32 ('<f4', '>f4') arrays are read; "
                    + "convert with astype(numpy.float64) (or tensor.double() in PyTorch) before saving");
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
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long n = 1;
        for (int k : shape) {
            if (k < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + shapeText(shape));
            }
            n *= k;
            if (n > Integer.MAX_VALUE / 8) {
                throw new IllegalArgumentException("shape " + shapeText(shape) + " is too large to read");
            }
        }
        int dataStart = start + headerLen;
        long needed = n * width;
        if (b.length - dataStart < needed) {
            throw new IllegalArgumentException("truncated data: shape " + shapeText(shape) + " of dtype '" + descr
                    + "' needs " + needed + " bytes, found " + (b.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(b, dataStart, (int) needed).order(order);
        double[] v = new double[(int) n];
        if (width == 8) {
            for (int i = 0; i < n; i++) {
                v[i] = data.getDouble();
            }
        } else {
            for (int i = 0; i < n; i++) {
                v[i] = data.getFloat(); // float -> double is exact
            }
        }
        if (fortran && shape.length >= 2) {
            v = fortranToC(v, shape);
        }
        return new NpyArray(shape, v, descr);
    }

    /** Reorders column-major (first index fastest) values into row-major (last index fastest). */
    private static double[] fortranToC(double[] v, int[] shape) {
        int k = shape.length;
        int[] fStride = new int[k];
        fStride[0] = 1;
        for (int j = 1; j < k; j++) {
            fStride[j] = fStride[j - 1] * shape[j - 1];
        }
        double[] c = new double[v.length];
        int[] idx = new int[k];
        int off = 0; // Fortran offset of idx
        for (int i = 0; i < c.length; i++) {
            c[i] = v[off];
            for (int j = k - 1; j >= 0; j--) { // advance the C-order multi-index, last index fastest
                idx[j]++;
                off += fStride[j];
                if (idx[j] < shape[j]) {
                    break;
                }
                off -= idx[j] * fStride[j];
                idx[j] = 0;
            }
        }
        return c;
    }

    private static String describeDtype(String descr) {
        String t = descr.replaceAll("^[<>|=]", "");
        if (t.isEmpty()) {
            return "";
        }
        String size = t.substring(1);
        switch (t.charAt(0)) {
            case 'f':
                return size.matches("\\d+") ? " (float" + 8 * Integer.parseInt(size) + ")" : "";
            case 'i':
                return size.matches("\\d+") ? " (int" + 8 * Integer.parseInt(size) + ")" : "";
            case 'u':
                return size.matches("\\d+") ? " (uint" + 8 * Integer.parseInt(size) + ")" : "";
            case 'b':
                return " (bool)";
            case 'c':
                return " (complex)";
            case 'O':
                return " (Python objects)";
            case 'U':
            case 'S':
                return " (strings)";
            default:
                return "";
        }
    }

    /**
     * Loads parameters from an {@code .npz} archive into a module, strictly, all or nothing.
     *
     * <p>Checks, before changing anything: every parameter of the module has an array in the file
     * ({@code "missing parameter 'encoder.0.weight' in model.npz"}); every array in the file is a
     * parameter ({@code "unexpected array 'foo' in model.npz: the model has no such parameter"});
     * every shape matches ({@code "shape mismatch for 'encoder.0.weight': file has (3, 2), model
     * has (50, 2)"}).
     *
     * @param module the module; its parameter values are replaced only if everything checks out
     * @param path   the file
     * @throws IOException              if the file is missing, a directory, unreadable, corrupt or
     *                                  truncated, or holds an unsupported dtype
     * @throws IllegalArgumentException if names or shapes do not match
     */
    public static void load(Module module, Path path) throws IOException {
        load(module, path, LoadOptions.strict());
    }

    /**
     * Loads parameters from an {@code .npz} archive into a module by the given options, all or
     * nothing: the file's names are renamed by the options' prefixes, then matched to the module's
     * parameter names. Errors (every one is listed, and then no parameter changes): a shape mismatch;
     * two arrays renamed to the same parameter; in a strict load, a missing parameter or an
     * unexpected array. A non-strict load reports those in the result instead.
     *
     * @param module  the module; its matching parameters are replaced only if everything checks out
     * @param path    the file
     * @param options strictness and renamings
     * @return the names loaded, missing and unexpected
     * @throws IOException              if the file is missing, a directory, unreadable, corrupt or
     *                                  truncated, or holds an unsupported dtype
     * @throws IllegalArgumentException if names or shapes do not match (see above)
     */
    public static LoadReport load(Module module, Path path, LoadOptions options) throws IOException {
        Map<String, NpyArray> fileArrays = read(path);
        Map<String, Parameter> params = module.namedParameters();
        String file = String.valueOf(path.getFileName());
        List<String> errors = new ArrayList<>();
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        Map<String, String> fileNameOf = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, NpyArray> e : fileArrays.entrySet()) {
            String name = options.modelName(e.getKey());
            String previous = fileNameOf.putIfAbsent(name, e.getKey());
            if (previous != null) {
                errors.add("arrays '" + previous + "' and '" + e.getKey() + "' of " + file
                        + " are both renamed to '" + name + "'");
                continue;
            }
            arrays.put(name, e.getValue());
            if (!params.containsKey(name)) {
                unexpected.add(e.getKey());
                if (options.isStrict()) {
                    errors.add("unexpected array '" + e.getKey() + "' in " + file
                            + (name.equals(e.getKey()) ? "" : " (renamed '" + name + "')")
                            + ": the model has no such parameter");
                }
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> loaded = new ArrayList<>();
        Map<Parameter, DMatrixRMaj> staged = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NpyArray a = arrays.get(e.getKey());
            DMatrixRMaj v = e.getValue().value();
            if (a == null) {
                missing.add(e.getKey());
                if (options.isStrict()) {
                    errors.add("missing parameter '" + e.getKey() + "' in " + file);
                }
            } else if (!compatible(a.shape, v.numRows, v.numCols)) {
                String from = fileNameOf.get(e.getKey());
                errors.add("shape mismatch for '" + e.getKey() + "'" + (from.equals(e.getKey()) ? ""
                        : " (array '" + from + "')") + ": file has " + a.shapeString() + ", model has ("
                        + v.numRows + ", " + v.numCols + ")");
            } else {
                staged.put(e.getValue(), new DMatrixRMaj(v.numRows, v.numCols, true, a.data));
                loaded.add(e.getKey());
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("cannot load " + path + " (parameters left unchanged): "
                    + String.join("; ", errors));
        }
        for (Map.Entry<Parameter, DMatrixRMaj> e : staged.entrySet()) {
            e.getKey().setValue(e.getValue());
        }
        return new LoadReport(loaded, missing, unexpected);
    }

    private static boolean compatible(int[] shape, int rows, int cols) {
        switch (shape.length) {
            case 0:
                return rows == 1 && cols == 1;
            case 1:
                return (rows == 1 && cols == shape[0]) || (cols == 1 && rows == shape[0]);
            case 2:
                return shape[0] == rows && shape[1] == cols;
            default:
                return false;
        }
    }

    private static String shapeText(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return b.append(')').toString();
    }
}
