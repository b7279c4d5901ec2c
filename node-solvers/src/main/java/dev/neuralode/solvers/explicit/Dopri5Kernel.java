package dev.neuralode.solvers.explicit;

import dev.neuralode.core.OdeSystem;

/**
 * The hot path of the registered {@code dopri5} (Dormand–Prince 5(4), FSAL): one step's six new
 * stages (the last one at {@code (t + h, y1)}) and the error ratio with the RMS norm, written out
 * with the tableau's coefficients as constants and one fused pass over the components per stage.
 *
 * <p>It performs exactly the floating-point operations of the generic tableau engine, in the same
 * order, so results are bitwise identical to running {@link Tableaus#DOPRI5} through the generic
 * code; only loop and indirection overhead is removed. Package-private, stateless.
 */
final class Dopri5Kernel {

    private static final ButcherTableau T = Tableaus.DOPRI5;

    private Dopri5Kernel() {
    }

    private static final double C1 = T.c()[1];
    private static final double C2 = T.c()[2];
    private static final double C3 = T.c()[3];
    private static final double C4 = T.c()[4];
    private static final double A1_0 = T.a()[1][0];
    private static final double A2_0 = T.a()[2][0];
    private static final double A2_1 = T.a()[2][1];
    private static final double A3_0 = T.a()[3][0];
    private static final double A3_1 = T.a()[3][1];
    private static final double A3_2 = T.a()[3][2];
    private static final double A4_0 = T.a()[4][0];
    private static final double A4_1 = T.a()[4][1];
    private static final double A4_2 = T.a()[4][2];
    private static final double A4_3 = T.a()[4][3];
    private static final double A5_0 = T.a()[5][0];
    private static final double A5_1 = T.a()[5][1];
    private static final double A5_2 = T.a()[5][2];
    private static final double A5_3 = T.a()[5][3];
    private static final double A5_4 = T.a()[5][4];
    private static final double A6_0 = T.a()[6][0];
    private static final double A6_2 = T.a()[6][2];
    private static final double A6_3 = T.a()[6][3];
    private static final double A6_4 = T.a()[6][4];
    private static final double A6_5 = T.a()[6][5];
    private static final double E0 = T.errorWeights()[0];
    private static final double E2 = T.errorWeights()[2];
    private static final double E3 = T.errorWeights()[3];
    private static final double E4 = T.errorWeights()[4];
    private static final double E5 = T.errorWeights()[5];
    private static final double E6 = T.errorWeights()[6];

    /**
     * Computes stages 2..7 into {@code k[1..6]} (stage 1, {@code k[0]}, is given); the sixth
     * stage's argument is the order-5 solution, written to {@code y1}, and {@code k[6]} is
     * {@code f(t + h, y1)} (first same as last).
     *
     * @param f    the system
     * @param t    the step's start time
     * @param h    the signed step
     * @param tOne the time of the stages with node 1: the step's exact end (or the double before a
     *             jump time)
     * @param y    the state at {@code t}; not modified
     * @param k    seven stage buffers of length {@code n}; {@code k[0] = f(t, y)}
     * @param ytmp scratch, length {@code n}
     * @param y1   receives the solution at {@code t + h}
     * @param n    the dimension
     */
    static void stages(OdeSystem f, double t, double h, double tOne, double[] y, double[][] k, double[] ytmp,
                       double[] y1, int n) {
        final double[] k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6];
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A1_0 * k0[m]);
        }
        f.derivative(t + C1 * h, ytmp, k1);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A2_0 * k0[m] + A2_1 * k1[m]);
        }
        f.derivative(t + C2 * h, ytmp, k2);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A3_0 * k0[m] + A3_1 * k1[m] + A3_2 * k2[m]);
        }
        f.derivative(t + C3 * h, ytmp, k3);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A4_0 * k0[m] + A4_1 * k1[m] + A4_2 * k2[m] + A4_3 * k3[m]);
        }
        f.derivative(t + C4 * h, ytmp, k4);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A5_0 * k0[m] + A5_1 * k1[m] + A5_2 * k2[m] + A5_3 * k3[m] + A5_4 * k4[m]);
        }
        f.derivative(tOne, ytmp, k5);
        for (int m = 0; m < n; m++) {
            y1[m] = y[m] + h * (A6_0 * k0[m] + A6_2 * k2[m] + A6_3 * k3[m] + A6_4 * k4[m] + A6_5 * k5[m]);
        }
        f.derivative(tOne, y1, k6);
    }

    /**
     * The error ratio with the RMS norm: {@code sqrt(Σ_i (h Σ_j e_j k_ji / sc_i)² / n)},
     * {@code sc_i = atol_i + rtol · max(|y_i|, |y1_i|)}.
     *
     * @return the ratio (NaN when a stage is not finite)
     */
    static double errorRatioRms(double h, double[] y, double[] y1, double[][] k, double[] atol,
                                double rtol, int n) {
        final double[] k0 = k[0], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6];
        double sum = 0.0;
        for (int m = 0; m < n; m++) {
            double w = h / (atol[m] + rtol * Math.max(Math.abs(y[m]), Math.abs(y1[m])));
            double v = (E0 * k0[m] + E2 * k2[m] + E3 * k3[m] + E4 * k4[m] + E5 * k5[m] + E6 * k6[m]) * w;
            sum += v * v;
        }
        return Math.sqrt(sum / n);
    }
}
