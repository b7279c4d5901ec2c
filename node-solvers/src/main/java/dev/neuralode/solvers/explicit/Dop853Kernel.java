package dev.neuralode.solvers.explicit;

import dev.neuralode.core.OdeSystem;

/**
 * The hot path of DOP853 (the registered {@code dopri8}): one step's eleven new stages, the
 * solution and the combined 5th/3rd-order error ratio with the RMS norm, written out with the
 * tableau's coefficients as constants and one fused pass over the components per stage.
 *
 * <p>It performs exactly the floating-point operations of the generic tableau engine, in the same
 * order (stage sums from the first to the last stage, then {@code y + h · sum}), so results are
 * bitwise identical to running {@link Dop853}'s tableau through the generic code; only loop and
 * indirection overhead is removed (the generic engine makes one pass per tableau entry beyond
 * the fourth and looks coefficients up through index arrays). Package-private, stateless.
 */
final class Dop853Kernel {

    private Dop853Kernel() {
    }

    private static final double C1 = Dop853.C[1];
    private static final double C2 = Dop853.C[2];
    private static final double C3 = Dop853.C[3];
    private static final double C4 = Dop853.C[4];
    private static final double C5 = Dop853.C[5];
    private static final double C6 = Dop853.C[6];
    private static final double C7 = Dop853.C[7];
    private static final double C8 = Dop853.C[8];
    private static final double C9 = Dop853.C[9];
    private static final double C10 = Dop853.C[10];
    private static final double A1_0 = Dop853.A[1][0];
    private static final double A2_0 = Dop853.A[2][0];
    private static final double A2_1 = Dop853.A[2][1];
    private static final double A3_0 = Dop853.A[3][0];
    private static final double A3_2 = Dop853.A[3][2];
    private static final double A4_0 = Dop853.A[4][0];
    private static final double A4_2 = Dop853.A[4][2];
    private static final double A4_3 = Dop853.A[4][3];
    private static final double A5_0 = Dop853.A[5][0];
    private static final double A5_3 = Dop853.A[5][3];
    private static final double A5_4 = Dop853.A[5][4];
    private static final double A6_0 = Dop853.A[6][0];
    private static final double A6_3 = Dop853.A[6][3];
    private static final double A6_4 = Dop853.A[6][4];
    private static final double A6_5 = Dop853.A[6][5];
    private static final double A7_0 = Dop853.A[7][0];
    private static final double A7_3 = Dop853.A[7][3];
    private static final double A7_4 = Dop853.A[7][4];
    private static final double A7_5 = Dop853.A[7][5];
    private static final double A7_6 = Dop853.A[7][6];
    private static final double A8_0 = Dop853.A[8][0];
    private static final double A8_3 = Dop853.A[8][3];
    private static final double A8_4 = Dop853.A[8][4];
    private static final double A8_5 = Dop853.A[8][5];
    private static final double A8_6 = Dop853.A[8][6];
    private static final double A8_7 = Dop853.A[8][7];
    private static final double A9_0 = Dop853.A[9][0];
    private static final double A9_3 = Dop853.A[9][3];
    private static final double A9_4 = Dop853.A[9][4];
    private static final double A9_5 = Dop853.A[9][5];
    private static final double A9_6 = Dop853.A[9][6];
    private static final double A9_7 = Dop853.A[9][7];
    private static final double A9_8 = Dop853.A[9][8];
    private static final double A10_0 = Dop853.A[10][0];
    private static final double A10_3 = Dop853.A[10][3];
    private static final double A10_4 = Dop853.A[10][4];
    private static final double A10_5 = Dop853.A[10][5];
    private static final double A10_6 = Dop853.A[10][6];
    private static final double A10_7 = Dop853.A[10][7];
    private static final double A10_8 = Dop853.A[10][8];
    private static final double A10_9 = Dop853.A[10][9];
    private static final double A11_0 = Dop853.A[11][0];
    private static final double A11_3 = Dop853.A[11][3];
    private static final double A11_4 = Dop853.A[11][4];
    private static final double A11_5 = Dop853.A[11][5];
    private static final double A11_6 = Dop853.A[11][6];
    private static final double A11_7 = Dop853.A[11][7];
    private static final double A11_8 = Dop853.A[11][8];
    private static final double A11_9 = Dop853.A[11][9];
    private static final double A11_10 = Dop853.A[11][10];
    private static final double B0 = Dop853.B[0];
    private static final double B5 = Dop853.B[5];
    private static final double B6 = Dop853.B[6];
    private static final double B7 = Dop853.B[7];
    private static final double B8 = Dop853.B[8];
    private static final double B9 = Dop853.B[9];
    private static final double B10 = Dop853.B[10];
    private static final double B11 = Dop853.B[11];
    private static final double E5_0 = Dop853.E5[0];
    private static final double E5_5 = Dop853.E5[5];
    private static final double E5_6 = Dop853.E5[6];
    private static final double E5_7 = Dop853.E5[7];
    private static final double E5_8 = Dop853.E5[8];
    private static final double E5_9 = Dop853.E5[9];
    private static final double E5_10 = Dop853.E5[10];
    private static final double E5_11 = Dop853.E5[11];
    private static final double E3_0 = Dop853.E3[0];
    private static final double E3_5 = Dop853.E3[5];
    private static final double E3_6 = Dop853.E3[6];
    private static final double E3_7 = Dop853.E3[7];
    private static final double E3_8 = Dop853.E3[8];
    private static final double E3_9 = Dop853.E3[9];
    private static final double E3_10 = Dop853.E3[10];
    private static final double E3_11 = Dop853.E3[11];

    /**
     * Computes stages 2..12 into {@code k[1..11]} (stage 1, {@code k[0]}, is given) and the
     * order-8 solution {@code y1 = y + h Σ b_i k_i}.
     *
     * @param f    the system
     * @param t    the step's start time
     * @param h    the signed step
     * @param tOne the time of the stages with node 1: the step's exact end (or the double before a
     *             jump time)
     * @param y    the state at {@code t}; not modified
     * @param k    twelve stage buffers of length {@code n}; {@code k[0] = f(t, y)}
     * @param ytmp scratch, length {@code n}
     * @param y1   receives the solution at {@code t + h}
     * @param n    the dimension
     */
    static void stages(OdeSystem f, double t, double h, double tOne, double[] y, double[][] k, double[] ytmp,
                       double[] y1, int n) {
        final double[] k0 = k[0], k1 = k[1], k2 = k[2], k3 = k[3], k4 = k[4], k5 = k[5], k6 = k[6], k7 = k[7], k8 = k[8], k9 = k[9], k10 = k[10], k11 = k[11];
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A1_0 * k0[m]);
        }
        f.derivative(t + C1 * h, ytmp, k1);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A2_0 * k0[m] + A2_1 * k1[m]);
        }
        f.derivative(t + C2 * h, ytmp, k2);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A3_0 * k0[m] + A3_2 * k2[m]);
        }
        f.derivative(t + C3 * h, ytmp, k3);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A4_0 * k0[m] + A4_2 * k2[m] + A4_3 * k3[m]);
        }
        f.derivative(t + C4 * h, ytmp, k4);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A5_0 * k0[m] + A5_3 * k3[m] + A5_4 * k4[m]);
        }
        f.derivative(t + C5 * h, ytmp, k5);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A6_0 * k0[m] + A6_3 * k3[m] + A6_4 * k4[m] + A6_5 * k5[m]);
        }
        f.derivative(t + C6 * h, ytmp, k6);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A7_0 * k0[m] + A7_3 * k3[m] + A7_4 * k4[m] + A7_5 * k5[m] + A7_6 * k6[m]);
        }
        f.derivative(t + C7 * h, ytmp, k7);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A8_0 * k0[m] + A8_3 * k3[m] + A8_4 * k4[m] + A8_5 * k5[m] + A8_6 * k6[m] + A8_7 * k7[m]);
        }
        f.derivative(t + C8 * h, ytmp, k8);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A9_0 * k0[m] + A9_3 * k3[m] + A9_4 * k4[m] + A9_5 * k5[m] + A9_6 * k6[m] + A9_7 * k7[m] + A9_8 * k8[m]);
        }
        f.derivative(t + C9 * h, ytmp, k9);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A10_0 * k0[m] + A10_3 * k3[m] + A10_4 * k4[m] + A10_5 * k5[m] + A10_6 * k6[m] + A10_7 * k7[m] + A10_8 * k8[m] + A10_9 * k9[m]);
        }
        f.derivative(t + C10 * h, ytmp, k10);
        for (int m = 0; m < n; m++) {
            ytmp[m] = y[m] + h * (A11_0 * k0[m] + A11_3 * k3[m] + A11_4 * k4[m] + A11_5 * k5[m] + A11_6 * k6[m] + A11_7 * k7[m] + A11_8 * k8[m] + A11_9 * k9[m] + A11_10 * k10[m]);
        }
        f.derivative(tOne, ytmp, k11);
        for (int m = 0; m < n; m++) {
            y1[m] = y[m] + h * (B0 * k0[m] + B5 * k5[m] + B6 * k6[m] + B7 * k7[m] + B8 * k8[m] + B9 * k9[m] + B10 * k10[m] + B11 * k11[m]);
        }
    }

    /**
     * The DOP853 error ratio with the RMS norm (Hairer, Nørsett, Wanner I, §II.10):
     * {@code ‖err5‖² / sqrt(‖err5‖² + 0.01 ‖err3‖²)}, each {@code err = h Σ e_i k_i} scaled by
     * {@code atol_i + rtol · max(|y_i|, |y1_i|)}.
     *
     * @return the ratio, 0 when both estimates vanish, NaN when a stage is not finite
     */
    static double errorRatioRms(double h, double[] y, double[] y1, double[][] k, double[] atol,
                                double rtol, int n) {
        final double[] k0 = k[0], k5 = k[5], k6 = k[6], k7 = k[7], k8 = k[8], k9 = k[9], k10 = k[10], k11 = k[11];
        double sum5 = 0.0;
        double sum3 = 0.0;
        for (int m = 0; m < n; m++) {
            double w = h / (atol[m] + rtol * Math.max(Math.abs(y[m]), Math.abs(y1[m])));
            double v5 = (E5_0 * k0[m] + E5_5 * k5[m] + E5_6 * k6[m] + E5_7 * k7[m] + E5_8 * k8[m] + E5_9 * k9[m] + E5_10 * k10[m] + E5_11 * k11[m]) * w;
            double v3 = (E3_0 * k0[m] + E3_5 * k5[m] + E3_6 * k6[m] + E3_7 * k7[m] + E3_8 * k8[m] + E3_9 * k9[m] + E3_10 * k10[m] + E3_11 * k11[m]) * w;
            sum5 += v5 * v5;
            sum3 += v3 * v3;
        }
        double n5 = Math.sqrt(sum5 / n);
        double n3 = Math.sqrt(sum3 / n);
        double deno = n5 * n5 + 0.01 * n3 * n3;
        if (!(deno > 0)) {
            return deno == 0 ? 0.0 : Double.NaN;
        }
        return n5 * n5 / Math.sqrt(deno);
    }
}
