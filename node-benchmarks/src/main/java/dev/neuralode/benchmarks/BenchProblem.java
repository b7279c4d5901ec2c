package dev.neuralode.benchmarks;

import dev.neuralode.core.OdeSystem;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;

/**
 * The benchmark problems: the Arenstorf orbit (one period, rtol 1e-10), the Lorenz system
 * (t in [0, 20], rtol 1e-8) and the 1-D Brusselator (Hairer, Wanner II, §IV.1) discretised on
 * 128 points (256 components, t in [0, 2], rtol 1e-8). The same right-hand side code serves both
 * libraries.
 */
public enum BenchProblem {

    /** Restricted three-body problem, periodic orbit (Hairer, Nørsett, Wanner I, §II.0). */
    ARENSTORF(new double[] {0.994, 0, 0, -2.00158510637908252240537862224},
            17.0652165601579625588917206249, 1e-10, 1e-10, 1.0 / 1500) {
        @Override
        void derivative(double t, double[] y, double[] d) {
            final double mu = 0.012277471;
            final double mup = 1 - mu;
            double a = y[0] + mu;
            double b = y[0] - mup;
            double r1 = a * a + y[1] * y[1];
            double r2 = b * b + y[1] * y[1];
            double d1 = r1 * Math.sqrt(r1);
            double d2 = r2 * Math.sqrt(r2);
            d[0] = y[2];
            d[1] = y[3];
            d[2] = y[0] + 2 * y[3] - mup * a / d1 - mu * b / d2;
            d[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - mu * y[1] / d2;
        }
    },
    /** Lorenz 1963 with the classic parameters. */
    LORENZ(new double[] {1, 1, 1}, 20, 1e-8, 1e-8, 1.0 / 1000) {
        @Override
        void derivative(double t, double[] y, double[] d) {
            d[0] = 10 * (y[1] - y[0]);
            d[1] = y[0] * (28 - y[2]) - y[1];
            d[2] = y[0] * y[1] - 8.0 / 3 * y[2];
        }
    },
    /** 1-D Brusselator, N = 128 interior points, components interleaved (u_i, v_i). */
    BRUSSELATOR(brusselatorY0(128), 2, 1e-8, 1e-8, 1.0 / 2000) {
        @Override
        void derivative(double t, double[] y, double[] d) {
            int n = y.length / 2;
            double c = 0.02 * (n + 1) * (n + 1);
            for (int i = 0; i < n; i++) {
                double u = y[2 * i];
                double v = y[2 * i + 1];
                double ul = i == 0 ? 1 : y[2 * i - 2];
                double vl = i == 0 ? 3 : y[2 * i - 1];
                double ur = i == n - 1 ? 1 : y[2 * i + 2];
                double vr = i == n - 1 ? 3 : y[2 * i + 3];
                double uuv = u * u * v;
                d[2 * i] = 1 + uuv - 4 * u + c * (ul - 2 * u + ur);
                d[2 * i + 1] = 3 * u - uuv + c * (vl - 2 * v + vr);
            }
        }
    };

    final double[] y0;
    final double t1;
    final double rtol;
    final double atol;
    final double fixedStep;

    BenchProblem(double[] y0, double t1, double rtol, double atol, double fixedStep) {
        this.y0 = y0;
        this.t1 = t1;
        this.rtol = rtol;
        this.atol = atol;
        this.fixedStep = fixedStep;
    }

    abstract void derivative(double t, double[] y, double[] d);

    /** The problem as this library's system. */
    OdeSystem system() {
        return this::derivative;
    }

    /** The problem as a commons-math3 system. */
    FirstOrderDifferentialEquations commons() {
        int n = y0.length;
        return new FirstOrderDifferentialEquations() {
            @Override
            public int getDimension() {
                return n;
            }

            @Override
            public void computeDerivatives(double t, double[] y, double[] yDot) {
                derivative(t, y, yDot);
            }
        };
    }

    private static double[] brusselatorY0(int n) {
        double[] y = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double x = (i + 1.0) / (n + 1);
            y[2 * i] = 1 + Math.sin(2 * Math.PI * x);
            y[2 * i + 1] = 3;
        }
        return y;
    }
}
