package dev.neuralode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The dense fallbacks and the derived pattern of {@link SparseJacobian} and {@link BlockDiagonalJacobian}. */
class StructuredJacobianTest {

    /** y_i' = y_{i−1}·y_i − 2·y_i (a lower bidiagonal Jacobian), values in pattern order. */
    private static final class Chain implements SparseJacobian {
        @Override
        public int[][] jacobianPattern(int n) {
            return JacobianPattern.band(n, 1, 0);
        }

        @Override
        public void jacobianValues(double t, double[] y, double[] v) {
            v[0] = -2;
            int k = 1;
            for (int i = 1; i < y.length; i++) {
                v[k++] = y[i];               // ∂f_i/∂y_{i−1}
                v[k++] = y[i - 1] - 2;       // ∂f_i/∂y_i
            }
        }
    }

    /** Two samples of a 2-d system, block b = [[b+1, t], [y_{2b}, −1]]. */
    private static final class Batch implements BlockDiagonalJacobian {
        private final int d;

        Batch(int d) {
            this.d = d;
        }

        @Override
        public int jacobianBlockSize(int n) {
            return d;
        }

        @Override
        public void jacobianBlocks(double t, double[] y, double[] blocks) {
            for (int b = 0; b < y.length / 2; b++) {
                blocks[4 * b] = b + 1;
                blocks[4 * b + 1] = t;
                blocks[4 * b + 2] = y[2 * b];
                blocks[4 * b + 3] = -1;
            }
        }
    }

    @Test
    void sparseValuesScatterToTheDenseMatrixInPatternOrder() {
        double[] y = {3, 5, 7};
        double[] dense = new double[9];
        java.util.Arrays.fill(dense, 42);   // stale entries must be cleared
        new Chain().jacobian(0, y, dense);
        assertThat(dense).containsExactly(
                -2, 0, 0,
                5, 1, 0,
                0, 7, 3);
    }

    @Test
    void blocksExpandToTheDenseMatrixAndDeclareTheirPattern() {
        double[] y = {2, 0, 9, 0};
        double[] dense = new double[16];
        java.util.Arrays.fill(dense, 42);
        Batch batch = new Batch(2);
        batch.jacobian(0.5, y, dense);
        assertThat(dense).containsExactly(
                1, 0.5, 0, 0,
                2, -1, 0, 0,
                0, 0, 2, 0.5,
                0, 0, 9, -1);
        int[][] pattern = batch.jacobianPattern(4);
        assertThat(pattern[0]).containsExactly(0, 1);
        assertThat(pattern[3]).containsExactly(2, 3);
    }

    @Test
    void aBlockSizeThatDoesNotDivideTheStateIsRejected() {
        assertThatThrownBy(() -> new Batch(3).jacobianPattern(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("block size 3")
                .hasMessageContaining("dimension 4");
        assertThatThrownBy(() -> new Batch(0).jacobian(0, new double[2], new double[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("block size 0");
    }
}
