package dev.neuralode.solvers.implicit;

import dev.neuralode.core.Jacobian;
import dev.neuralode.core.JacobianPattern;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.step.Tolerance;

import java.util.Arrays;

/**
 * Forms the dense Jacobian {@code J = ∂f/∂y} (row-major, {@code J[i·n + j] = ∂f_i/∂y_j}) and
 * {@code ∂f/∂t} of one system, for the implicit steppers.
 *
 * <p>If the system implements {@link Jacobian} its matrix is used. Otherwise forward differences with
 * the increments of CVODE's difference-quotient Jacobian (Hindmarsh et al., <i>SUNDIALS</i>, ACM TOMS
 * 31, 2005; CVODE user guide, "Difference-quotient Jacobian approximation"):
 * <pre>
 *   σ_j = max( sqrt(U) · |y_j|,  σ0 / w_j ),   σ0 = 1000 · |h| · U · N · ‖f(t, y)‖_w   (1 if that norm is 0)
 *   J[:, j] ≈ ( f(t, y + σ_j e_j) − f(t, y) ) / σ_j
 * </pre>
 * with {@code U} the unit roundoff, {@code w_j = 1/(rtol·|y_j| + atol_j)} the error weights and
 * {@code ‖·‖_w} the weighted RMS norm. When the system implements {@link JacobianPattern}, columns
 * that share no row are perturbed together (Curtis, Powell, Reid 1974; greedy grouping in column
 * order, which for a band of half-widths {@code ml, mu} gives {@code ml + mu + 1} groups), so one
 * evaluation of {@code f} yields a whole group of columns.
 *
 * <p>{@code ∂f/∂t}: the user's {@link Jacobian#timeDerivative} if it supplies it, else
 * {@code (f(t + δ, y) − f(t, y))/δ} with {@code δ = sqrt(U)·max(1, |t|)} towards the end of the step
 * (never past it). Allocates its buffers once; not thread-safe.
 */
public final class JacobianEvaluator {

    private static final double UROUND = Math.ulp(1.0) / 2;
    private static final double SRUR = Math.sqrt(UROUND);

    private final OdeSystem f;
    private final Jacobian user;
    private final int n;
    private final double[] ytmp;
    private final double[] ftmp;
    private final double[] inc;
    /** Column groups: groupStart[g] .. groupStart[g+1] index into groupCols. */
    private final int[] groupStart;
    private final int[] groupCols;
    /** Column pattern (rows of column j): colStart[j] .. colStart[j+1] index into colRows; null if dense. */
    private final int[] colStart;
    private final int[] colRows;
    private long evaluations;

    /**
     * Prepares the Jacobians of one system.
     *
     * @param f the system; used through {@link Jacobian} / {@link JacobianPattern} if it implements them
     * @param n the state dimension, at least 1
     * @throws IllegalArgumentException if the system's pattern does not have {@code n} rows or lists a
     *                                  column outside {@code [0, n)}
     */
    public JacobianEvaluator(OdeSystem f, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the state dimension must be at least 1, got " + n);
        }
        this.f = f;
        this.n = n;
        this.user = f instanceof Jacobian j ? j : null;
        this.ytmp = new double[n];
        this.ftmp = new double[n];
        this.inc = new double[n];
        int[][] pattern = user == null && f instanceof JacobianPattern p ? p.jacobianPattern(n) : null;
        if (pattern == null) {
            colStart = null;
            colRows = null;
            groupStart = new int[n + 1];
            groupCols = new int[n];
            for (int j = 0; j < n; j++) {
                groupStart[j + 1] = j + 1;
                groupCols[j] = j;
            }
            return;
        }
        if (pattern.length != n) {
            throw new IllegalArgumentException("the Jacobian pattern has " + pattern.length + " rows but the state has "
                    + n + " components");
        }
        int[] count = new int[n];
        int nnz = 0;
        for (int i = 0; i < n; i++) {
            if (pattern[i] == null) {
                throw new IllegalArgumentException("row " + i + " of the Jacobian pattern is null");
            }
            for (int j : pattern[i]) {
                if (j < 0 || j >= n) {
                    throw new IllegalArgumentException("row " + i + " of the Jacobian pattern lists column " + j
                            + ", outside [0, " + n + ")");
                }
                count[j]++;
                nnz++;
            }
        }
        colStart = new int[n + 1];
        for (int j = 0; j < n; j++) {
            colStart[j + 1] = colStart[j] + count[j];
        }
        colRows = new int[nnz];
        int[] fill = Arrays.copyOf(colStart, n);
        for (int i = 0; i < n; i++) {
            for (int j : pattern[i]) {
                colRows[fill[j]++] = i;
            }
        }
        // greedy Curtis–Powell–Reid grouping: column j joins the first group none of whose columns shares a row
        int[] groupOf = new int[n];
        int[] rowStamp = new int[n];          // rowStamp[i] = the last group (+1) seen using row i, per probe
        int groups = 0;
        int[][] rowUsedBy = new int[n][];     // for each row, groups using it (small lists)
        int[] rowUsedCount = new int[n];
        for (int j = 0; j < n; j++) {
            for (int r = colStart[j]; r < colStart[j + 1]; r++) {
                int i = colRows[r];
                for (int q = 0; q < rowUsedCount[i]; q++) {
                    rowStamp[rowUsedBy[i][q]] = j + 1;   // group conflicts with column j
                }
            }
            int g = 0;
            while (g < groups && rowStamp[g] == j + 1) {
                g++;
            }
            if (g == groups) {
                groups++;
            }
            groupOf[j] = g;
            for (int r = colStart[j]; r < colStart[j + 1]; r++) {
                int i = colRows[r];
                if (rowUsedBy[i] == null) {
                    rowUsedBy[i] = new int[4];
                } else if (rowUsedCount[i] == rowUsedBy[i].length) {
                    rowUsedBy[i] = Arrays.copyOf(rowUsedBy[i], 2 * rowUsedCount[i]);
                }
                rowUsedBy[i][rowUsedCount[i]++] = g;
            }
        }
        groupStart = new int[groups + 1];
        for (int j = 0; j < n; j++) {
            groupStart[groupOf[j] + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            groupStart[g + 1] += groupStart[g];
        }
        groupCols = new int[n];
        int[] gfill = Arrays.copyOf(groupStart, groups);
        for (int j = 0; j < n; j++) {
            groupCols[gfill[groupOf[j]]++] = j;
        }
    }

    /**
     * Whether the Jacobian comes from the user's {@link Jacobian} rather than finite differences.
     *
     * @return {@code true} for a user Jacobian
     */
    public boolean isUserSupplied() {
        return user != null;
    }

    /**
     * The number of evaluations of {@code f} one finite-difference Jacobian costs: {@code n} for a dense
     * one, the number of column groups with a pattern, 0 for a user Jacobian.
     *
     * @return the count
     */
    public int evaluationsPerJacobian() {
        return user != null ? 0 : groupStart.length - 1;
    }

    /**
     * The evaluations of {@code f} made so far (finite differences in {@code y} and {@code t}).
     *
     * @return the count
     */
    public long evaluations() {
        return evaluations;
    }

    /**
     * Writes {@code J = ∂f/∂y} at {@code (t, y)}.
     *
     * @param t    the time
     * @param y    the state, length {@code n}. Not modified.
     * @param fy   {@code f(t, y)}, length {@code n}. Not modified.
     * @param h    the step size about to be taken (scales the smallest increment)
     * @param tol  the error control (its weights scale the increments); {@code null} uses
     *             {@code rtol = atol = 1e-6}
     * @param dfdy receives the matrix row-major, length {@code n²}. Modified.
     * @throws IllegalArgumentException         if the user's Jacobian writes outside the {@code n × n} matrix
     * @throws NonFiniteStateException          if an entry of the Jacobian is NaN or infinite
     */
    public void jacobian(double t, double[] y, double[] fy, double h, Tolerance tol, double[] dfdy) {
        if (user != null) {
            Arrays.fill(dfdy, 0, n * n, 0.0);
            try {
                user.jacobian(t, y, dfdy);
            } catch (ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("the user's Jacobian wrote outside the " + n + " x " + n
                        + " matrix (" + n * n + " entries, row-major dfdy[i*n + j] = df_i/dy_j) of a system with "
                        + n + " components: " + e.getMessage(), e);
            }
        } else {
            finiteDifferences(t, y, fy, h, tol, dfdy);
        }
        int bad = NonFiniteStateException.firstNonFinite(dfdy);
        if (bad >= 0 && bad < n * n) {
            throw new NonFiniteStateException("Jacobian entry (" + bad / n + ", " + bad % n + ") of",
                    t, h, bad / n, dfdy[bad]);
        }
    }

    private void finiteDifferences(double t, double[] y, double[] fy, double h, Tolerance tol, double[] dfdy) {
        double rtol = tol == null ? 1e-6 : tol.rtol();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = 1.0 / (rtol * Math.abs(y[i]) + (tol == null ? 1e-6 : tol.atol(i)));
            double v = fy[i] * w;
            sum += v * v;
        }
        double fnorm = Math.sqrt(sum / n);
        double minInc = fnorm != 0 ? 1000 * Math.abs(h) * UROUND * n * fnorm : 1.0;
        System.arraycopy(y, 0, ytmp, 0, n);
        if (colStart == null) {
            for (int j = 0; j < n; j++) {
                double wInv = rtol * Math.abs(y[j]) + (tol == null ? 1e-6 : tol.atol(j));
                double d = Math.max(SRUR * Math.abs(y[j]), minInc * wInv);
                ytmp[j] = y[j] + d;
                d = ytmp[j] - y[j];                 // the increment actually represented
                f.derivative(t, ytmp, ftmp);
                evaluations++;
                ytmp[j] = y[j];
                double inv = 1.0 / d;
                for (int i = 0; i < n; i++) {
                    dfdy[i * n + j] = (ftmp[i] - fy[i]) * inv;
                }
            }
            return;
        }
        Arrays.fill(dfdy, 0, n * n, 0.0);
        int groups = groupStart.length - 1;
        for (int g = 0; g < groups; g++) {
            for (int q = groupStart[g]; q < groupStart[g + 1]; q++) {
                int j = groupCols[q];
                double wInv = rtol * Math.abs(y[j]) + (tol == null ? 1e-6 : tol.atol(j));
                double d = Math.max(SRUR * Math.abs(y[j]), minInc * wInv);
                ytmp[j] = y[j] + d;
                inc[j] = ytmp[j] - y[j];
            }
            f.derivative(t, ytmp, ftmp);
            evaluations++;
            for (int q = groupStart[g]; q < groupStart[g + 1]; q++) {
                int j = groupCols[q];
                ytmp[j] = y[j];
                double inv = 1.0 / inc[j];
                for (int r = colStart[j]; r < colStart[j + 1]; r++) {
                    int i = colRows[r];
                    dfdy[i * n + j] = (ftmp[i] - fy[i]) * inv;
                }
            }
        }
    }

    /**
     * Writes {@code ∂f/∂t} at {@code (t, y)}: the user's if supplied, else a forward difference towards
     * {@code tEnd}.
     *
     * @param t    the time
     * @param y    the state. Not modified.
     * @param fy   {@code f(t, y)}. Not modified.
     * @param tEnd the end of the step (the difference never evaluates {@code f} beyond it)
     * @param dfdt receives {@code ∂f/∂t}, length {@code n}. Modified.
     */
    public void timeDerivative(double t, double[] y, double[] fy, double tEnd, double[] dfdt) {
        if (user != null && user.timeDerivative(t, y, dfdt)) {
            return;
        }
        double span = tEnd - t;
        double d = Math.min(SRUR * Math.max(1.0, Math.abs(t)), Math.abs(span));
        double tt = t + Math.copySign(d, span);
        d = tt - t;
        if (d == 0) {
            Arrays.fill(dfdt, 0, n, 0.0);
            return;
        }
        f.derivative(tt, y, ftmp);
        evaluations++;
        double inv = 1.0 / d;
        for (int i = 0; i < n; i++) {
            dfdt[i] = (ftmp[i] - fy[i]) * inv;
        }
    }
}
