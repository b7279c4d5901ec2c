package dev.neuralode.solvers.implicit;

import dev.neuralode.core.Jacobian;
import dev.neuralode.core.OdeSystem;

/**
 * The stiff test problems (Hairer, Wanner, <i>Solving ODEs II</i>, §IV.10; Mazzia et al., the IVP
 * test set), shared by the implicit-method tests.
 */
final class StiffProblems {

    private StiffProblems() {
    }

    /** Robertson's chemical kinetics, y(0) = (1, 0, 0). */
    static final OdeSystem ROBER = (t, y, d) -> {
        d[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
        d[2] = 3e7 * y[1] * y[1];
        d[1] = -d[0] - d[2];
    };

    /** Robertson with its analytic Jacobian (and ∂f/∂t = 0). */
    static final class RoberWithJacobian implements OdeSystem, Jacobian {
        long jacobians;

        @Override
        public void derivative(double t, double[] y, double[] d) {
            ROBER.derivative(t, y, d);
        }

        @Override
        public void jacobian(double t, double[] y, double[] j) {
            jacobians++;
            j[0] = -0.04;
            j[1] = 1e4 * y[2];
            j[2] = 1e4 * y[1];
            j[6] = 0;
            j[7] = 6e7 * y[1];
            j[8] = 0;
            j[3] = -j[0] - j[6];
            j[4] = -j[1] - j[7];
            j[5] = -j[2] - j[8];
        }

        @Override
        public boolean timeDerivative(double t, double[] y, double[] dfdt) {
            java.util.Arrays.fill(dfdt, 0.0);
            return true;
        }
    }

    /** HIRES (Schäfer 1975), 8 components, t in [0, 321.8122]. */
    static final OdeSystem HIRES = (t, y, f) -> {
        f[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
        f[1] = 1.71 * y[0] - 8.75 * y[1];
        f[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
        f[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
        f[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
        f[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
        f[6] = 280.0 * y[5] * y[7] - 1.81 * y[6];
        f[7] = -f[6];
    };

    /** HIRES initial state. */
    static final double[] HIRES_Y0 = {1, 0, 0, 0, 0, 0, 0, 0.0057};

    /** Van der Pol in the scaled form y1' = y2, y2' = ((1 − y1²) y2 − y1)/ε (ε = 1/μ²). */
    static OdeSystem vanDerPol(double eps) {
        return (t, y, d) -> {
            d[0] = y[1];
            d[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / eps;
        };
    }

    /** The Oregonator (Field, Noyes 1974), y(0) = (1, 2, 3), t in [0, 360]. */
    static final OdeSystem OREGO = (t, y, d) -> {
        d[0] = 77.27 * (y[1] + y[0] * (1 - 8.375e-6 * y[0] - y[1]));
        d[1] = (y[2] - (1 + y[0]) * y[1]) / 77.27;
        d[2] = 0.161 * (y[0] - y[2]);
    };

    /** E5 (Hairer, Wanner II §IV.10), y(0) = (1.76e-3, 0, 0, 0); needs atol ≈ 1e-24. */
    static final OdeSystem E5 = (t, y, d) -> {
        double a = 7.89e-10;
        double b = 1.1e7;
        double c = 1.13e9;
        double m = 1e6;
        d[0] = -a * y[0] - b * y[0] * y[2];
        d[1] = a * y[0] - m * c * y[1] * y[2];
        d[2] = a * y[0] - b * y[0] * y[2] - m * c * y[1] * y[2] + c * y[3];
        d[3] = b * y[0] * y[2] - c * y[3];
    };

    /** The largest mixed error |a − b| / (1 + |b|). */
    static double mixedError(double[] got, double[] ref) {
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i])));
        }
        return worst;
    }

    /** The smallest relative accuracy in significant digits, −log10 max |a − b| / |b|. */
    static double digits(double[] got, double[] ref) {
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - ref[i]) / Math.abs(ref[i]));
        }
        return -Math.log10(worst);
    }
}
