package dev.neuralode.adjoint;

import dev.neuralode.solvers.ButcherTableau;
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
 * The coefficients are those the engine of node-solvers evaluates (its dopri5, tsit5 and DOP853
 * tables), so {@code y + hΣ w_j K_j} reproduces the solver's outputs to rounding (tested).
 * Which interpolant a tableau uses is decided by identity with {@link Tableaus}' built-in
 * constants; every other tableau (including user-built ones) uses cubic Hermite, as the engine does.
 */
final class DenseWeights {

    /** Interpolant families. */
    enum Kind { HERMITE, DOPRI5, TSIT5, DOP853 }

    private static final double[] DOPRI5_D = {-12715105075.0 / 11282082432.0, 0,
        87487479700.0 / 32700410799.0, -10690763975.0 / 1880347072.0,
        701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0};

    private static final double[][] TSIT5_R = {
        {1.0, -2.763706197274826, 2.9132554618219126, -1.0530884977290216},
        {0, 0.13169999999999998, -0.2234, 0.1017},
        {0, 3.9302962368947516, -5.941033872131505, 2.490627285651253},
        {0, -12.411077166933676, 30.33818863028232, -16.548102889244902},
        {0, 37.50931341651104, -88.1789048947664, 47.37952196281928},
        {0, -27.896526289197286, 65.09189467479366, -34.87065786149661},
        {0, 1.5, -4, 2.5}};

    private static final double C14 = 0.1;
    private static final double C15 = 0.2;
    private static final double C16 = 0.777777777777777777777777777778;
    private static final double[] A14 = {5.61675022830479523392909219681e-2, 0, 0, 0, 0, 0,
        2.53500210216624811088794765333e-1, -2.46239037470802489917441475441e-1,
        -1.24191423263816360469010140626e-1, 1.5329179827876569731206322685e-1,
        8.20105229563468988491666602057e-3, 7.56789766054569976138603589584e-3, -8.298e-3};
    private static final double[] A15 = {3.18346481635021405060768473261e-2, 0, 0, 0, 0,
        2.83009096723667755288322961402e-2, 5.35419883074385676223797384372e-2,
        -5.49237485713909884646569340306e-2, 0, 0, -1.08347328697249322858509316994e-4,
        3.82571090835658412954920192323e-4, -3.40465008687404560802977114492e-4,
        1.41312443674632500278074618366e-1};
    private static final double[] A16 = {-4.28896301583791923408573538692e-1, 0, 0, 0, 0,
        -4.69762141536116384314449447206e0, 7.68342119606259904184240953878e0,
        4.06898981839711007970213554331e0, 3.56727187455281109270669543021e-1, 0, 0, 0,
        -1.39902416515901462129418009734e-3, 2.9475147891527723389556272149e0,
        -9.15095847217987001081870187138e0};
    private static final double[][] DOP853_D = {
        {-0.84289382761090128651353491142e+01, 0, 0, 0, 0, 0.56671495351937776962531783590e+00,
            -0.30689499459498916912797304727e+01, 0.23846676565120698287728149680e+01,
            0.21170345824450282767155149946e+01, -0.87139158377797299206789907490e+00,
            0.22404374302607882758541771650e+01, 0.63157877876946881815570249290e+00,
            -0.88990336451333310820698117400e-01, 0.18148505520854727256656404962e+02,
            -0.91946323924783554000451984436e+01, -0.44360363875948939664310572000e+01},
        {0.10427508642579134603413151009e+02, 0, 0, 0, 0, 0.24228349177525818288430175319e+03,
            0.16520045171727028198505394887e+03, -0.37454675472269020279518312152e+03,
            -0.22113666853125306036270938578e+02, 0.77334326684722638389603898808e+01,
            -0.30674084731089398182061213626e+02, -0.93321305264302278729567221706e+01,
            0.15697238121770843886131091075e+02, -0.31139403219565177677282850411e+02,
            -0.93529243588444783865713862664e+01, 0.35816841486394083752465898540e+02},
        {0.19985053242002433820987653617e+02, 0, 0, 0, 0, -0.38703730874935176555105901742e+03,
            -0.18917813819516756882830838328e+03, 0.52780815920542364900561016686e+03,
            -0.11573902539959630126141871134e+02, 0.68812326946963000169666922661e+01,
            -0.10006050966910838403183860980e+01, 0.77771377980534432092869265740e+00,
            -0.27782057523535084065932004339e+01, -0.60196695231264120758267380846e+02,
            0.84320405506677161018159903784e+02, 0.11992291136182789328035130030e+02},
        {-0.25693933462703749003312586129e+02, 0, 0, 0, 0, -0.15418974869023643374053993627e+03,
            -0.23152937917604549567536039109e+03, 0.35763911791061412378285349910e+03,
            0.93405324183624310003907691704e+02, -0.37458323136451633156875139351e+02,
            0.10409964950896230045147246184e+03, 0.29840293426660503123344363579e+02,
            -0.43533456590011143754432175058e+02, 0.96324553959188282948394950600e+02,
            -0.39177261675615439165231486172e+02, -0.14972683625798562581422125276e+03}
    };

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
            System.arraycopy(A14, 0, a[13], 0, A14.length);
            System.arraycopy(A15, 0, a[14], 0, A15.length);
            System.arraycopy(A16, 0, a[15], 0, A16.length);
            c[13] = C14;
            c[14] = C15;
            c[15] = C16;
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
