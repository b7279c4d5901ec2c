package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;

/**
 * Dense matrix products for the tape's shapes (a batch of tens to hundreds of rows times a weight
 * of tens to hundreds of columns), written so that HotSpot's C2 compiler vectorizes the inner
 * loops with AVX2/AVX-512 FMA, without the incubating Vector API.
 *
 * <p>Two kernels:
 * <ul>
 *   <li><b>row-axpy</b> (output rows of 16 columns or more): {@code C[i,:] = Σ_p A(i,p) B[p,:]},
 *       two output rows at a time and the sum over {@code p} unrolled by four, so each pass of the
 *       contiguous inner loop does eight fused multiply-adds ({@link Math#fma}, which C2 turns
 *       into vector FMA) per six loads and two stores;</li>
 *   <li><b>dot</b> (narrower outputs, such as the two-column output layer of a 2-D ODE): scalar
 *       dot products, four output rows at a time so that four independent FMA chains hide the
 *       latency.</li>
 * </ul>
 * {@code A(i,p)} is read through a row stride and a column stride, so {@code A·B} and
 * {@code Aᵀ·B} share the kernels; {@code A·Bᵀ} transposes {@code B} into a per-thread scratch
 * buffer (O(size of B), no allocation once warmed up) and runs the same kernels.
 *
 * <p>Each product can start from zero, from a row vector broadcast over the rows (a fused bias:
 * {@code C = A·B + 1·bᵀ}) or from {@code C} itself (accumulate: {@code C += A·B}). The output
 * must not alias an operand. Results agree with a naive triple loop to rounding (the summation
 * order differs); see {@code GemmTest}.
 */
final class Gemm {

    /** Output widths below this use the dot kernel. */
    private static final int AXPY_MIN_COLS = 16;

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[1][0]);

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
            // dot kernel straight on B's rows: C(i,j) = Σ_p A(i,p) B(j,p)
            dotTransB(a.data, b.data, c.data, m, n, k, bias, accumulate);
            return;
        }
        double[][] holder = SCRATCH.get();
        double[] bt = holder[0];
        if (bt.length < k * n) {
            bt = new double[k * n];
            holder[0] = bt;
        }
        transpose(b.data, n, k, bt);
        run(a.data, k, 1, bt, c.data, m, n, k, bias, accumulate);
    }

    /** {@code out (cols × rows) = inᵀ} for a row-major {@code rows × cols} {@code in}. */
    static void transpose(double[] in, int rows, int cols, double[] out) {
        final int block = 32;
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int c0 = 0; c0 < cols; c0 += block) {
                int c1 = Math.min(cols, c0 + block);
                for (int r = r0; r < r1; r++) {
                    int src = r * cols;
                    for (int c = c0; c < c1; c++) {
                        out[c * rows + r] = in[src + c];
                    }
                }
            }
        }
    }

    private static void run(double[] a, int rs, int cs, double[] b, double[] c, int m, int n, int k,
                            double[] bias, boolean accumulate) {
        if (k == 0) {
            init(c, m, n, bias, accumulate);
        } else if (n >= AXPY_MIN_COLS) {
            axpyKernel(a, rs, cs, b, c, m, n, k, bias, accumulate);
        } else {
            dotKernel(a, rs, cs, b, c, m, n, k, bias, accumulate);
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

    /** Row-axpy kernel, {@code n >= AXPY_MIN_COLS}, {@code k >= 1}. */
    private static void axpyKernel(double[] a, int rs, int cs, double[] b, double[] c, int m, int n, int k,
                                   double[] bias, boolean accumulate) {
        int i = 0;
        for (; i + 1 < m; i += 2) {
            int c0 = i * n;
            int c1 = c0 + n;
            int a0 = i * rs;
            int a1 = a0 + rs;
            int p;
            if (accumulate) {
                p = 0;
            } else {
                firstTerm2(a[a0], a[a1], b, c, c0, c1, n, bias);
                p = 1;
            }
            for (; p + 3 < k; p += 4) {
                int ap = p * cs;
                int b0 = p * n;
                rows2x4(a[a0 + ap], a[a0 + ap + cs], a[a0 + ap + 2 * cs], a[a0 + ap + 3 * cs],
                        a[a1 + ap], a[a1 + ap + cs], a[a1 + ap + 2 * cs], a[a1 + ap + 3 * cs],
                        b, b0, n, c, c0, c1);
            }
            for (; p < k; p++) {
                int ap = p * cs;
                rows2x1(a[a0 + ap], a[a1 + ap], b, p * n, n, c, c0, c1);
            }
        }
        if (i < m) {
            int c0 = i * n;
            int a0 = i * rs;
            int p;
            if (accumulate) {
                p = 0;
            } else {
                firstTerm1(a[a0], b, c, c0, n, bias);
                p = 1;
            }
            for (; p + 3 < k; p += 4) {
                int ap = a0 + p * cs;
                row1x4(a[ap], a[ap + cs], a[ap + 2 * cs], a[ap + 3 * cs], b, p * n, n, c, c0);
            }
            for (; p < k; p++) {
                row1x1(a[a0 + p * cs], b, p * n, n, c, c0);
            }
        }
    }

    private static void firstTerm2(double x, double y, double[] b, double[] c, int c0, int c1, int n,
                                   double[] bias) {
        if (bias == null) {
            for (int j = 0; j < n; j++) {
                double q = b[j];
                c[c0 + j] = x * q;
                c[c1 + j] = y * q;
            }
        } else {
            for (int j = 0; j < n; j++) {
                double q = b[j];
                double s = bias[j];
                c[c0 + j] = Math.fma(x, q, s);
                c[c1 + j] = Math.fma(y, q, s);
            }
        }
    }

    private static void firstTerm1(double x, double[] b, double[] c, int c0, int n, double[] bias) {
        if (bias == null) {
            for (int j = 0; j < n; j++) {
                c[c0 + j] = x * b[j];
            }
        } else {
            for (int j = 0; j < n; j++) {
                c[c0 + j] = Math.fma(x, b[j], bias[j]);
            }
        }
    }

    private static void rows2x4(double x0, double x1, double x2, double x3,
                                double y0, double y1, double y2, double y3,
                                double[] b, int b0, int n, double[] c, int c0, int c1) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        for (int j = 0; j < n; j++) {
            double q0 = b[b0 + j];
            double q1 = b[b1 + j];
            double q2 = b[b2 + j];
            double q3 = b[b3 + j];
            c[c0 + j] = Math.fma(x3, q3, Math.fma(x2, q2, Math.fma(x1, q1, Math.fma(x0, q0, c[c0 + j]))));
            c[c1 + j] = Math.fma(y3, q3, Math.fma(y2, q2, Math.fma(y1, q1, Math.fma(y0, q0, c[c1 + j]))));
        }
    }

    private static void rows2x1(double x, double y, double[] b, int b0, int n, double[] c, int c0, int c1) {
        for (int j = 0; j < n; j++) {
            double q = b[b0 + j];
            c[c0 + j] = Math.fma(x, q, c[c0 + j]);
            c[c1 + j] = Math.fma(y, q, c[c1 + j]);
        }
    }

    private static void row1x4(double x0, double x1, double x2, double x3, double[] b, int b0, int n,
                               double[] c, int c0) {
        int b1 = b0 + n;
        int b2 = b1 + n;
        int b3 = b2 + n;
        for (int j = 0; j < n; j++) {
            c[c0 + j] = Math.fma(x3, b[b3 + j], Math.fma(x2, b[b2 + j], Math.fma(x1, b[b1 + j],
                    Math.fma(x0, b[b0 + j], c[c0 + j]))));
        }
    }

    private static void row1x1(double x, double[] b, int b0, int n, double[] c, int c0) {
        for (int j = 0; j < n; j++) {
            c[c0 + j] = Math.fma(x, b[b0 + j], c[c0 + j]);
        }
    }

    /** Dot kernel for narrow outputs: {@code C(i,j) = Σ_p A(i,p) B[p,j]}, four rows at a time. */
    private static void dotKernel(double[] a, int rs, int cs, double[] b, double[] c, int m, int n, int k,
                                  double[] bias, boolean accumulate) {
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int a0 = i * rs;
            int a1 = a0 + rs;
            int a2 = a1 + rs;
            int a3 = a2 + rs;
            for (int j = 0; j < n; j++) {
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                for (int p = 0, ap = 0, bp = j; p < k; p++, ap += cs, bp += n) {
                    double q = b[bp];
                    s0 = Math.fma(a[a0 + ap], q, s0);
                    s1 = Math.fma(a[a1 + ap], q, s1);
                    s2 = Math.fma(a[a2 + ap], q, s2);
                    s3 = Math.fma(a[a3 + ap], q, s3);
                }
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

    /** Dot kernel for {@code C = A·Bᵀ} with narrow outputs: both operands read along rows. */
    private static void dotTransB(double[] a, double[] b, double[] c, int m, int n, int k,
                                  double[] bias, boolean accumulate) {
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int a0 = i * k;
            int a1 = a0 + k;
            int a2 = a1 + k;
            int a3 = a2 + k;
            for (int j = 0; j < n; j++) {
                int bj = j * k;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                for (int p = 0; p < k; p++) {
                    double q = b[bj + p];
                    s0 = Math.fma(a[a0 + p], q, s0);
                    s1 = Math.fma(a[a1 + p], q, s1);
                    s2 = Math.fma(a[a2 + p], q, s2);
                    s3 = Math.fma(a[a3 + p], q, s3);
                }
                store(c, i * n + j, n, s0, s1, s2, s3, bias == null ? 0.0 : bias[j], accumulate);
            }
        }
        for (; i < m; i++) {
            int a0 = i * k;
            for (int j = 0; j < n; j++) {
                int bj = j * k;
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[a0 + p], b[bj + p], s);
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
