package dev.neuralode.solvers;

import dev.neuralode.core.OdeSystem;

/** Shared test problems. */
final class Problems {

    private Problems() {
    }

    static final double MU = 0.012277471;
    /** Period of the Arenstorf orbit (Hairer, Nørsett, Wanner I, §II.0). */
    static final double ARENSTORF_PERIOD = 17.0652165601579625588917206249;
    static final double[] ARENSTORF_Y0 = {0.994, 0, 0, -2.00158510637908252240537862224};

    static final OdeSystem ARENSTORF = (t, y, d) -> {
        double mup = 1 - MU;
        double a = y[0] + MU;
        double b = y[0] - mup;
        double r1 = a * a + y[1] * y[1];
        double r2 = b * b + y[1] * y[1];
        double d1 = r1 * Math.sqrt(r1);
        double d2 = r2 * Math.sqrt(r2);
        d[0] = y[2];
        d[1] = y[3];
        d[2] = y[0] + 2 * y[3] - mup * a / d1 - MU * b / d2;
        d[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - MU * y[1] / d2;
    };

    static final double[] LORENZ_Y0 = {1, 1, 1};

    static final OdeSystem LORENZ = (t, y, d) -> {
        d[0] = 10 * (y[1] - y[0]);
        d[1] = y[0] * (28 - y[2]) - y[1];
        d[2] = y[0] * y[1] - 8.0 / 3 * y[2];
    };

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
