package dev.neuralode.solvers.testkit;

import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.explicit.ContinuousExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The order conditions of Runge–Kutta methods, by Butcher's rooted trees (J. C. Butcher,
 * <i>Numerical Methods for Ordinary Differential Equations</i>, §3; Hairer, Nørsett, Wanner,
 * <i>Solving ODEs I</i>, §II.2).
 *
 * <p>A method with coefficients {@code (A, b)} has order {@code p} exactly when, for every rooted
 * tree {@code t} with {@code ρ(t) ≤ p} vertices,
 * <pre>
 *   Σ_i b_i Φ_i(t) = 1 / γ(t),
 *   Φ_i(τ) = 1,   Φ_i([t_1, ..., t_m]) = Π_k Σ_j a_ij Φ_j(t_k),
 *   γ(τ) = 1,     γ([t_1, ..., t_m]) = ρ · Π_k γ(t_k),
 * </pre>
 * where {@code [t_1, ..., t_m]} is the tree whose root has the subtrees {@code t_k}. A continuous
 * extension {@code y(t + θh) = y + h Σ_j w_j(θ) K_j} has order {@code q} at θ when
 * {@code Σ_j w_j(θ) Φ_j(t) = θ^ρ(t) / γ(t)} for every tree with {@code ρ(t) ≤ q}, with {@code Φ}
 * taken over the extended stage list ({@link #extendedA}).
 *
 * <p>The trees are generated once, in order of increasing {@code ρ}, each as the list of its
 * subtrees' indices (non-decreasing), so that every tree appears exactly once: 1, 1, 2, 4, 9, 20,
 * 48, 115 trees of orders 1..8 (OEIS A000081). Immutable and thread-safe.
 */
public final class OrderConditions {

    /** The highest tree order generated. */
    public static final int MAX_ORDER = 8;

    private static final List<int[]> CHILDREN = new ArrayList<>();
    private static final List<Integer> ORDER = new ArrayList<>();
    private static final List<Double> GAMMA = new ArrayList<>();

    static {
        CHILDREN.add(new int[0]);
        ORDER.add(1);
        GAMMA.add(1.0);
        for (int order = 2; order <= MAX_ORDER; order++) {
            addTrees(order, order - 1, 0, new ArrayList<>());
        }
    }

    private OrderConditions() {
    }

    /** Adds every tree of {@code order} whose root's subtrees have indices ≥ minIndex, non-decreasing. */
    private static void addTrees(int order, int remaining, int minIndex, List<Integer> children) {
        if (remaining == 0) {
            int[] ch = children.stream().mapToInt(Integer::intValue).toArray();
            double g = order;
            for (int c : ch) {
                g *= GAMMA.get(c);
            }
            CHILDREN.add(ch);
            ORDER.add(order);
            GAMMA.add(g);
            return;
        }
        int count = CHILDREN.size();
        for (int i = minIndex; i < count && ORDER.get(i) < order; i++) {
            if (ORDER.get(i) <= remaining) {
                children.add(i);
                addTrees(order, remaining - ORDER.get(i), i, children);
                children.remove(children.size() - 1);
            }
        }
    }

    /**
     * The number of rooted trees generated.
     *
     * @return 719, the trees of orders 1 to 8
     */
    public static int treeCount() {
        return CHILDREN.size();
    }

    /**
     * The number of rooted trees with {@code p} vertices.
     *
     * @param p the order, {@code 1 <= p <= 8}
     * @return 1, 1, 2, 4, 9, 20, 48 or 115
     * @throws IllegalArgumentException if {@code p} is out of range
     */
    public static int treeCount(int p) {
        requireOrder(p);
        int n = 0;
        for (int o : ORDER) {
            if (o == p) {
                n++;
            }
        }
        return n;
    }

    /**
     * The order {@code ρ(t)} (number of vertices) of tree {@code t}.
     *
     * @param t the tree index, {@code 0 <= t < treeCount()}
     * @return {@code ρ(t)}
     */
    public static int order(int t) {
        return ORDER.get(t);
    }

    /**
     * The density {@code γ(t)} of tree {@code t}.
     *
     * @param t the tree index
     * @return {@code γ(t)}
     */
    public static double density(int t) {
        return GAMMA.get(t);
    }

    /**
     * The subtrees of the root of tree {@code t}.
     *
     * @param t the tree index
     * @return a copy of the subtrees' indices, non-decreasing (empty for the single vertex τ)
     */
    public static int[] children(int t) {
        return CHILDREN.get(t).clone();
    }

    /**
     * The elementary weights {@code Φ_i(t)} of every tree up to order {@code p}, for the stage
     * matrix {@code a}.
     *
     * @param a the stage matrix, square {@code S × S} (rows may be shorter: missing entries are
     *          0). Not modified.
     * @param p the highest order, {@code 1 <= p <= 8}
     * @return row {@code t} holds {@code Φ_0(t) .. Φ_{S-1}(t)}, for the trees of order up to {@code p}
     */
    public static double[][] elementaryWeights(double[][] a, int p) {
        requireOrder(p);
        int s = a.length;
        List<double[]> phi = new ArrayList<>();
        for (int t = 0; t < CHILDREN.size() && ORDER.get(t) <= p; t++) {
            double[] v = new double[s];
            Arrays.fill(v, 1.0);
            for (int child : CHILDREN.get(t)) {
                double[] pc = phi.get(child);
                for (int i = 0; i < s; i++) {
                    double sum = 0;
                    for (int j = 0; j < a[i].length && j < s; j++) {
                        sum += a[i][j] * pc[j];
                    }
                    v[i] *= sum;
                }
            }
            phi.add(v);
        }
        return phi.toArray(new double[0][]);
    }

    /**
     * The largest residual {@code |Σ_i b_i Φ_i(t) − 1/γ(t)|} over the trees of order exactly {@code p}.
     *
     * @param a the stage matrix, {@code s × s}. Not modified.
     * @param b the weights, length {@code s}. Not modified.
     * @param p the order, {@code 1 <= p <= 8}
     * @return the largest residual (0 up to rounding when every condition of order {@code p} holds)
     */
    public static double worstResidual(double[][] a, double[] b, int p) {
        return worstResidual(a, b, p, 1.0);
    }

    /**
     * The largest residual {@code |Σ_j w_j Φ_j(t) − θ^ρ(t)/γ(t)|} over the trees of order exactly
     * {@code p}: the interpolant's conditions at θ for weights {@code w = w(θ)} ({@code θ = 1} gives
     * {@link #worstResidual(double[][], double[], int)}).
     *
     * @param a     the (extended) stage matrix, {@code S × S}. Not modified.
     * @param w     the weights at θ, length {@code S}. Not modified.
     * @param p     the order, {@code 1 <= p <= 8}
     * @param theta the position in the step
     * @return the largest residual over the trees of order {@code p}
     */
    public static double worstResidual(double[][] a, double[] w, int p, double theta) {
        if (w.length != a.length) {
            throw new IllegalArgumentException("order conditions: " + w.length + " weights for a stage matrix with "
                    + a.length + " rows");
        }
        double[][] phi = elementaryWeights(a, p);
        double thetaP = Math.pow(theta, p);
        double worst = 0;
        for (int t = 0; t < phi.length; t++) {
            if (ORDER.get(t) != p) {
                continue;
            }
            double sum = 0;
            for (int i = 0; i < w.length; i++) {
                sum += w[i] * phi[t][i];
            }
            worst = Math.max(worst, Math.abs(sum - thetaP / GAMMA.get(t)));
        }
        return worst;
    }

    /**
     * The highest {@code p ≤ 8} such that every condition of order {@code 1..p} holds to
     * {@code tolerance}.
     *
     * @param a         the stage matrix. Not modified.
     * @param b         the weights. Not modified.
     * @param tolerance the largest residual accepted, for example {@code 1e-12}
     * @return the order satisfied, 0 if even {@code Σ b_i = 1} fails
     */
    public static int satisfiedOrder(double[][] a, double[] b, double tolerance) {
        int p = 0;
        while (p < MAX_ORDER && worstResidual(a, b, p + 1) <= tolerance) {
            p++;
        }
        return p;
    }

    /**
     * The stage matrix of a tableau's extended stage list, the one its continuous extension's
     * weights refer to: the tableau's {@code s} rows; then, for a non-FSAL method, the row
     * {@code b} (the stage {@code f(t + h, y1)}, node 1); then the extension's extra rows.
     *
     * @param tableau the tableau
     * @return a new {@code S × S} matrix, {@code S = tableau.extendedStages()}
     */
    public static double[][] extendedA(ButcherTableau tableau) {
        int s = tableau.stages();
        ContinuousExtension ext = tableau.continuousExtension();
        int total = tableau.extendedStages();
        double[][] a = new double[total][total];
        double[][] ta = tableau.a();
        for (int i = 0; i < s; i++) {
            System.arraycopy(ta[i], 0, a[i], 0, s);
        }
        int base = total - ext.extraStages();
        if (base > s) {
            System.arraycopy(tableau.b(), 0, a[s], 0, s);
        }
        double[][] extra = ext.extraA();
        for (int r = 0; r < extra.length; r++) {
            System.arraycopy(extra[r], 0, a[base + r], 0, extra[r].length);
        }
        return a;
    }

    /**
     * The nodes of the extended stage list ({@link ButcherTableau#extendedNode(int)}).
     *
     * @param tableau the tableau
     * @return a new array of length {@code tableau.extendedStages()}
     */
    public static double[] extendedC(ButcherTableau tableau) {
        double[] c = new double[tableau.extendedStages()];
        for (int i = 0; i < c.length; i++) {
            c[i] = tableau.extendedNode(i);
        }
        return c;
    }

    private static void requireOrder(int p) {
        if (p < 1 || p > MAX_ORDER) {
            throw new IllegalArgumentException("order conditions: order must be in 1.." + MAX_ORDER + ", got " + p);
        }
    }
}
