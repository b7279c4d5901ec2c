package dev.neuralode.adjoint;

/**
 * Gauss–Legendre quadrature on {@code [0, 1]}: {@code ∫_0^1 g(c) dc ≈ Σ_q w_q g(c_q)}, exact for
 * polynomials of degree {@code 2Q − 1} with {@code Q} points (Golub and Welsch, <i>Calculation of
 * Gauss quadrature rules</i>, Math. Comp. 23, 1969; here the nodes are the roots of the Legendre
 * polynomial {@code P_Q} by Newton's method from Chebyshev-like starting points, and
 * {@code w = 2 / ((1 − x²) P_Q'(x)²)} on {@code [−1, 1]}, halved for {@code [0, 1]}).
 *
 * @param nodes   the {@code Q} nodes in {@code (0, 1)}, increasing
 * @param weights their weights, summing to 1
 */
record GaussLegendre(double[] nodes, double[] weights) {

    /** The largest number of points {@link #of} accepts. */
    static final int MAX_POINTS = 32;

    /**
     * The {@code q}-point rule.
     *
     * @param q the number of points, in {@code [1, MAX_POINTS]}
     * @return the rule
     * @throws IllegalArgumentException if {@code q} is out of range
     */
    static GaussLegendre of(int q) {
        if (q < 1 || q > MAX_POINTS) {
            throw new IllegalArgumentException("Gauss-Legendre: the number of points must be in [1, " + MAX_POINTS
                    + "], got " + q);
        }
        double[] c = new double[q];
        double[] w = new double[q];
        for (int i = 0; i < q; i++) {
            // root i of P_q on [-1, 1], descending from near 1, by Newton's method
            double x = Math.cos(Math.PI * (i + 0.75) / (q + 0.5));
            for (int it = 0; it < 100; it++) {
                double[] pd = legendre(q, x);
                double dx = pd[0] / pd[1];
                x -= dx;
                if (Math.abs(dx) < 1e-16) {
                    break;
                }
            }
            double dp = legendre(q, x)[1];
            c[q - 1 - i] = (x + 1) / 2;
            w[q - 1 - i] = 1.0 / ((1 - x * x) * dp * dp);
        }
        return new GaussLegendre(c, w);
    }

    /**
     * {@code P_q(x)} by the three-term recurrence {@code k P_k = (2k − 1) x P_{k−1} − (k − 1) P_{k−2}}
     * and {@code P_q'(x) = q (x P_q − P_{q−1}) / (x² − 1)} ({@code |x| < 1}).
     */
    private static double[] legendre(int q, double x) {
        double p0 = 1;
        double p1 = x;
        for (int k = 2; k <= q; k++) {
            double p2 = ((2.0 * k - 1) * x * p1 - (k - 1.0) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        return new double[] {p1, q * (x * p1 - p0) / (x * x - 1)};
    }
}
