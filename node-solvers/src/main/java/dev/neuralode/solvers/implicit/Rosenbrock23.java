package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;

/**
 * The L-stable Rosenbrock (W-) method of order 2 with a third-order error estimate of Shampine and
 * Reichelt, <i>The MATLAB ODE Suite</i>, SIAM J. Sci. Comput. 18 (1997), the method of MATLAB's
 * {@code ode23s}; for stiff problems at loose tolerances. With {@code d = 1/(2 + √2)},
 * {@code e32 = 6 + √2}, {@code W = I − h d J}, {@code T = ∂f/∂t}:
 * <pre>
 *   F0 = f(t, y)                      k1 = W⁻¹ (F0 + h d T)
 *   F1 = f(t + h/2, y + h k1/2)       k2 = W⁻¹ (F1 − k1) + k1
 *   y1 = y + h k2
 *   F2 = f(t + h, y1)                 k3 = W⁻¹ (F2 − e32 (k2 − F1) − 2 (k1 − F0) + h d T)
 *   err = h/6 (k1 − 2 k2 + k3)
 * </pre>
 * {@code F2} is the next step's {@code F0} (FSAL): two evaluations per step plus the Jacobian. Dense
 * output (the paper's, of order 2): {@code y(t + θh) = y + h [θ(1−θ) k1 + θ(θ − 2d) k2] / (1 − 2d)}.
 * Immutable; use {@link ImplicitMethods#ROSENBROCK23}.
 */
public final class Rosenbrock23 implements Method {

    /** {@code d = 1/(2 + √2)}, the diagonal of the method. */
    static final double D = 1.0 / (2.0 + Math.sqrt(2.0));
    /** {@code e32 = 6 + √2}. */
    static final double E32 = 6.0 + Math.sqrt(2.0);

    Rosenbrock23() {
    }

    @Override
    public String name() {
        return "rosenbrock23";
    }

    /** {@inheritDoc} The propagated solution is of order 2. */
    @Override
    public int order() {
        return 2;
    }

    /** {@inheritDoc} The error estimate compares with a solution of order 3. */
    @Override
    public int errorOrder() {
        return 3;
    }

    /** {@inheritDoc} The estimate is the local error of the order-2 solution, {@code O(h³)}: 2. */
    @Override
    public int controlOrder() {
        return 2;
    }

    @Override
    public int denseOrder() {
        return 2;
    }

    @Override
    public boolean isImplicit() {
        return true;
    }

    @Override
    public Stepper newStepper(OdeSystem f, int n) {
        return new Worker(this, f, n);
    }

    @Override
    public String toString() {
        return "rosenbrock23 (Shampine-Reichelt 1997, ode23s)";
    }

    /** The stepper. */
    private static final class Worker extends ImplicitStepper {
        private final double[] k1;
        private final double[] k2;
        private final double[] k3;
        private final double[] fMid;
        private final double[] ytmp;

        Worker(Method m, OdeSystem f, int n) {
            super(m, f, n, D, true, 2);
            k1 = new double[n];
            k2 = new double[n];
            k3 = new double[n];
            fMid = new double[n];
            ytmp = new double[n];
        }

        @Override
        boolean stages() {
            final double hd = h * D;
            for (int i = 0; i < n; i++) {
                k1[i] = f0[i] + hd * dfdt[i];
            }
            matrix.solve(k1);
            final double half = 0.5 * h;
            for (int i = 0; i < n; i++) {
                ytmp[i] = y[i] + half * k1[i];
            }
            evaluate(t + half, ytmp, fMid);
            for (int i = 0; i < n; i++) {
                k2[i] = fMid[i] - k1[i];
            }
            matrix.solve(k2);
            for (int i = 0; i < n; i++) {
                k2[i] += k1[i];
                y1[i] = y[i] + h * k2[i];
            }
            evaluate(tOne, y1, f1);
            f1Ready = true;
            for (int i = 0; i < n; i++) {
                k3[i] = f1[i] - E32 * (k2[i] - fMid[i]) - 2.0 * (k1[i] - f0[i]) + hd * dfdt[i];
            }
            matrix.solve(k3);
            final double h6 = h / 6.0;
            for (int i = 0; i < n; i++) {
                err[i] = h6 * (k1[i] - 2.0 * k2[i] + k3[i]);
            }
            return true;
        }

        @Override
        void buildCoefficients() {
            final double s = h / (1.0 - 2.0 * D);
            for (int i = 0; i < n; i++) {
                coeff[i] = y[i];
                coeff[n + i] = s * (k1[i] - 2.0 * D * k2[i]);
                coeff[2 * n + i] = s * (k2[i] - k1[i]);
            }
        }
    }
}
