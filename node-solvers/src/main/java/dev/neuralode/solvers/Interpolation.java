package dev.neuralode.solvers;

/**
 * Evaluation of the per-step interpolants stored as coefficient vectors (package-private).
 *
 * <p>Two layouts, each {@code nc} vectors of length {@code n} stored one after the other:
 * <ul>
 *   <li>Hairer's alternating form (cubic Hermite, dopri5, DOP853):
 *       {@code y(θ) = r1 + θ(r2 + (1-θ)(r3 + θ(r4 + (1-θ)(r5 + ...))))};</li>
 *   <li>the power basis (tsit5): {@code y(θ) = P0 + θ(P1 + θ(P2 + θ(P3 + θ P4)))}.</li>
 * </ul>
 */
final class Interpolation {

    private Interpolation() {
    }

    static void evaluate(boolean power, int nc, double[] c, int off, int n, double theta,
                         double[] out) {
        if (power) {
            for (int m = 0; m < n; m++) {
                double acc = c[off + (nc - 1) * n + m];
                for (int j = nc - 2; j >= 0; j--) {
                    acc = c[off + j * n + m] + theta * acc;
                }
                out[m] = acc;
            }
        } else {
            double s1 = 1.0 - theta;
            for (int m = 0; m < n; m++) {
                double acc = c[off + (nc - 1) * n + m];
                // 1-based index j of r_j: the multiplier after r_j is θ for odd j, 1-θ for even j
                for (int j = nc - 1; j >= 1; j--) {
                    acc = c[off + (j - 1) * n + m] + ((j & 1) == 1 ? theta : s1) * acc;
                }
                out[m] = acc;
            }
        }
    }
}
