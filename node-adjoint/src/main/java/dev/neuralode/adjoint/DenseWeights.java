package dev.neuralode.adjoint;

import dev.neuralode.solvers.ButcherTableau;
import dev.neuralode.solvers.DenseOutputCoefficients;
import dev.neuralode.solvers.Tableaus;

/**
 * The dense-output interpolant the solver uses inside a step, written as weights over an
 * extended list of stage derivatives (package-private).
 *
 * <p>Every interpolant of node-solvers is linear in {@code y} and the stage derivatives:
 * <pre>
 *   y(t + θh) = y + h Σ_j w_j(θ) K_j,      d y(t + θh)/d(θh) = Σ_j w_j'(θ) K_j
 * </pre>
 * where {@code K_0..K_{s-1}} are the tableau's stages and, where the interpolant needs them, the
 * list is extended by {@code K_s = f(t + h, y1)} (non-FSAL methods; {@code y1 = y + hΣ b_j K_j},
 * an extra row {@code a_s = b}) and, for DOP853, the three extra dense-output stages. With
 * {@code B = Σ b_j K_j}, {@code f0 = K_0}, {@code f1 = f(t + h, y1)}, {@code u = θ}, {@code v = 1 - θ}:
 * <ul>
 *   <li>cubic Hermite: {@code w = (3u² - 2u³) b + u v² e_0 - u² v e_f1};</li>
 *   <li>dopri5 (Shampine's order-4 continuous extension, Hairer–Nørsett–Wanner I §II.6): the Hermite
 *       weights plus {@code u² v² d} with the seven coefficients {@code d} of the solver;</li>
 *   <li>DOP853 (order 7, HNW I §II.10): the Hermite weights plus
 *       {@code u²v² D_1 + u³v² D_2 + u³v³ D_3 + u⁴v³ D_4} over sixteen stages;</li>
 *   <li>tsit5 (Tsitouras 2011): {@code w_j = Σ_{d=1..4} r_{jd} u^d}.</li>
 * </ul>
 * The coefficients are read from node-solvers' {@link DenseOutputCoefficients}, the tables its
 * engine evaluates, so {@code y + hΣ w_j K_j} reproduces the solver's outputs to rounding (tested).
 * Which interpolant a tableau uses is decided by identity with {@link Tableaus}' built-in
 * constants; every other tableau (including user-built ones) uses cubic Hermite, as the engine does.
 */
final class DenseWeights {

    /** Interpolant families. */
    enum Kind { HERMITE, DOPRI5, TSIT5, DOP853 }

    // the solver's own tables (node-solvers' DenseOutputCoefficients), read once
    private static final double[] DOPRI5_D = DenseOutputCoefficients.dopri5();
    private static final double[][] TSIT5_R = DenseOutputCoefficients.tsit5();
    private static final double[] DOP853_C = DenseOutputCoefficients.dop853ExtraNodes();
    private static final double[][] DOP853_A = DenseOutputCoefficients.dop853ExtraStages();
    private static final double[][] DOP853_D = DenseOutputCoefficients.dop853();

    /** Powers (of θ, of 1-θ) multiplying the four DOP853 dense vectors r5..r8. */
    private static final int[][] DOP853_POWERS = {{2, 2}, {3, 2}, {3, 3}, {4, 3}};

    final Kind kind;
    /** The tableau's stage count. */
    final int s;
    /** Stages including the interpolant's extra ones. */
    final int total;
    /** Extended coefficient matrix, {@code total × total}, strictly lower triangular. */
    final double[][] a;
    /** Solution weights, zero beyond {@code s}. */
    final double[] b;
    /** Extended nodes. */
    final double[] c;
    /** Index of the stage {@code f(t + h, y1)}. */
    final int f1;
    /** The stages {@code y1} depends on (the FSAL last stage does not). */
    final boolean[] neededForStep;

    private DenseWeights(ButcherTableau tab) {
        this.s = tab.stages();
        if (tab == Tableaus.DOPRI5) {
            kind = Kind.DOPRI5;
        } else if (tab == Tableaus.TSIT5) {
            kind = Kind.TSIT5;
        } else if (tab == Tableaus.DOPRI8) {
            kind = Kind.DOP853;
        } else {
            kind = Kind.HERMITE;
        }
        boolean fsal = tab.isFsal();
        switch (kind) {
            case DOP853 -> total = 16;
            case HERMITE -> total = fsal ? s : s + 1;
            default -> total = s;
        }
        f1 = fsal ? s - 1 : s;
        a = new double[total][total];
        b = new double[total];
        c = new double[total];
        double[][] ta = tab.a();
        double[] tb = tab.b();
        double[] tc = tab.c();
        for (int i = 0; i < s; i++) {
            System.arraycopy(ta[i], 0, a[i], 0, s);
            b[i] = tb[i];
            c[i] = tc[i];
        }
        if (!fsal && total > s) {
            System.arraycopy(tb, 0, a[s], 0, s);
            c[s] = 1.0;
        }
        if (kind == Kind.DOP853) {
            for (int r = 0; r < 3; r++) {
                System.arraycopy(DOP853_A[r], 0, a[13 + r], 0, DOP853_A[r].length);
                c[13 + r] = DOP853_C[r];
            }
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

    static DenseWeights of(ButcherTableau tab) {
        return new DenseWeights(tab);
    }

    /**
     * Fills {@code w[0..total)} and {@code dw[0..total)} with {@code w_j(θ)} and {@code w_j'(θ)}.
     *
     * @param theta the position in the step, {@code (t_out - t) / h}
     * @param w     receives the weights
     * @param dw    receives their derivatives with respect to θ
     */
    void weights(double theta, double[] w, double[] dw) {
        java.util.Arrays.fill(w, 0, total, 0.0);
        java.util.Arrays.fill(dw, 0, total, 0.0);
        double u = theta;
        double v = 1.0 - theta;
        if (kind == Kind.TSIT5) {
            for (int j = 0; j < 7; j++) {
                double[] r = TSIT5_R[j];
                w[j] = u * (r[0] + u * (r[1] + u * (r[2] + u * r[3])));
                dw[j] = r[0] + u * (2 * r[1] + u * (3 * r[2] + u * 4 * r[3]));
            }
            return;
        }
        double beta = u * u * (3 - 2 * u);
        double dbeta = 6 * u * v;
        for (int j = 0; j < s; j++) {
            w[j] = beta * b[j];
            dw[j] = dbeta * b[j];
        }
        w[0] += u * v * v;
        dw[0] += v * (1 - 3 * u);
        w[f1] -= u * u * v;
        dw[f1] -= u * (2 - 3 * u);
        if (kind == Kind.DOPRI5) {
            double mu = u * u * v * v;
            double dmu = 2 * u * v * (1 - 2 * u);
            for (int j = 0; j < 7; j++) {
                w[j] += mu * DOPRI5_D[j];
                dw[j] += dmu * DOPRI5_D[j];
            }
        } else if (kind == Kind.DOP853) {
            for (int r = 0; r < 4; r++) {
                int pe = DOP853_POWERS[r][0];
                int qe = DOP853_POWERS[r][1];
                double mu = Math.pow(u, pe) * Math.pow(v, qe);
                double dmu = pe * Math.pow(u, pe - 1) * Math.pow(v, qe) - qe * Math.pow(u, pe) * Math.pow(v, qe - 1);
                double[] d = DOP853_D[r];
                for (int j = 0; j < 16; j++) {
                    w[j] += mu * d[j];
                    dw[j] += dmu * d[j];
                }
            }
        }
    }
}
