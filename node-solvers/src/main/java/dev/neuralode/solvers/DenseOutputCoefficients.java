package dev.neuralode.solvers;

/**
 * The coefficients of the solvers' own dense-output interpolants, for code that must reproduce
 * or differentiate them (node-adjoint's backprop through the solver differentiates the
 * interpolant the solver used for an output inside a step). Every interpolant is linear in the
 * step's start state {@code y} and its stage derivatives {@code K_j}: with {@code u = θ},
 * {@code v = 1 - θ}, {@code B = Σ b_j K_j}, {@code f0 = K_0} and {@code f1 = f(t + h, y1)},
 * <ul>
 *   <li>dopri5 (Shampine's order-4 continuous extension; Hairer, Nørsett, Wanner, <i>Solving
 *       ODEs I</i>, §II.6): {@code y(t+θh) = y + h[(3u² - 2u³)B + u v² f0 - u² v f1 + u² v² Σ d_j K_j]}
 *       with {@code d = }{@link #dopri5()};</li>
 *   <li>tsit5 (Tsitouras 2011): {@code y(t+θh) = y + h Σ_j (Σ_{q=1..4} r_{j,q} u^q) K_j} with
 *       {@code r = }{@link #tsit5()} (row {@code j}, column {@code q - 1});</li>
 *   <li>DOP853 (order 7, HNW I §II.10): three extra stages at {@link #dop853ExtraNodes()} with
 *       rows {@link #dop853ExtraStages()} over the stages before them, then the cubic Hermite part
 *       above plus {@code u²v² D_1 + u³v² D_2 + u³v³ D_3 + u⁴v³ D_4}, each {@code D_r = Σ_j
 *       d_{r,j} K_j} over the sixteen stages, {@code d = }{@link #dop853()}.</li>
 * </ul>
 * These are the very tables the engines evaluate; every accessor returns a fresh copy.
 */
public final class DenseOutputCoefficients {

    /** dopri5's seven continuous-extension coefficients {@code d_j}. */
    static final double[] DOPRI5_D = {-12715105075.0 / 11282082432.0, 0,
        87487479700.0 / 32700410799.0, -10690763975.0 / 1880347072.0,
        701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0};

    /** tsit5's interpolant: row j, the coefficients of θ, θ², θ³, θ⁴. */
    static final double[][] TSIT5_R = {
        {1.0, -2.763706197274826, 2.9132554618219126, -1.0530884977290216},
        {0, 0.13169999999999998, -0.2234, 0.1017},
        {0, 3.9302962368947516, -5.941033872131505, 2.490627285651253},
        {0, -12.411077166933676, 30.33818863028232, -16.548102889244902},
        {0, 37.50931341651104, -88.1789048947664, 47.37952196281928},
        {0, -27.896526289197286, 65.09189467479366, -34.87065786149661},
        {0, 1.5, -4, 2.5}};

    private DenseOutputCoefficients() {
    }

    /**
     * dopri5's continuous-extension coefficients.
     *
     * @return {@code d_0..d_6}, a copy
     */
    public static double[] dopri5() {
        return DOPRI5_D.clone();
    }

    /**
     * tsit5's interpolant coefficients.
     *
     * @return a 7 × 4 array, row {@code j} holding the coefficients of {@code θ..θ⁴}; a copy
     */
    public static double[][] tsit5() {
        return deepCopy(TSIT5_R);
    }

    /**
     * The nodes of DOP853's three extra dense-output stages (stages 14, 15, 16).
     *
     * @return {@code {c14, c15, c16}}
     */
    public static double[] dop853ExtraNodes() {
        return new double[] {Dop853.C14, Dop853.C15, Dop853.C16};
    }

    /**
     * The rows of DOP853's three extra dense-output stages: row {@code r} holds the
     * coefficients over stages {@code 0..12+r} (the twelve stages, the stage {@code f(t+h, y1)},
     * then the extra stages before it).
     *
     * @return three rows of lengths 13, 14 and 15; a copy
     */
    public static double[][] dop853ExtraStages() {
        return deepCopy(new double[][] {Dop853.A14, Dop853.A15, Dop853.A16});
    }

    /**
     * DOP853's dense-output weights {@code d_{r,j}}, {@code r = 1..4} over the sixteen stages.
     *
     * @return a 4 × 16 array; a copy
     */
    public static double[][] dop853() {
        return deepCopy(Dop853.D);
    }

    private static double[][] deepCopy(double[][] x) {
        double[][] r = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i].clone();
        }
        return r;
    }
}
