package dev.neuralode.adjoint;

import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.explicit.ContinuousExtension;
import dev.neuralode.solvers.step.Method;

/**
 * One explicit Runge–Kutta method as the reverse sweep of backprop through the solver sees it: the
 * tableau extended by the stages its dense output uses, and the interpolant's weights over them
 * (package-private).
 *
 * <p>Every interpolant of node-solvers is the tableau's {@link ContinuousExtension}, linear in
 * {@code y} and the stage derivatives (Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>, §II.6):
 * <pre>
 *   y(t + θh) = y + h Σ_j w_j(θ) K_j,      d y(t + θh)/d(θh) = Σ_j w_j'(θ) K_j
 * </pre>
 * over the extended stage list: the tableau's {@code s} stages, then for non-FSAL methods
 * {@code K_s = f(t + h, y1)} at {@code y1 = y + hΣ b_j K_j} (an extended row {@code a_s = b},
 * node 1), then the extension's extra stages ({@link ContinuousExtension#extraA()},
 * {@link ContinuousExtension#extraC()}). Everything is read from the tableau itself: the built-in
 * extensions (cubic Hermite, dopri5's, tsit5's, DOP853's) and a user tableau's own
 * ({@link ButcherTableau#withContinuousExtension}) are differentiated alike. Stage times come from
 * {@link ButcherTableau#stageTime}, the solver's own rule.
 */
final class DenseWeights {

    /** The tableau. */
    final ButcherTableau tableau;
    /** The extension whose weights the interpolant uses. */
    private final ContinuousExtension extension;
    /** The tableau's stage count. */
    final int s;
    /** Stages including the interpolant's extra ones. */
    final int total;
    /** Extended coefficient matrix, {@code total × total}, strictly lower triangular. */
    final double[][] a;
    /** Solution weights, zero beyond {@code s}. */
    final double[] b;
    /** Extended nodes ({@link ButcherTableau#extendedNode}). */
    final double[] c;
    /** The stages {@code y1} depends on (the FSAL last stage does not). */
    final boolean[] neededForStep;

    private DenseWeights(ButcherTableau tab) {
        this.tableau = tab;
        this.extension = tab.continuousExtension();
        this.s = tab.stages();
        this.total = tab.extendedStages();
        boolean fsal = tab.isFsal();
        a = new double[total][total];
        b = new double[total];
        c = new double[total];
        double[] tb = tab.b();
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < i; j++) {
                a[i][j] = tab.a(i, j);
            }
            b[i] = tb[i];
        }
        int base = fsal ? s : s + 1;
        if (!fsal) {
            System.arraycopy(tb, 0, a[s], 0, s);
        }
        double[][] xa = extension.extraA();
        for (int r = 0; r < xa.length; r++) {
            System.arraycopy(xa[r], 0, a[base + r], 0, xa[r].length);
        }
        for (int i = 0; i < total; i++) {
            c[i] = tab.extendedNode(i);
        }
        neededForStep = new boolean[total];
        for (int i = s - 1; i >= 0; i--) {
            boolean need = b[i] != 0.0;
            for (int l = i + 1; l < s && !need; l++) {
                need = neededForStep[l] && a[l][i] != 0.0;
            }
            neededForStep[i] = need;
        }
    }

    /**
     * The reverse-sweep data of an explicit Runge–Kutta method.
     *
     * @param method the solver's method
     * @return its weights
     * @throws IllegalArgumentException if the method is not a {@link ButcherTableau}
     */
    static DenseWeights of(Method method) {
        if (method instanceof ButcherTableau tab) {
            return new DenseWeights(tab);
        }
        throw new IllegalArgumentException("direct(): method '" + (method == null ? null : method.name()) + "' ("
                + (method == null ? "null" : method.getClass().getName()) + ") is not an explicit Runge–Kutta"
                + " tableau; direct() replays explicit Runge–Kutta steps stage by stage with the tableau's"
                + " coefficients. Use GradientMethod.quadratureAdjoint() (the choice for implicit, stiff solvers),"
                + " GradientMethod.checkpointed() or GradientMethod.adjoint() for other methods");
    }

    /**
     * Fills {@code w[0..total)} and {@code dw[0..total)} with {@code w_j(θ)} and {@code w_j'(θ)}, the
     * tableau's {@link ContinuousExtension#weights(double, double[], double[])}.
     *
     * @param theta the position in the step, {@code (t_out - t) / h}
     * @param w     receives the weights
     * @param dw    receives their derivatives with respect to θ
     */
    void weights(double theta, double[] w, double[] dw) {
        extension.weights(theta, w, dw);
    }

    /**
     * The time of stage {@code i} in a step from {@code t} of size {@code h} ending at {@code tEnd}:
     * the solver's {@link ButcherTableau#stageTime} (node 1 at {@code tEnd} exactly, or the last
     * double before it when the step ends on a jump time), except that the first stage of a step
     * right after a jump time is evaluated just past it ({@code Math.nextAfter(t, direction)}).
     */
    double stageTime(int i, double t, double h, double tEnd, boolean afterJump, boolean beforeJump) {
        if (i == 0 && afterJump) {
            return Math.nextAfter(t, h > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
        }
        return tableau.stageTime(i, t, h, tEnd, beforeJump);
    }
}
