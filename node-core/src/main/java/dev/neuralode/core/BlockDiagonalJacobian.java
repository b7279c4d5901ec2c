package dev.neuralode.core;

/**
 * A block-diagonal Jacobian {@code ∂f/∂y = diag(J_1, …, J_B)} of {@code B} blocks of size
 * {@code d × d}, {@code n = B·d}: the structure of a batch of {@code B} independent samples of a
 * {@code d}-dimensional system, which is what a neural ODE's batched dynamics {@code f(y, t, θ)}
 * with {@code y} of shape {@code B × d} has. An implicit solver then factors
 * {@code I − hγJ} as {@code B} independent {@code d × d} LU factorizations, {@code O(B·d³)} work
 * and {@code O(B·d²)} storage, never a dense {@code (Bd) × (Bd)} matrix.
 *
 * <p>The blocks are written one after the other, each row-major:
 * <pre>
 *   blocks[b·d² + r·d + c] = ∂f_{b·d + r}/∂y_{b·d + c},   0 ≤ b &lt; B, 0 ≤ r, c &lt; d
 * </pre>
 *
 * <p>The pattern ({@link JacobianPattern}) and the dense {@link #jacobian} are derived from the
 * blocks, so solvers without a block path (or finite differences of a system that only declares its
 * structure) still work; the dense fallback allocates a block array per call.
 *
 * <p>Thread safety: as for {@link OdeSystem#derivative}, called from the solving thread.
 */
public interface BlockDiagonalJacobian extends Jacobian, JacobianPattern {

    /**
     * The block size {@code d} for a state of dimension {@code n}.
     *
     * @param n the state dimension
     * @return {@code d >= 1} with {@code n % d == 0}
     */
    int jacobianBlockSize(int n);

    /**
     * Writes the {@code B = n / d} diagonal blocks of {@code ∂f/∂y} at {@code (t, y)}.
     *
     * @param t      the time
     * @param y      the state, length {@code n}. Not modified.
     * @param blocks receives {@code B·d²} values, block {@code b} at offset {@code b·d²}, row-major.
     *               Modified: every entry is overwritten.
     */
    void jacobianBlocks(double t, double[] y, double[] blocks);

    /**
     * The pattern of the block diagonal: row {@code i} of block {@code b = i / d} lists the columns
     * {@code b·d .. b·d + d − 1}.
     *
     * @param n the state dimension
     * @return the pattern
     * @throws IllegalArgumentException if the block size does not divide {@code n}
     */
    @Override
    default int[][] jacobianPattern(int n) {
        int d = checkedBlockSize(n);
        int[][] rows = new int[n][];
        for (int i = 0; i < n; i++) {
            int lo = (i / d) * d;
            rows[i] = new int[d];
            for (int c = 0; c < d; c++) {
                rows[i][c] = lo + c;
            }
        }
        return rows;
    }

    /**
     * The dense Jacobian, expanded from {@link #jacobianBlocks}: a fallback for solvers without a
     * block path. Allocates {@code B·d²} values per call.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified.
     * @param dfdy receives the {@code n × n} matrix row-major; entries off the blocks are set to 0
     */
    @Override
    default void jacobian(double t, double[] y, double[] dfdy) {
        int n = y.length;
        int d = checkedBlockSize(n);
        double[] blocks = new double[n * d];
        jacobianBlocks(t, y, blocks);
        java.util.Arrays.fill(dfdy, 0, n * n, 0.0);
        for (int i = 0; i < n; i++) {
            int b = i / d;
            int r = i - b * d;
            System.arraycopy(blocks, b * d * d + r * d, dfdy, i * n + b * d, d);
        }
    }

    /**
     * {@link #jacobianBlockSize} checked against {@code n}.
     *
     * @param n the state dimension
     * @return the block size
     * @throws IllegalArgumentException if it is below 1 or does not divide {@code n}
     */
    default int checkedBlockSize(int n) {
        int d = jacobianBlockSize(n);
        if (d < 1 || n % d != 0) {
            throw new IllegalArgumentException("the Jacobian block size " + d + " does not divide the state dimension "
                    + n + " (a block-diagonal Jacobian needs n = B·d with d >= 1)");
        }
        return d;
    }
}
