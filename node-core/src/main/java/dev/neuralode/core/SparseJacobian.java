package dev.neuralode.core;

/**
 * A sparse Jacobian {@code ∂f/∂y} supplied by the user: the pattern ({@link JacobianPattern}) and the
 * values of its entries, so that the implicit solvers can keep the iteration matrix
 * {@code I − hγJ} sparse and factor it with a sparse LU instead of a dense {@code n × n} one. This
 * is what makes large sparse systems (reaction–diffusion, discretised PDEs with thousands of
 * components) affordable: storage {@code O(nnz)} instead of {@code O(n²)} and a factorization whose
 * cost follows the fill-in, not {@code n³/3}.
 *
 * <p>The values are in pattern order: row {@code i}'s entries follow row {@code i − 1}'s, and within a
 * row they follow the order of {@code jacobianPattern(n)[i]}:
 * <pre>
 *   values[off(i) + k] = ∂f_i/∂y_{pattern[i][k]},   off(i) = Σ_{r &lt; i} pattern[r].length
 * </pre>
 *
 * <pre>{@code
 * final class Chain implements OdeSystem, SparseJacobian {        // y_i' = y_{i-1} − y_i
 *     public void derivative(double t, double[] y, double[] d) { ... }
 *     public int[][] jacobianPattern(int n) { return JacobianPattern.band(n, 1, 0); }
 *     public void jacobianValues(double t, double[] y, double[] v) {
 *         v[0] = -1;                                                // row 0: column 0
 *         for (int i = 1, k = 1; i < y.length; i++) { v[k++] = 1; v[k++] = -1; }
 *     }
 * }
 * }</pre>
 *
 * <p>The dense {@link #jacobian} is derived from the values (a scatter), so a solver that needs a
 * dense matrix (for example a method whose linear algebra has no sparse path) still works; the
 * fallback allocates the pattern on every call, so it is meant for small systems or rare calls.
 *
 * <p>Thread safety: as for {@link OdeSystem#derivative}, called from the solving thread.
 */
public interface SparseJacobian extends Jacobian, JacobianPattern {

    /**
     * Writes the values of the pattern's entries of {@code ∂f/∂y} at {@code (t, y)}, in pattern order
     * (see the type's documentation).
     *
     * @param t      the time
     * @param y      the state, length {@code n}. Not modified.
     * @param values receives the {@code nnz = Σ_i pattern[i].length} values. Modified: every entry is
     *               overwritten.
     */
    void jacobianValues(double t, double[] y, double[] values);

    /**
     * The dense Jacobian, scattered from {@link #jacobianValues}: a fallback for solvers without a
     * sparse path. Allocates the pattern and a value array per call.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified.
     * @param dfdy receives the {@code n × n} matrix row-major; entries outside the pattern are set to 0
     */
    @Override
    default void jacobian(double t, double[] y, double[] dfdy) {
        int n = y.length;
        int[][] pattern = jacobianPattern(n);
        int nnz = 0;
        for (int[] row : pattern) {
            nnz += row.length;
        }
        double[] values = new double[nnz];
        jacobianValues(t, y, values);
        java.util.Arrays.fill(dfdy, 0, n * n, 0.0);
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j : pattern[i]) {
                dfdy[i * n + j] = values[k++];
            }
        }
    }
}
