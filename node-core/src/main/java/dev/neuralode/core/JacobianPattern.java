package dev.neuralode.core;

import java.util.Arrays;

/**
 * The sparsity pattern of {@code ∂f/∂y}: an {@link OdeSystem} that implements this interface tells
 * the implicit solvers which entries may be non-zero, so that a finite-difference Jacobian perturbs
 * several structurally orthogonal columns with one evaluation of {@code f} (Curtis, Powell, Reid,
 * <i>On the estimation of sparse Jacobian matrices</i>, J. Inst. Math. Appl. 13, 1974). A banded
 * system of half-bandwidths {@code ml, mu} then costs {@code ml + mu + 1} evaluations per Jacobian
 * instead of {@code n}.
 *
 * <pre>{@code
 * final class Diffusion implements OdeSystem, JacobianPattern {
 *     ...
 *     public int[][] jacobianPattern(int n) { return JacobianPattern.band(n, 1, 1); }
 * }
 * }</pre>
 *
 * <p>A pattern that misses a non-zero entry gives a wrong Jacobian: the solver's finite differences
 * would attribute that entry's change to another column of the same group.
 */
public interface JacobianPattern {

    /**
     * The pattern: row {@code i} lists the columns {@code j} with {@code ∂f_i/∂y_j} possibly
     * non-zero, each in {@code [0, n)}, no duplicates.
     *
     * @param n the state dimension
     * @return {@code n} rows of column indices (the solver copies them)
     */
    int[][] jacobianPattern(int n);

    /**
     * The pattern of a band matrix: row {@code i} holds columns {@code max(0, i − lower) ..
     * min(n − 1, i + upper)}.
     *
     * @param n     the dimension, at least 1
     * @param lower the lower half-bandwidth, {@code >= 0}
     * @param upper the upper half-bandwidth, {@code >= 0}
     * @return the pattern
     * @throws IllegalArgumentException if {@code n < 1} or a bandwidth is negative
     */
    static int[][] band(int n, int lower, int upper) {
        if (n < 1 || lower < 0 || upper < 0) {
            throw new IllegalArgumentException("band pattern needs n >= 1 and bandwidths >= 0, got n=" + n
                    + " lower=" + lower + " upper=" + upper);
        }
        int[][] rows = new int[n][];
        for (int i = 0; i < n; i++) {
            int lo = Math.max(0, i - lower);
            int hi = Math.min(n - 1, i + upper);
            rows[i] = new int[hi - lo + 1];
            Arrays.setAll(rows[i], k -> lo + k);
        }
        return rows;
    }
}
