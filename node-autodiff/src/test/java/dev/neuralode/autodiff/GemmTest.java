package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

/** The hand-written products against EJML's, over shapes that exercise every kernel branch. */
class GemmTest {

    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 15, 16, 17, 33, 64};

    private static DMatrixRMaj random(int r, int c, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(r, c);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rnd.nextGaussian();
        }
        return m;
    }

    /** Max |x - y| relative to the scale of the operands' product (k · max|a| · max|b|). */
    private static void assertClose(DMatrixRMaj got, DMatrixRMaj want, int k, String what) {
        assertThat(got.numRows).as(what).isEqualTo(want.numRows);
        assertThat(got.numCols).as(what).isEqualTo(want.numCols);
        double tol = 1e-14 * Math.max(1, k) * 20;
        for (int i = 0; i < want.data.length; i++) {
            assertThat(Math.abs(got.data[i] - want.data[i])).as(what + " element " + i).isLessThan(tol);
        }
    }

    private static DMatrixRMaj withBias(DMatrixRMaj c, DMatrixRMaj bias) {
        DMatrixRMaj out = c.copy();
        for (int i = 0; i < c.numRows; i++) {
            for (int j = 0; j < c.numCols; j++) {
                out.add(i, j, bias.get(0, j));
            }
        }
        return out;
    }

    @Test
    void allThreeProductsMatchEjmlWithBiasAndAccumulation() {
        Random rnd = new Random(11);
        int checked = 0;
        for (int m : SIZES) {
            for (int k : SIZES) {
                for (int n : SIZES) {
                    checkShape(m, k, n, rnd);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(SIZES.length * SIZES.length * SIZES.length);
    }

    /**
     * Wide outputs (128 columns or more: the three-row loop) and narrow outputs with 128 rows or
     * more (formed transposed), each with odd leftovers of rows and terms.
     */
    @Test
    void wideAndTallShapesMatchEjml() {
        Random rnd = new Random(12);
        int[][] shapes = {{128, 64, 256}, {131, 7, 130}, {5, 3, 129}, {130, 2, 17}, {129, 33, 64}, {128, 1, 127},
            {7, 4, 128}, {13, 5, 256}, {6, 5, 128}, {128, 4, 64}, {12, 9, 200}};
        for (int[] s : shapes) {
            checkShape(s[0], s[1], s[2], rnd);
        }
    }

    private static void checkShape(int m, int k, int n, Random rnd) {
        DMatrixRMaj a = random(m, k, rnd);
        DMatrixRMaj b = random(k, n, rnd);
        DMatrixRMaj bias = random(1, n, rnd);
        DMatrixRMaj start = random(m, n, rnd);
        DMatrixRMaj want = new DMatrixRMaj(m, n);
        CommonOps_DDRM.mult(a, b, want);
        String shape = m + "x" + k + "x" + n;

        DMatrixRMaj got = random(m, n, rnd); // garbage: must be overwritten
        Gemm.mult(a, b, got, null, false);
        assertClose(got, want, k, "mult " + shape);
        Gemm.mult(a, b, got, bias.data, false);
        assertClose(got, withBias(want, bias), k, "mult+bias " + shape);
        got = start.copy();
        Gemm.mult(a, b, got, null, true);
        DMatrixRMaj sum = start.copy();
        CommonOps_DDRM.addEquals(sum, want);
        assertClose(got, sum, k, "mult+= " + shape);

        DMatrixRMaj at = CommonOps_DDRM.transpose(a, null);
        got = random(m, n, rnd);
        Gemm.multTransA(at, b, got, false);
        assertClose(got, want, k, "multTransA " + shape);
        got = start.copy();
        Gemm.multTransA(at, b, got, true);
        assertClose(got, sum, k, "multTransA+= " + shape);

        DMatrixRMaj bt = CommonOps_DDRM.transpose(b, null);
        got = random(m, n, rnd);
        Gemm.multTransB(a, bt, got, null, false);
        assertClose(got, want, k, "multTransB " + shape);
        Gemm.multTransB(a, bt, got, bias.data, false);
        assertClose(got, withBias(want, bias), k, "multTransB+bias " + shape);
        got = start.copy();
        Gemm.multTransB(a, bt, got, null, true);
        assertClose(got, sum, k, "multTransB+= " + shape);

        // a bias passed while accumulating is ignored
        got = start.copy();
        Gemm.mult(a, b, got, bias.data, true);
        assertClose(got, sum, k, "mult+= with bias " + shape);
        got = start.copy();
        Gemm.multTransB(a, bt, got, bias.data, true);
        assertClose(got, sum, k, "multTransB+= with bias " + shape);
    }

    @Test
    void emptyInnerDimensionGivesBiasOrZeros() {
        DMatrixRMaj a = new DMatrixRMaj(3, 0);
        DMatrixRMaj b = new DMatrixRMaj(0, 20);
        DMatrixRMaj c = new DMatrixRMaj(3, 20);
        c.fill(7);
        Gemm.mult(a, b, c, null, false);
        assertThat(CommonOps_DDRM.elementMaxAbs(c)).isZero();
        c.fill(7);
        Gemm.mult(a, b, c, null, true);
        assertThat(CommonOps_DDRM.elementMinAbs(c)).isEqualTo(7);
    }
}
