package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSystem;

import java.util.List;

/**
 * The stiff benchmark problems shared by {@link StiffWorkPrecision} and {@link StiffCvodeCompare}
 * (and, in C, by {@code node-benchmarks/cvode/cvode_stiff.c}): the right-hand sides, initial values,
 * end times and end-point references of node-solvers' {@code StiffProblemsTest} (scipy's Radau at
 * rtol 1e-12 agreeing with LSODA; {@code node-solvers/scripts/stiff_references.py}).
 */
final class StiffProblems {

    private StiffProblems() {
    }

    /**
     * One problem.
     *
     * @param key        the short name the C driver prints (ROBER, HIRES, VDP, OREGO)
     * @param name       the name in the tables
     * @param f          the right-hand side
     * @param y0         the initial value at t = 0
     * @param t1         the end time
     * @param atolFactor {@code atol = rtol · atolFactor} in the work–precision table
     * @param ref        the reference end point
     */
    record Problem(String key, String name, OdeSystem f, double[] y0, double t1, double atolFactor, double[] ref) {

        /**
         * Significant digits at the end point: {@code −log10 max_i |y_i − ref_i| / |ref_i|}.
         *
         * @param y the computed end point
         * @return the digits
         */
        double digits(double[] y) {
            double worst = 0;
            for (int i = 0; i < ref.length; i++) {
                worst = Math.max(worst, Math.abs(y[i] - ref[i]) / Math.abs(ref[i]));
            }
            return -Math.log10(worst);
        }

        /**
         * The mixed error of the IVP test set: {@code max_i |y_i − ref_i| / (atol/rtol + |ref_i|)}.
         *
         * @param y    the computed end point
         * @param rtol the relative tolerance of the solve
         * @param atol the absolute tolerance of the solve
         * @return the mixed error
         */
        double mixedError(double[] y, double rtol, double atol) {
            double worst = 0;
            for (int i = 0; i < ref.length; i++) {
                worst = Math.max(worst, Math.abs(y[i] - ref[i]) / (atol / rtol + Math.abs(ref[i])));
            }
            return worst;
        }
    }

    /** Robertson, HIRES, Van der Pol (scaled, ε = 1e-6) and OREGO. */
    static final List<Problem> ALL = List.of(
        new Problem("ROBER", "ROBER [0, 1e5]", (t, y, d) -> {
            d[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
            d[2] = 3e7 * y[1] * y[1];
            d[1] = -d[0] - d[2];
        }, new double[] {1, 0, 0}, 1e5, 1e-6,
            new double[] {0.017865921142100068, 7.274751468436588e-08, 0.9821340061103828}),
        new Problem("HIRES", "HIRES", (t, y, f) -> {
            f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
            f[1] = 1.71 * y[0] - 8.75 * y[1];
            f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
            f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
            f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
            f[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
            f[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
            f[7] = -f[6];
        }, new double[] {1, 0, 0, 0, 0, 0, 0, 0.0057}, 321.8122, 1e-2,
            new double[] {0.0007371312573325646, 0.00014424857263161805, 5.8887297409675386e-05,
                0.0011756513432831447, 0.0023863561988312775, 0.006238968252742645, 0.0028499983951857325,
                0.0028500016048142547}),
        new Problem("VDP", "VDP eps=1e-6", (t, y, d) -> {
            d[0] = y[1];
            d[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / 1e-6;
        }, new double[] {2, -2.0 / 3}, 2, 1e-2, new double[] {1.7061674345671218, -0.8928100197382782}),
        new Problem("OREGO", "OREGO", (t, y, d) -> {
            d[0] = 77.27 * (y[1] + y[0] * (1 - 8.375e-6 * y[0] - y[1]));
            d[1] = (y[2] - (1 + y[0]) * y[1]) / 77.27;
            d[2] = 0.161 * (y[0] - y[2]);
        }, new double[] {1, 2, 3}, 360, 1e-2, new double[] {1.0008148703185227, 1228.178521549886, 132.0554942846542}));
}
