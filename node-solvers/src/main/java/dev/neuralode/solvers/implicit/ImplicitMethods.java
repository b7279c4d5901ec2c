package dev.neuralode.solvers.implicit;

import java.util.List;

/**
 * The built-in implicit methods for stiff problems, registered by name in
 * {@link dev.neuralode.solvers.OdeSolvers}.
 *
 * <table>
 *   <caption>Which method when</caption>
 *   <tr><th>name</th><th>order</th><th>use</th></tr>
 *   <tr><td>{@code rosenbrock23}</td><td>2(3)</td><td>loose tolerances (rtol ≥ 1e-4), cheap steps</td></tr>
 *   <tr><td>{@code rodas5p}</td><td>5(4)</td><td>the default stiff method, rtol 1e-4 .. 1e-10</td></tr>
 *   <tr><td>{@code kvaerno5}</td><td>5(4)</td><td>ESDIRK with Newton: reuses its Jacobian across steps
 *       (large systems with expensive Jacobians)</td></tr>
 *   <tr><td>{@code radau5}</td><td>5(3)</td><td>tight tolerances (rtol ≤ 1e-8), very stiff problems</td></tr>
 *   <tr><td>{@code bdf}</td><td>1–5</td><td>large systems at moderate tolerances: few Jacobians and
 *       factorizations, one Newton solve per step</td></tr>
 * </table>
 */
public final class ImplicitMethods {

    /** Shampine and Reichelt's ode23s method ({@link Rosenbrock23}). */
    public static final Rosenbrock23 ROSENBROCK23 = new Rosenbrock23();

    /**
     * Rodas5P: G. Steinebach, <i>Construction of Rosenbrock–Wanner method Rodas5P and numerical
     * benchmarks within the Julia Differential Equations package</i>, BIT Numer. Math. 63 (2023) 27;
     * 8 stages, order 5 with an embedded order-4 solution (the last stage's increment is the error,
     * stiffly accurate: stages 6–8 are evaluated at {@code t + h} from the previous stage's state),
     * L-stable, with its own dense output of order 4 (three polynomial rows {@code H}). The
     * coefficients in the transformed form ({@link RosenbrockTableau}) as published in
     * OrdinaryDiffEq.jl's {@code Rodas5PTableau}.
     */
    public static final RosenbrockTableau RODAS5P = rodas5p();

    /**
     * Kværnø's ESDIRK 5(4): A. Kværnø, <i>Singly diagonally implicit Runge–Kutta methods with an explicit
     * first stage</i>, BIT 44 (2004) 489–502; 7 stages, {@code γ = 0.26}, stiffly accurate and
     * L-stable, the order-4 embedded solution being the sixth stage; simplified Newton on the stages
     * ({@link EsdirkTableau}). Coefficients as tabulated in OrdinaryDiffEq.jl's {@code Kvaerno5Tableau}.
     */
    public static final EsdirkTableau KVAERNO5 = kvaerno5();

    /** Hairer and Wanner's RADAU5, Radau IIA of order 5 ({@link Radau5}). */
    public static final Radau5 RADAU5 = new Radau5();

    /**
     * Variable-order (1–5) NDF/BDF in the quasi-constant step form of ode15s, with CVODE's Jacobian
     * and factorization reuse ({@link Bdf}).
     */
    public static final Bdf BDF = new Bdf("bdf", Bdf.MAX_ORDER, true);

    private ImplicitMethods() {
    }

    private static EsdirkTableau kvaerno5() {
        double g = 0.26;
        double[] row6 = {0.13855640231268224, 0, -0.04245337201752043, 0.02446657898003141, 0.61943039072480676, g, 0};
        double[] row7 = {0.13659751177640291, 0, -0.05496908796538376, -0.04118626728321046, 0.62993304899016403,
            0.06962479448202728, g};
        double[][] a = {
            {0},
            {g, g},
            {0.13, 0.84033320996790809, g},
            {0.22371961478320505, 0.47675532319799699, -0.06470895363112615, g},
            {0.16648564323248321, 0.10450018841591720, 0.03631482272098715, -0.13090704451073998, g},
            row6,
            row7,
        };
        double[] c = {0, 2 * g, 1.230333209967908, 0.895765984350076, 0.436393609858648, 1, 1};
        return new EsdirkTableau("kvaerno5", 5, 4, a, row7, row6, c);
    }

    /**
     * Every built-in implicit method, in registry order.
     *
     * @return {@code rosenbrock23, rodas5p, kvaerno5, radau5, bdf}
     */
    public static List<dev.neuralode.solvers.step.Method> all() {
        return List.of(ROSENBROCK23, RODAS5P, KVAERNO5, RADAU5, BDF);
    }

    private static RosenbrockTableau rodas5p() {
        double gamma = 0.21193756319429014;
        double[] a6 = {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256,
            0.030198172008377946};
        double[][] a = {
            {},
            {3.0},
            {2.849394379747939, 0.45842242204463923},
            {-6.954028509809101, 2.489845061869568, -10.358996098473584},
            {2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641},
            a6,
            {a6[0], a6[1], a6[2], a6[3], a6[4], 1.0},
            {a6[0], a6[1], a6[2], a6[3], a6[4], 1.0, 1.0},
        };
        double[][] cm = {
            {},
            {-14.155112264123755},
            {-17.97296035885952, -2.859693295451294},
            {147.12150275711716, -1.41221402718213, 71.68940251302358},
            {165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306},
            {24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471},
            {30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623,
                -28.087943162872662},
            {37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002,
                -54.66780262877968, -9.48861652309627},
        };
        double[] c = {0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1};
        double[] d = {0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734,
            2.325825639765069, 0, 0, 0};
        double[] m = {a6[0], a6[1], a6[2], a6[3], a6[4], 1.0, 1.0, 1.0};
        double[] e = {0, 0, 0, 0, 0, 0, 0, 1.0};
        double[][] dense = {
            {25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073,
                1.1241088310450404, 0.4272876194431874, -0.17202221070155493},
            {-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044,
                15.98066361424651, -6.789040303419874, -6.710236069923372},
            {11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654,
                -59.78993625266729, -0.15582684282751913, 4.883087185713722},
        };
        return new RosenbrockTableau("rodas5p", 5, 4, 4, gamma, a, cm, c, d, m, e, dense);
    }
}
