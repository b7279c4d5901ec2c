package dev.neuralode.solvers;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.testkit.TestProblems;

/** Shared test problems of this module's tests (the published ones are in {@link TestProblems}). */
final class Problems {

    private Problems() {
    }

    /** Period of the Arenstorf orbit (Hairer, Nørsett, Wanner I, §II.0); see {@link TestProblems#ARENSTORF}. */
    static final double ARENSTORF_PERIOD = TestProblems.ARENSTORF_PERIOD;
    static final double[] ARENSTORF_Y0 = TestProblems.ARENSTORF.y0();

    static final OdeSystem ARENSTORF = TestProblems.ARENSTORF.system();

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
