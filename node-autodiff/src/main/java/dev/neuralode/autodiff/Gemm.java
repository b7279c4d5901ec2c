package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;

/**
 * Dense matrix products for the tape's shapes (a batch of tens to hundreds of rows times a weight
 * of tens to hundreds of columns), written so that HotSpot's C2 compiler vectorizes the inner
 * loops with AVX2/AVX-512 FMA, without the incubating Vector API.
 *
 * <p>Two kernels:
 * <ul>
 *   <li><b>row-axpy</b> (outputs of 16 columns or more): {@code C[i,:] = Σ_p A(i,p) B[p,:]},
 *       register-blocked: each pass of the contiguous inner loop updates three output rows with
 *       four terms of the sum each, so twelve fused multiply-adds ({@link Math#fma}, which C2 turns
 *       into vector FMA) share seven loads and three stores (a single-row loop does four per five
 *       loads and one store). C2 (JDK 17) vectorizes such a loop only when every access has the
 *       plain loop index, so B's rows are first copied into separate per-thread arrays and each
 *       output row is formed in a per-thread row array and then copied into C (O(size of B + size
 *       of C) extra copies, no allocation once warmed up). The three-row loop is used for outputs
 *       of {@link #THREE_ROWS_MIN_COLS} columns or more, the single-row one below (and for
 *       leftover rows); {@code A·B} with a narrower output but many rows is formed as
 *       {@code (Bᵀ·Aᵀ)ᵀ}. The first pass starts from the bias or zero row with exactly
 *       {@code min(k, 4)} terms, so {@code C} is fully overwritten;</li>
 *   <li><b>dot</b> (narrower outputs, such as the two-column output layer of a 2-D ODE): scalar
 *       dot products, four output rows and two partial sums at a time, so that eight independent
 *       FMA chains hide the FMA latency.</li>
 * </ul>
 * {@code A(i,p)} is read through a row stride and a column stride, so {@code A·B} and
 * {@code Aᵀ·B} share the kernels; for {@code A·Bᵀ} the rows of {@code Bᵀ} (columns of B) are
 * gathered into the row arrays, and for narrow outputs {@code Bᵀ} (a few hundred elements) is
 * copied and the {@code A·B} dot kernels run on it.
 *
 * <p>Each product can start from zero, from a row vector broadcast over the rows (a fused bias:
 * {@code C = A·B + 1·bᵀ}) or from {@code C} itself (accumulate: {@code C += A·B}). The output
 * must not alias an operand. Results agree with EJML's products to rounding (the summation order
 * differs, and FMA rounds once); see {@code GemmTest}. Thread-safe: the scratch is per thread; it
 * keeps, per thread, row arrays and a buffer as large as the largest operands and outputs
 * multiplied so far (no allocation once they have grown).
 */
final class Gemm {

    /** Output widths below this use the dot kernel. */
    private static final int AXPY_MIN_COLS = 16;

    /**
     * Output widths from which the row-axpy loop updates three output rows per pass (below: one).
     * C2 sizes a loop's unrolling from the trip counts it has profiled, and was measured to leave
     * the three-row loop scalar (about 7 GFMA/s, half the single-row loop's rate) when it had seen
     * only rows of 64 elements or fewer; the single-row loop vectorizes at those widths. Each loop
     * is its own method, so the three-row one sees only wide rows. (A two-row loop for narrower
     * outputs vectorized in some JIT profiles and stayed scalar in others.)
     */
    private static final int THREE_ROWS_MIN_COLS = 128;

    /**
     * {@code Aᵀ·B} with fewer output columns than this, and at least twice as many rows, is formed
     * as {@code (Bᵀ·A)ᵀ}: the vectorized loop then runs over the longer dimension.
     */
    private static final int TRANSPOSE_BELOW_COLS = 128;

    private Gemm() {
    }

    /**
     * {@code C = A·B} (+ {@code bias} broadcast over rows, or + {@code C} when {@code accumulate}).
     *
     * @param a          {@code m × k}
     * @param b          {@code k × n}
     * @param c          {@code m × n}, already of that shape. Modified.
     * @param bias       a row of {@code n} values added to every row, or {@code null} (ignored
     *                   when accumulating)
     * @param accumulate whether to add into {@code c} instead of overwriting it
     */
    static void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, double[] bias, boolean accumulate) {
        int m = a.numRows;
        int k = a.numCols;
        int n = b.numCols;
        if (n >= AXPY_MIN_COLS && n < THREE_ROWS_MIN_COLS && m >= THREE_ROWS_MIN_COLS && k > 0) {
            // narrow output, many rows (the output layer of a wide network): form Cᵀ = Bᵀ·Aᵀ, whose
            // rows are m long, so the three-row loop runs; Aᵀ's rows (A's columns) are gathered
            // straight into the row arrays
            Scratch scratch = ROWS.get();
            double[][] rows = columnsAsRows(scratch, a.data, m, k);
            double[] ct = scratch.tmp(n * m);
            axpyRows(b.data, 1, n, rows, ct, n, m, k, null, false, scratch.out(m), scratch.zeros(m));
            storeTransposed(ct, c.data, m, n, bias, accumulate);
            return;
        }
        run(a.data, k, 1, b.data, c.data, m, n, k, bias, accumulate);
    }

    /**
     * {@code C = Aᵀ·B} (or {@code C += Aᵀ·B}).
     *
     * @param a          {@code k × m}
     * @param b          {@code k × n}
     * @param c          {@code m × n}, already of that shape. Modified.
     * @param accumulate whether to add into {@code c}
     */
    static void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, boolean accumulate) {
        int k = a.numRows;
        int m = a.numCols;
        int n = b.numCols;
        if (n < TRANSPOSE_BELOW_COLS && m >= 2 * n && m >= AXPY_MIN_COLS && k > 0) {
            // narrow output (the weight gradient of a layer with few outputs): form Cᵀ = Bᵀ·A, whose
            // rows are long, with the vectorized kernel (A's rows are contiguous), then transpose
            Scratch scratch = ROWS.get();
            double[] ct = scratch.tmp(n * m);
            axpyKernel(b.data, 1, n, a.data, ct, n, m, k, null, false);
            storeTransposed(ct, c.data, m, n, null, accumulate);
            return;
        }
        run(a.data, 1, m, b.data, c.data, m, n, k, null, accumulate);
    }

    /**
     * {@code C = A·Bᵀ} (+ {@code bias} broadcast over rows, or + {@code C} when {@code accumulate}).
     *
     * @param a          {@code m × k}
     * @param b          {@code n × k}
     * @param c          {@code m × n}, already of that shape. Modified.
     * @param bias       a row of {@code n} values added to every row, or {@code null} (ignored
     *                   when accumulating)
     * @param accumulate whether to add into {@code c}
     */
    static void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, double[] bias, boolean accumulate) {
        int m = a.numRows;
        int k = a.numCols;
        int n = b.numRows;
        if (n < AXPY_MIN_COLS) {
            // narrow output: copy Bᵀ (n·k elements, a few hundred) and use the A·B dot kernels.
            // A dot kernel reading both operands along rows was measured to be compiled by C2
            // into code up to five times slower in some runs of the spiral demo (JIT-profile
            // dependent); the A·B kernels are the ones the benchmarks measure.
            double[] bt = ROWS.get().tmp(n * k);
            double[] bd = b.data;
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    bt[p * n + j] = bd[j * k + p];
                }
            }
            run(a.data, k, 1, bt, c.data, m, n, k, bias, accumulate);
            return;
        }
        if (k == 0) {
            init(c.data, m, n, bias, accumulate);
            return;
        }
        // Bᵀ's rows are B's columns: gather them straight into the row arrays
        Scratch scratch = ROWS.get();
        double[][] rows = columnsAsRows(scratch, b.data, n, k);
        axpyRows(a.data, k, 1, rows, c.data, m, n, k, bias, accumulate, scratch.out(n), scratch.zeros(n));
    }

    /**
     * {@code C = Cᵀᵀ} from the {@code n × m} product {@code ct} formed transposed: stored, plus
     * {@code bias} broadcast over rows, or added into {@code c} when accumulating.
     */
    private static void storeTransposed(double[] ct, double[] c, int m, int n, double[] bias, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int in = i * n;
            for (int j = 0; j < n; j++) {
                double v = ct[j * m + i];
                c[in + j] = accumulate ? c[in + j] + v : bias == null ? v : v + bias[j];
            }
        }
    }

    /**
     * The {@code k} columns of a row-major {@code r × k} matrix as the scratch's row arrays (the
     * rows of its transpose, each at least {@code r} long).
     */
    private static double[][] columnsAsRows(Scratch scratch, double[] src, int r, int k) {
        double[][] rows = scratch.rows(k, r);
        for (int i = 0; i < r; i++) {
            int base = i * k;
            for (int p = 0; p < k; p++) {
                rows[p][i] = src[base + p];
            }
        }
        return rows;
    }

    private static void run(double[] a, int rs, int cs, double[] b, double[] c, int m, int n, int k,
                            double[] bias, boolean accumulate) {
        if (k == 0) {
            init(c, m, n, bias, accumulate);
        } else if (n >= AXPY_MIN_COLS) {
            axpyKernel(a, rs, cs, b, c, m, n, k, bias, accumulate);
        } else if (n == 2) {
            twoColumnKernel(a, rs, cs, b, c, m, k, bias, accumulate);
        } else {
            dotKernel(a, rs, cs, b, c, m, n, k, bias, accumulate, 0);
        }
    }

    private static void init(double[] c, int m, int n, double[] bias, boolean accumulate) {
        if (accumulate) {
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] = bias == null ? 0.0 : bias[j];
            }
        }
    }

    /**
     * Output rows formed together (a multiple of the three rows per kernel call), so each block of
     * four rows of B is reused from L1.
     */
    private static final int ROW_BLOCK = 6;

    /** Per-thread scratch: the rows of B as separate arrays, and a block of output rows. */
    private static final class Scratch {
        double[][] rows = new double[0][];
        final double[][] out = new double[ROW_BLOCK][0];
        double[] tmp = new double[0];
        double[] zeros = new double[0];

        /** A row of at least {@code n} zeros (never written). */
        double[] zeros(int n) {
            if (zeros.length < n) {
                zeros = new double[n];
            }
            return zeros;
        }

        /** A buffer of at least {@code size} elements. */
        double[] tmp(int size) {
            if (tmp.length < size) {
                tmp = new double[size];
            }
            return tmp;
        }

        /** Row arrays for {@code k} rows of at least {@code n} elements. */
        double[][] rows(int k, int n) {
            if (rows.length < k) {
                rows = java.util.Arrays.copyOf(rows, Math.max(k, 2 * rows.length));
            }
            for (int p = 0; p < k; p++) {
                if (rows[p] == null || rows[p].length < n) {
                    rows[p] = new double[n];
                }
            }
            return rows;
        }

        /** {@link #ROW_BLOCK} output row arrays of at least {@code n} elements. */
        double[][] out(int n) {
            if (out[0].length < n) {
                for (int r = 0; r < ROW_BLOCK; r++) {
                    out[r] = new double[n];
                }
            }
            return out;
        }
    }

    private static final ThreadLocal<Scratch> ROWS = ThreadLocal.withInitial(Scratch::new);

    /**
     * Row-axpy kernel, {@code n >= AXPY_MIN_COLS}, {@code k >= 1}. B's rows are copied into
     * separate arrays and each output row is formed in its own array, so that every array access
     * of the inner loop has the plain index {@code j}: that is the form C2's superword pass
     * vectorizes (with offsets into one shared array it cannot rule out overlaps and stays scalar).
     */
    private static void axpyKernel(double[] a, int rs, int cs, double[] b, double[] c, int m, int n, int k,
                                   double[] bias, boolean accumulate) {
        Scratch scratch = ROWS.get();
        double[][] rows = scratch.rows(k, n);
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, p * n, rows[p], 0, n);
        }
        axpyRows(a, rs, cs, rows, c, m, n, k, bias, accumulate, scratch.out(n), scratch.zeros(n));
    }

    private static void axpyRows(double[] a, int rs, int cs, double[][] rows, double[] c, int m, int n, int k,
                                 double[] bias, boolean accumulate, double[][] out, double[] zeros) {
        double[] base = bias != null ? bias : zeros;
        int first = Math.min(k, 4);
        for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
            int nr = Math.min(ROW_BLOCK, m - i0);
            int p = 0;
            if (accumulate) {
                for (int r = 0; r < nr; r++) {
                    System.arraycopy(c, (i0 + r) * n, out[r], 0, n);
                }
            } else {
                // the first min(k, 4) terms start from the base row (bias or zeros)
                firstPass(a, rs, cs, rows, i0, nr, first, base, out, n);
                p = first;
            }
            for (; p + 3 < k; p += 4) {
                double[] q0 = rows[p];
                double[] q1 = rows[p + 1];
                double[] q2 = rows[p + 2];
                double[] q3 = rows[p + 3];
                int r = 0;
                if (n >= THREE_ROWS_MIN_COLS) {
                    for (; r + 2 < nr; r += 3) {
                        int a0 = (i0 + r) * rs + p * cs;
                        int a1 = a0 + rs;
                        int a2 = a1 + rs;
                        axpy4x3(a[a0], a[a0 + cs], a[a0 + 2 * cs], a[a0 + 3 * cs],
                                a[a1], a[a1 + cs], a[a1 + 2 * cs], a[a1 + 3 * cs],
                                a[a2], a[a2 + cs], a[a2 + 2 * cs], a[a2 + 3 * cs],
                                q0, q1, q2, q3, out[r], out[r + 1], out[r + 2], n);
                    }
                }
                for (; r < nr; r++) {
                    int ap = (i0 + r) * rs + p * cs;
                    axpy4(a[ap], a[ap + cs], a[ap + 2 * cs], a[ap + 3 * cs], q0, q1, q2, q3, out[r], n);
                }
            }
            for (; p < k; p++) {
                double[] q0 = rows[p];
                for (int r = 0; r < nr; r++) {
                    axpy1(a[(i0 + r) * rs + p * cs], q0, out[r], n);
                }
            }
            for (int r = 0; r < nr; r++) {
                System.arraycopy(out[r], 0, c, (i0 + r) * n, n);
            }
        }
    }

    /** {@code out[r] = base + Σ_{p < t} A(i0 + r, p) B[p,:]} for the rows of a block, {@code 1 <= t <= 4}. */
    private static void firstPass(double[] a, int rs, int cs, double[][] rows, int i0, int nr, int t,
                                  double[] base, double[][] out, int n) {
        double[] q0 = rows[0];
        if (t == 4) {
            double[] q1 = rows[1];
            double[] q2 = rows[2];
            double[] q3 = rows[3];
            int r = 0;
            for (; n >= THREE_ROWS_MIN_COLS && r + 2 < nr; r += 3) {
                int a0 = (i0 + r) * rs;
                int a1 = a0 + rs;
                int a2 = a1 + rs;
                first4x3(a[a0], a[a0 + cs], a[a0 + 2 * cs], a[a0 + 3 * cs],
                        a[a1], a[a1 + cs], a[a1 + 2 * cs], a[a1 + 3 * cs],
                        a[a2], a[a2 + cs], a[a2 + 2 * cs], a[a2 + 3 * cs],
                        q0, q1, q2, q3, base, out[r], out[r + 1], out[r + 2], n);
            }
            for (; r < nr; r++) {
                int ap = (i0 + r) * rs;
                first4(a[ap], a[ap + cs], a[ap + 2 * cs], a[ap + 3 * cs], q0, q1, q2, q3, base, out[r], n);
            }
        } else if (t == 3) {
            for (int r = 0; r < nr; r++) {
                int ap = (i0 + r) * rs;
                first3(a[ap], a[ap + cs], a[ap + 2 * cs], q0, rows[1], rows[2], base, out[r], n);
            }
        } else if (t == 2) {
            for (int r = 0; r < nr; r++) {
                int ap = (i0 + r) * rs;
                first2(a[ap], a[ap + cs], q0, rows[1], base, out[r], n);
            }
        } else {
            for (int r = 0; r < nr; r++) {
                first1(a[(i0 + r) * rs], q0, base, out[r], n);
            }
        }
    }

    /** {@code c[j] = base[j] + x0 b0[j] + x1 b1[j] + x2 b2[j] + x3 b3[j]}. */
    private static void first4(double x0, double x1, double x2, double x3, double[] b0, double[] b1,
                               double[] b2, double[] b3, double[] base, double[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x3, b3[j], Math.fma(x2, b2[j], Math.fma(x1, b1[j], Math.fma(x0, b0[j], base[j]))));
        }
    }

    private static void first3(double x0, double x1, double x2, double[] b0, double[] b1, double[] b2,
                               double[] base, double[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x2, b2[j], Math.fma(x1, b1[j], Math.fma(x0, b0[j], base[j])));
        }
    }

    private static void first2(double x0, double x1, double[] b0, double[] b1, double[] base, double[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x1, b1[j], Math.fma(x0, b0[j], base[j]));
        }
    }

    private static void first1(double x0, double[] b0, double[] base, double[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x0, b0[j], base[j]);
        }
    }

    /** {@link #first4} for three output rows sharing the loads of B and of the base row. */
    private static void first4x3(double x0, double x1, double x2, double x3,
                                 double y0, double y1, double y2, double y3,
                                 double z0, double z1, double z2, double z3,
                                 double[] b0, double[] b1, double[] b2, double[] b3, double[] base,
                                 double[] c, double[] d, double[] e, int n) {
        for (int j = 0; j < n; j++) {
            double q0 = b0[j];
            double q1 = b1[j];
            double q2 = b2[j];
            double q3 = b3[j];
            double s = base[j];
            c[j] = Math.fma(x3, q3, Math.fma(x2, q2, Math.fma(x1, q1, Math.fma(x0, q0, s))));
            d[j] = Math.fma(y3, q3, Math.fma(y2, q2, Math.fma(y1, q1, Math.fma(y0, q0, s))));
            e[j] = Math.fma(z3, q3, Math.fma(z2, q2, Math.fma(z1, q1, Math.fma(z0, q0, s))));
        }
    }

    /**
     * {@code c[j] += x0 b0[j] + x1 b1[j] + x2 b2[j] + x3 b3[j]}, and the same for {@code d} with the
     * {@code y} and for {@code e} with the {@code z}: the main vectorized loop. Three output rows
     * share each load of B, so a pass does twelve FMAs per seven loads and three stores: about
     * 19–21 GFMA/s on 128×64×256 on the test machine ({@code ProductBenchmark} in node-benchmarks),
     * against about 14 for the single-row {@link #axpy4} (128×64×64) and 7 with
     * {@code -XX:-UseSuperWord}. Four rows (sixteen FMAs per pass) were measured to stay
     * scalar, as were eight terms of a single row; two rows vectorize but reach about 18 GFMA/s.
     */
    private static void axpy4x3(double x0, double x1, double x2, double x3,
                                double y0, double y1, double y2, double y3,
                                double z0, double z1, double z2, double z3,
                                double[] b0, double[] b1, double[] b2, double[] b3,
                                double[] c, double[] d, double[] e, int n) {
        for (int j = 0; j < n; j++) {
            double q0 = b0[j];
            double q1 = b1[j];
            double q2 = b2[j];
            double q3 = b3[j];
            c[j] = Math.fma(x3, q3, Math.fma(x2, q2, Math.fma(x1, q1, Math.fma(x0, q0, c[j]))));
            d[j] = Math.fma(y3, q3, Math.fma(y2, q2, Math.fma(y1, q1, Math.fma(y0, q0, d[j]))));
            e[j] = Math.fma(z3, q3, Math.fma(z2, q2, Math.fma(z1, q1, Math.fma(z0, q0, e[j]))));
        }
    }

    /** {@code c[j] += x0 b0[j] + x1 b1[j] + x2 b2[j] + x3 b3[j]} (a single row). */
    private static void axpy4(double x0, double x1, double x2, double x3,
                              double[] b0, double[] b1, double[] b2, double[] b3, double[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x3, b3[j], Math.fma(x2, b2[j], Math.fma(x1, b1[j], Math.fma(x0, b0[j], c[j]))));
        }
    }

    private static void axpy1(double x, double[] b, double[] c, int n) {
        for (int j = 0; j < n; j++) {
            c[j] = Math.fma(x, b[j], c[j]);
        }
    }

    /**
     * Dot kernel for two output columns (the output layer of a 2-D ODE): both columns of four rows
     * at once, eight independent FMA chains, each element of A read once.
     */
    private static void twoColumnKernel(double[] a, int rs, int cs, double[] b, double[] c, int m, int k,
                                        double[] bias, boolean accumulate) {
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int a0 = i * rs;
            int a1 = a0 + rs;
            int a2 = a1 + rs;
            int a3 = a2 + rs;
            double s00 = 0;
            double s01 = 0;
            double s10 = 0;
            double s11 = 0;
            double s20 = 0;
            double s21 = 0;
            double s30 = 0;
            double s31 = 0;
            for (int p = 0, ap = 0; p < k; p++, ap += cs) {
                double q0 = b[2 * p];
                double q1 = b[2 * p + 1];
                double x0 = a[a0 + ap];
                double x1 = a[a1 + ap];
                double x2 = a[a2 + ap];
                double x3 = a[a3 + ap];
                s00 = Math.fma(x0, q0, s00);
                s01 = Math.fma(x0, q1, s01);
                s10 = Math.fma(x1, q0, s10);
                s11 = Math.fma(x1, q1, s11);
                s20 = Math.fma(x2, q0, s20);
                s21 = Math.fma(x2, q1, s21);
                s30 = Math.fma(x3, q0, s30);
                s31 = Math.fma(x3, q1, s31);
            }
            store(c, 2 * i, 2, s00, s10, s20, s30, bias == null ? 0.0 : bias[0], accumulate);
            store(c, 2 * i + 1, 2, s01, s11, s21, s31, bias == null ? 0.0 : bias[1], accumulate);
        }
        if (i < m) {
            dotKernel(a, rs, cs, b, c, m, 2, k, bias, accumulate, i);
        }
    }

    /** Dot kernel for narrow outputs: {@code C(i,j) = Σ_p A(i,p) B[p,j]}, four rows at a time. */
    private static void dotKernel(double[] a, int rs, int cs, double[] b, double[] c, int m, int n, int k,
                                  double[] bias, boolean accumulate, int firstRow) {
        int i = firstRow;
        for (; i + 3 < m; i += 4) {
            int a0 = i * rs;
            int a1 = a0 + rs;
            int a2 = a1 + rs;
            int a3 = a2 + rs;
            for (int j = 0; j < n; j++) {
                // two partial sums per row (even and odd p): eight independent FMA chains
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                double t0 = 0;
                double t1 = 0;
                double t2 = 0;
                double t3 = 0;
                int p = 0;
                int ap = 0;
                int bp = j;
                for (; p + 1 < k; p += 2, ap += 2 * cs, bp += 2 * n) {
                    double q = b[bp];
                    double r = b[bp + n];
                    int aq = ap + cs;
                    s0 = Math.fma(a[a0 + ap], q, s0);
                    s1 = Math.fma(a[a1 + ap], q, s1);
                    s2 = Math.fma(a[a2 + ap], q, s2);
                    s3 = Math.fma(a[a3 + ap], q, s3);
                    t0 = Math.fma(a[a0 + aq], r, t0);
                    t1 = Math.fma(a[a1 + aq], r, t1);
                    t2 = Math.fma(a[a2 + aq], r, t2);
                    t3 = Math.fma(a[a3 + aq], r, t3);
                }
                if (p < k) {
                    double q = b[bp];
                    s0 = Math.fma(a[a0 + ap], q, s0);
                    s1 = Math.fma(a[a1 + ap], q, s1);
                    s2 = Math.fma(a[a2 + ap], q, s2);
                    s3 = Math.fma(a[a3 + ap], q, s3);
                }
                s0 += t0;
                s1 += t1;
                s2 += t2;
                s3 += t3;
                store(c, i * n + j, n, s0, s1, s2, s3, bias == null ? 0.0 : bias[j], accumulate);
            }
        }
        for (; i < m; i++) {
            int a0 = i * rs;
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0, ap = a0, bp = j; p < k; p++, ap += cs, bp += n) {
                    s = Math.fma(a[ap], b[bp], s);
                }
                int ij = i * n + j;
                c[ij] = s + (accumulate ? c[ij] : bias == null ? 0.0 : bias[j]);
            }
        }
    }

    private static void store(double[] c, int ij, int n, double s0, double s1, double s2, double s3,
                              double offset, boolean accumulate) {
        if (accumulate) {
            c[ij] += s0;
            c[ij + n] += s1;
            c[ij + 2 * n] += s2;
            c[ij + 3 * n] += s3;
        } else {
            c[ij] = s0 + offset;
            c[ij + n] = s1 + offset;
            c[ij + 2 * n] = s2 + offset;
            c[ij + 3 * n] = s3 + offset;
        }
    }
}
