package dev.neuralode.solvers.explicit;

import java.util.List;

/**
 * The built-in Butcher tableaus, named as torchdiffeq names them; {@link
 * dev.neuralode.solvers.OdeSolvers} registers every one of them by that name.
 *
 * <p>Fixed step: {@code euler}, {@code midpoint}, {@code heun2}, {@code heun3}, {@code ralston},
 * {@code rk4}, {@code rk38}. Adaptive: {@code adaptive_heun}, {@code fehlberg2}, {@code bosh3},
 * {@code rkf45}, {@code cash_karp}, {@code dopri5}, {@code tsit5}, {@code dopri8}, and
 * {@code dopri5_torchdiffeq} (dopri5 with the error estimate torchdiffeq uses).
 *
 * <p>Adding a built-in method is adding one constant here and one entry to {@link #all()}; the
 * registry-driven tests then check its consistency conditions, order conditions, empirical
 * convergence order and dense-output order. A user's own method is registered with
 * {@link dev.neuralode.solvers.OdeSolvers#register}.
 */
public final class Tableaus {

    private Tableaus() {
    }

    /** Forward Euler, order 1: {@code y1 = y + h f(t, y)}. */
    public static final ButcherTableau EULER = fixed("euler", 1,
            new double[][] {{}}, new double[] {1}, new double[] {0});

    /** Explicit midpoint rule, order 2 (Runge 1895): {@code c = (0, 1/2)}, {@code b = (0, 1)}. */
    public static final ButcherTableau MIDPOINT = fixed("midpoint", 2,
            new double[][] {{}, {0.5}}, new double[] {0, 1}, new double[] {0, 0.5});

    /** Heun's method (explicit trapezoid), order 2: {@code a21 = 1}, {@code b = (1/2, 1/2)}. */
    public static final ButcherTableau HEUN2 = fixed("heun2", 2,
            new double[][] {{}, {1}}, new double[] {0.5, 0.5}, new double[] {0, 1});

    /** Heun's third-order method: {@code c = (0, 1/3, 2/3)}, {@code b = (1/4, 0, 3/4)}. */
    public static final ButcherTableau HEUN3 = fixed("heun3", 3,
            new double[][] {{}, {1.0 / 3}, {0, 2.0 / 3}}, new double[] {0.25, 0, 0.75},
            new double[] {0, 1.0 / 3, 2.0 / 3});

    /**
     * Ralston's second-order method with minimum error bound (Ralston 1962):
     * {@code a21 = 2/3}, {@code b = (1/4, 3/4)}.
     */
    public static final ButcherTableau RALSTON = fixed("ralston", 2,
            new double[][] {{}, {2.0 / 3}}, new double[] {0.25, 0.75}, new double[] {0, 2.0 / 3});

    /** The classic fourth-order Runge–Kutta method (Kutta 1901). */
    public static final ButcherTableau RK4 = fixed("rk4", 4,
            new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}},
            new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6}, new double[] {0, 0.5, 0.5, 1});

    /** Kutta's 3/8 rule, order 4: {@code b = (1/8, 3/8, 3/8, 1/8)}. */
    public static final ButcherTableau RK38 = fixed("rk38", 4,
            new double[][] {{}, {1.0 / 3}, {-1.0 / 3, 1}, {1, -1, 1}},
            new double[] {0.125, 0.375, 0.375, 0.125}, new double[] {0, 1.0 / 3, 2.0 / 3, 1});

    /** Heun–Euler pair 2(1): Heun's method with forward Euler as the embedded solution. */
    public static final ButcherTableau ADAPTIVE_HEUN = new ButcherTableau("adaptive_heun", 2, 1,
            new double[][] {{}, {1}}, new double[] {0.5, 0.5}, new double[] {0, 1},
            new double[] {-0.5, 0.5}, false);

    /**
     * Fehlberg's 1(2) pair (Fehlberg 1969, NASA TR R-315), propagating the order-2 solution as
     * torchdiffeq does: {@code c = (0, 1/2, 1)}, {@code b = (1/512, 255/256, 1/512)},
     * {@code b̂ = (1/256, 255/256, 0)}.
     */
    public static final ButcherTableau FEHLBERG2 = new ButcherTableau("fehlberg2", 2, 1,
            new double[][] {{}, {0.5}, {1.0 / 256, 255.0 / 256}},
            new double[] {1.0 / 512, 255.0 / 256, 1.0 / 512}, new double[] {0, 0.5, 1},
            new double[] {1.0 / 512 - 1.0 / 256, 0, 1.0 / 512}, false);

    /** Bogacki–Shampine 3(2) pair (Bogacki, Shampine 1989), FSAL. */
    public static final ButcherTableau BOSH3 = new ButcherTableau("bosh3", 3, 2,
            new double[][] {{}, {0.5}, {0, 0.75}, {2.0 / 9, 1.0 / 3, 4.0 / 9}},
            new double[] {2.0 / 9, 1.0 / 3, 4.0 / 9, 0}, new double[] {0, 0.5, 0.75, 1},
            new double[] {2.0 / 9 - 7.0 / 24, 1.0 / 3 - 0.25, 4.0 / 9 - 1.0 / 3, -0.125}, true);

    private static final double[] RKF45_B5 = {16.0 / 135, 0, 6656.0 / 12825, 28561.0 / 56430,
        -9.0 / 50, 2.0 / 55};
    private static final double[] RKF45_B4 = {25.0 / 216, 0, 1408.0 / 2565, 2197.0 / 4104,
        -1.0 / 5, 0};

    /**
     * Runge–Kutta–Fehlberg 4(5) (Fehlberg 1969), propagating the order-5 solution (local
     * extrapolation) with the order-4 solution as the error estimate.
     */
    public static final ButcherTableau RKF45 = new ButcherTableau("rkf45", 5, 4,
            new double[][] {{}, {0.25}, {3.0 / 32, 9.0 / 32},
                {1932.0 / 2197, -7200.0 / 2197, 7296.0 / 2197},
                {439.0 / 216, -8, 3680.0 / 513, -845.0 / 4104},
                {-8.0 / 27, 2, -3544.0 / 2565, 1859.0 / 4104, -11.0 / 40}},
            RKF45_B5, new double[] {0, 0.25, 0.375, 12.0 / 13, 1, 0.5},
            minus(RKF45_B5, RKF45_B4), false);

    private static final double[] CK_B5 = {37.0 / 378, 0, 250.0 / 621, 125.0 / 594, 0,
        512.0 / 1771};
    private static final double[] CK_B4 = {2825.0 / 27648, 0, 18575.0 / 48384, 13525.0 / 55296,
        277.0 / 14336, 0.25};

    /** Cash–Karp 5(4) pair (Cash, Karp 1990, ACM TOMS 16). */
    public static final ButcherTableau CASH_KARP = new ButcherTableau("cash_karp", 5, 4,
            new double[][] {{}, {0.2}, {3.0 / 40, 9.0 / 40}, {0.3, -0.9, 1.2},
                {-11.0 / 54, 2.5, -70.0 / 27, 35.0 / 27},
                {1631.0 / 55296, 175.0 / 512, 575.0 / 13824, 44275.0 / 110592, 253.0 / 4096}},
            CK_B5, new double[] {0, 0.2, 0.3, 0.6, 1, 0.875}, minus(CK_B5, CK_B4), false);

    /** Shampine's coefficients {@code d_j} of dopri5's continuous extension (HNW I, §II.6). */
    private static final double[] DOPRI5_D = {-12715105075.0 / 11282082432.0, 0,
        87487479700.0 / 32700410799.0, -10690763975.0 / 1880347072.0,
        701980252875.0 / 199316789632.0, -1453857185.0 / 822651844.0, 69997945.0 / 29380423.0};

    /** tsit5's interpolant (Tsitouras 2011): row j, the coefficients of θ, θ², θ³, θ⁴. */
    private static final double[][] TSIT5_R = {
        {1.0, -2.763706197274826, 2.9132554618219126, -1.0530884977290216},
        {0, 0.13169999999999998, -0.2234, 0.1017},
        {0, 3.9302962368947516, -5.941033872131505, 2.490627285651253},
        {0, -12.411077166933676, 30.33818863028232, -16.548102889244902},
        {0, 37.50931341651104, -88.1789048947664, 47.37952196281928},
        {0, -27.896526289197286, 65.09189467479366, -34.87065786149661},
        {0, 1.5, -4, 2.5}};

    /**
     * dopri5's order-4 interpolant: cubic Hermite plus {@code θ²(1-θ)² Σ d_j K_j} (Shampine 1986;
     * Hairer, Nørsett, Wanner I, §II.6), in the power basis.
     */
    private static ContinuousExtension dopri5Extension() {
        double[] b = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0};
        double[][] w = padded(ContinuousExtension.hermite(b, true, 5).weightsView(), 7, 4);
        for (int j = 0; j < 7; j++) {
            addPoly(w[j], DOPRI5_D[j], 2, 2);
        }
        return ContinuousExtension.of(4, w);
    }

    /**
     * DOP853's order-7 dense output (HNW I, §II.10): three extra stages, then cubic Hermite plus
     * {@code θ²(1-θ)² D_1 + θ³(1-θ)² D_2 + θ³(1-θ)³ D_3 + θ⁴(1-θ)³ D_4}, each {@code D_r} a
     * combination of the sixteen extended stages, in the power basis.
     */
    private static ContinuousExtension dop853Extension() {
        double[][] w = padded(ContinuousExtension.hermite(Dop853.B, false, 8).weightsView(), 16, 7);
        int[][] powers = {{2, 2}, {3, 2}, {3, 3}, {4, 3}};
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 16; j++) {
                addPoly(w[j], Dop853.D[r][j], powers[r][0], powers[r][1]);
            }
        }
        return ContinuousExtension.of(7, w, new double[][] {Dop853.A14, Dop853.A15, Dop853.A16},
                new double[] {Dop853.C14, Dop853.C15, Dop853.C16});
    }

    private static double[][] padded(double[][] w, int rows, int degree) {
        double[][] r = new double[rows][degree];
        for (int j = 0; j < w.length; j++) {
            System.arraycopy(w[j], 0, r[j], 0, w[j].length);
        }
        return r;
    }

    /** Adds {@code coef · θ^p (1-θ)^q} to a row of power-basis coefficients (index k: θ^(k+1)). */
    private static void addPoly(double[] row, double coef, int p, int q) {
        if (coef == 0.0) {
            return;
        }
        double binom = 1;
        for (int k = 0; k <= q; k++) {
            row[p + k - 1] += coef * ((k & 1) == 0 ? binom : -binom);
            binom = binom * (q - k) / (k + 1);
        }
    }

    /**
     * Dormand–Prince 5(4) (Dormand, Prince 1980), FSAL, with Shampine's order-4 continuous
     * extension (Hairer, Nørsett, Wanner I, §II.6). The default method.
     */
    public static final ButcherTableau DOPRI5 = new ButcherTableau("dopri5", 5, 4, 4,
            new double[][] {{}, {0.2}, {3.0 / 40, 9.0 / 40}, {44.0 / 45, -56.0 / 15, 32.0 / 9},
                {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
                {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
                {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}},
            new double[] {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
            new double[] {0, 0.2, 0.3, 0.8, 8.0 / 9, 1, 1},
            new double[] {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200,
                22.0 / 525, -1.0 / 40},
            null, true, null, null).withContinuousExtension(dopri5Extension()).withKernel(Kernel.DOPRI5);

    /**
     * {@code dopri5} as torchdiffeq runs it: the same stages, solution weights and order-4 dense
     * output as {@link #DOPRI5}, but the order-4 embedded solution of torchdiffeq's dopri5 tableau
     * ({@code _DORMAND_PRINCE_SHAMPINE_TABLEAU}), {@code b̂ = (1951/21600, 0, 22642/50085, 451/720,
     * -12231/42400, 649/6300, 1/60)}, whose error estimate is smaller than Dormand and Prince's (its
     * order-5 residuals are about two thirds of theirs). With {@link
     * dev.neuralode.solvers.StepController#TORCHDIFFEQ} it takes torchdiffeq's step sequence (measured
     * in float64: the same evaluations, accepted and rejected steps on the spiral problem at three
     * tolerances); for users comparing results with torchdiffeq. Runs on the generic stepper.
     */
    public static final ButcherTableau DOPRI5_TORCHDIFFEQ = new ButcherTableau("dopri5_torchdiffeq", 5, 4,
            DOPRI5.a(), DOPRI5.b(), DOPRI5.c(),
            minus(DOPRI5.b(), new double[] {1951.0 / 21600, 0, 22642.0 / 50085, 451.0 / 720, -12231.0 / 42400,
                649.0 / 6300, 1.0 / 60}), true).withContinuousExtension(DOPRI5.continuousExtension());

    /**
     * Tsitouras 5(4) (Ch. Tsitouras, <i>Runge–Kutta pairs of order 5(4) satisfying only the first
     * column simplifying assumption</i>, Comput. Math. Appl. 62, 2011), FSAL, with its own
     * order-4 interpolant.
     */
    public static final ButcherTableau TSIT5 = new ButcherTableau("tsit5", 5, 4, 4,
            new double[][] {{}, {0.161}, {-0.008480655492356989, 0.335480655492357},
                {2.897153057105493, -6.359448489975075, 4.3622954328695815},
                {5.325864828439257, -11.748883564062828, 7.4955393428898365,
                    -0.09249506636175525},
                {5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401,
                    -0.028269050394068383},
                {0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742,
                    -3.290069515436081, 2.324710524099774}},
            new double[] {0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742,
                -3.290069515436081, 2.324710524099774, 0},
            new double[] {0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1},
            new double[] {0.0017800110522257772, 0.0008164344596567469, -0.007880878010261995,
                0.1447110071732629, -0.5823571654525552, 0.45808210592918697, -1.0 / 66},
            null, true, ContinuousExtension.of(4, TSIT5_R), null);

    /**
     * Dormand–Prince 8(5,3), Hairer's DOP853 (Prince, Dormand 1981; Hairer, Nørsett, Wanner I,
     * §II.10): 12 stages, an order-5 and an order-3 error estimator combined, and its own
     * order-7 dense output (three extra stages per step where needed).
     */
    public static final ButcherTableau DOPRI8 = new ButcherTableau("dopri8", 8, 5, 7,
            Dop853.A, Dop853.B, Dop853.C, Dop853.E5, Dop853.E3, false, dop853Extension(), Kernel.DOP853);

    /**
     * Every built-in tableau, fixed-step first, in the order {@link
     * dev.neuralode.solvers.OdeSolvers#methods()} lists them.
     *
     * @return an unmodifiable list
     */
    public static List<ButcherTableau> all() {
        return List.of(EULER, MIDPOINT, HEUN2, HEUN3, RALSTON, RK4, RK38, ADAPTIVE_HEUN, FEHLBERG2, BOSH3, RKF45,
                CASH_KARP, DOPRI5, TSIT5, DOPRI8, DOPRI5_TORCHDIFFEQ);
    }

    private static ButcherTableau fixed(String name, int order, double[][] a, double[] b,
                                        double[] c) {
        return new ButcherTableau(name, order, 0, a, b, c, null, false);
    }

    private static double[] minus(double[] x, double[] y) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] - y[i];
        }
        return r;
    }
}
