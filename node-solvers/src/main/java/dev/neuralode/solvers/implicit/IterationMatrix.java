package dev.neuralode.solvers.implicit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;

/**
 * The iteration matrix {@code M = I − hγ J} of an implicit step and its LU factorization (EJML's
 * dense LU with partial pivoting), solved in place. The factorization is kept until {@code hγ} or
 * {@code J} changes ({@link #factor} reports whether it did any work). Allocated once per solve;
 * factoring and solving allocate nothing.
 */
public final class IterationMatrix {

    private final int n;
    private final DMatrixRMaj m;
    private final LUDecompositionAlt_DDRM lu = new LUDecompositionAlt_DDRM();
    private double factoredHg = Double.NaN;
    private long factorizations;
    private int singularPivot = -1;

    /**
     * Allocates the matrix of an {@code n}-component system.
     *
     * @param n the dimension, at least 1
     */
    public IterationMatrix(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the iteration matrix needs n >= 1, got " + n);
        }
        this.n = n;
        this.m = new DMatrixRMaj(n, n);
        lu.setExpectedMaxSize(n, n);
    }

    /**
     * Forgets the factorization (the Jacobian changed): the next {@link #factor} factors anew.
     */
    public void invalidate() {
        factoredHg = Double.NaN;
    }

    /**
     * Forms and factors {@code M = I − hγ J} unless it is already factored for this {@code hγ} and
     * the same Jacobian.
     *
     * @param jacobian {@code J} row-major, length {@code n²}. Not modified.
     * @param hGamma   the product {@code h·γ}
     * @return {@code true} if {@code M} is non-singular (its LU has no zero or non-finite pivot);
     *         {@code false} if it is singular ({@link #singularPivot()} names the pivot)
     */
    public boolean factor(double[] jacobian, double hGamma) {
        if (hGamma == factoredHg) {
            return singularPivot < 0;
        }
        double[] a = m.data;
        int nn = n * n;
        for (int k = 0; k < nn; k++) {
            a[k] = -hGamma * jacobian[k];
        }
        for (int i = 0; i < n; i++) {
            a[i * n + i] += 1.0;
        }
        factorizations++;
        factoredHg = hGamma;
        singularPivot = -1;
        if (!lu.decompose(m)) {
            singularPivot = 0;
            return false;
        }
        double[] d = lu.getLU().data;
        for (int i = 0; i < n; i++) {
            double p = d[i * n + i];
            if (p == 0.0 || !Double.isFinite(p)) {
                singularPivot = i;
                return false;
            }
        }
        return true;
    }

    /**
     * The pivot of the last factorization that was zero or non-finite.
     *
     * @return its index, or -1 if the last factorization was regular
     */
    public int singularPivot() {
        return singularPivot;
    }

    /**
     * Solves {@code M x = b} in place with the current factorization.
     *
     * @param b the right-hand side on entry, the solution on exit, length {@code n}. Modified.
     */
    public void solve(double[] b) {
        lu._solveVectorInternal(b);
    }

    /**
     * The number of factorizations so far.
     *
     * @return the count
     */
    public long factorizations() {
        return factorizations;
    }

    /**
     * The {@code hγ} of the current factorization.
     *
     * @return the product, or NaN when none is current
     */
    public double factoredHGamma() {
        return factoredHg;
    }
}
