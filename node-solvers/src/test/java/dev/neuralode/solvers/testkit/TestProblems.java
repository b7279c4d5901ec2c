package dev.neuralode.solvers.testkit;

import dev.neuralode.core.OdeSystem;

import java.util.List;
import java.util.Random;
import java.util.function.DoubleFunction;

/**
 * Test problems with known solutions: the six analytic problems of the project's reference
 * (REFERENCE.md, after the problems of torchdiffeq's test suite) and the Arenstorf orbit
 * (Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>, §II.0), whose solution is known at multiples
 * of its period.
 *
 * <p>Every problem is immutable and its system thread-safe (a system only reads its captured
 * constants), so one problem may be solved from several threads.
 */
public final class TestProblems {

    private TestProblems() {
    }

    /**
     * One initial value problem {@code dy/dt = f(t, y)}, {@code y(t0) = y0}, on {@code [t0, t1]},
     * with its exact solution.
     */
    public static final class Problem {
        private final String name;
        private final OdeSystem system;
        private final double t0;
        private final double t1;
        private final DoubleFunction<double[]> exact;
        private final String description;

        /**
         * Creates a problem.
         *
         * @param name        a short name, for messages
         * @param description the equation and its solution, for documentation and messages
         * @param system      the right-hand side
         * @param t0          the initial time
         * @param t1          the final time (may be below {@code t0}: every problem may also be
         *                    solved backwards from {@code t1})
         * @param exact       the exact solution, returning a new array at every call
         */
        public Problem(String name, String description, OdeSystem system, double t0, double t1,
                       DoubleFunction<double[]> exact) {
            this.name = name;
            this.description = description;
            this.system = system;
            this.t0 = t0;
            this.t1 = t1;
            this.exact = exact;
        }

        /**
         * The problem's name.
         *
         * @return for example {@code "harmonic"}
         */
        public String name() {
            return name;
        }

        /**
         * The equation and its solution in words.
         *
         * @return the description
         */
        public String description() {
            return description;
        }

        /**
         * The right-hand side {@code f(t, y)}.
         *
         * @return the system (thread-safe)
         */
        public OdeSystem system() {
            return system;
        }

        /**
         * The state dimension.
         *
         * @return {@code n}
         */
        public int dimension() {
            return y0().length;
        }

        /**
         * The initial time.
         *
         * @return {@code t0}
         */
        public double t0() {
            return t0;
        }

        /**
         * The final time.
         *
         * @return {@code t1}
         */
        public double t1() {
            return t1;
        }

        /**
         * The initial state, {@code exact(t0)}.
         *
         * @return a new array
         */
        public double[] y0() {
            return exact.apply(t0);
        }

        /**
         * The exact solution at {@code t}.
         *
         * @param t a time in {@code [min(t0, t1), max(t0, t1)]} (for the Arenstorf orbit: a
         *          multiple of the period from {@code t0})
         * @return a new array of length {@link #dimension()}
         * @throws IllegalArgumentException if the solution is not known at {@code t}
         */
        public double[] exact(double t) {
            return exact.apply(t);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Slope and offset of the "constant" problem. */
    private static final double CONST_A = 0.2;
    private static final double CONST_B = 3;

    /**
     * "constant": {@code y' = a + (y − (a t + b))^5}, {@code a = 0.2}, {@code b = 3}, on
     * {@code [1, 8]}; exact {@code y = a t + b} (the solution is a straight line, so every
     * consistent method is exact on it up to the nonlinear term that vanishes on the solution).
     */
    public static final Problem CONSTANT = new Problem("constant",
            "y' = 0.2 + (y - (0.2 t + 3))^5, y = 0.2 t + 3",
            (t, y, d) -> d[0] = CONST_A + Math.pow(y[0] - (CONST_A * t + CONST_B), 5), 1, 8,
            t -> new double[] {CONST_A * t + CONST_B});

    /**
     * "linear": {@code y' = A y} with a 10×10 skew-symmetric {@code A = U − Uᵀ},
     * {@code U_ij ~ 0.1 N(0, 1)} and {@code y0 ~ N(0, 1)} drawn from {@code new Random(42)}, on
     * {@code [0, 3]}; exact {@code y = exp(A t) y0}, computed by 200 Taylor steps of 25 terms
     * (accurate to rounding: {@code ‖A‖ t / 200} is small).
     */
    public static final Problem LINEAR = linear();

    /**
     * "sine": {@code y' = 2y/t + t⁴ sin 2t − t² + 4t³} on {@code [1, 8]}; exact
     * {@code y = −t⁴ cos(2t)/2 + t³ sin(2t)/2 + t² cos(2t)/4 − t³ + 2t⁴ + (π − 1/4) t²}.
     */
    public static final Problem SINE = new Problem("sine",
            "y' = 2y/t + t^4 sin 2t - t^2 + 4t^3",
            (t, y, d) -> d[0] = 2 * y[0] / t + Math.pow(t, 4) * Math.sin(2 * t) - t * t + 4 * t * t * t, 1, 8,
            t -> new double[] {-0.5 * Math.pow(t, 4) * Math.cos(2 * t) + 0.5 * Math.pow(t, 3) * Math.sin(2 * t)
                    + 0.25 * t * t * Math.cos(2 * t) - t * t * t + 2 * Math.pow(t, 4) + (Math.PI - 0.25) * t * t});

    /** "exp": {@code y' = −0.1 e^(−0.1 t)} (a quadrature) on {@code [0, 5]}; exact {@code y = e^(−0.1 t)}. */
    public static final Problem EXP = new Problem("exp", "y' = -0.1 exp(-0.1 t), y = exp(-0.1 t)",
            (t, y, d) -> d[0] = -0.1 * Math.exp(-0.1 * t), 0, 5, t -> new double[] {Math.exp(-0.1 * t)});

    /** "harmonic": {@code y0' = y1, y1' = −y0} on {@code [0, 6]}; exact {@code (cos t, −sin t)}. */
    public static final Problem HARMONIC = new Problem("harmonic", "y0' = y1, y1' = -y0, y = (cos t, -sin t)",
            (t, y, d) -> {
                d[0] = y[1];
                d[1] = -y[0];
            }, 0, 6, t -> new double[] {Math.cos(t), -Math.sin(t)});

    /** "decay": {@code y' = −0.7 y} on {@code [0, 4]}; exact {@code y = e^(−0.7 t)}. */
    public static final Problem DECAY = new Problem("decay", "y' = -0.7 y, y = exp(-0.7 t)",
            (t, y, d) -> d[0] = -0.7 * y[0], 0, 4, t -> new double[] {Math.exp(-0.7 * t)});

    /**
     * "prothero-robinson": {@code y' = −10⁶ (y − cos t) − sin t} on {@code [0, 10]}; exact
     * {@code y = cos t} (Prothero, Robinson 1974). Stiff: an explicit method needs steps below
     * {@code 3·10⁻⁶}; forwards only (backwards in time the problem is violently unstable).
     */
    public static final Problem PROTHERO_ROBINSON = new Problem("prothero-robinson",
            "y' = -1e6 (y - cos t) - sin t, y = cos t",
            (t, y, d) -> d[0] = -1e6 * (y[0] - Math.cos(t)) - Math.sin(t), 0, 10,
            t -> new double[] {Math.cos(t)});

    /**
     * "stiff-linear": {@code y0' = −y0 + y1, y1' = −10⁴ y1}, {@code y(0) = (1, 1)}, on {@code [0, 5]};
     * exact {@code y1 = e^(−10⁴ t)}, {@code y0 = (1 + c) e^(−t) − c e^(−10⁴ t)}, {@code c = 1/9999}.
     * Forwards only.
     */
    public static final Problem STIFF_LINEAR = new Problem("stiff-linear",
            "y0' = -y0 + y1, y1' = -1e4 y1, y(0) = (1, 1)",
            (t, y, d) -> {
                d[0] = -y[0] + y[1];
                d[1] = -1e4 * y[1];
            }, 0, 5, t -> new double[] {(1 + 1.0 / 9999) * Math.exp(-t) - Math.exp(-1e4 * t) / 9999,
                Math.exp(-1e4 * t)});

    /**
     * The stiff problems with exact solutions that every implicit method solves
     * ({@link MethodContract#checkStiffProblem}), forwards only.
     *
     * @return prothero-robinson, stiff-linear (unmodifiable)
     */
    public static List<Problem> stiff() {
        return List.of(PROTHERO_ROBINSON, STIFF_LINEAR);
    }

    /** The Arenstorf orbit's mass ratio {@code μ}. */
    public static final double ARENSTORF_MU = 0.012277471;

    /** The period of the Arenstorf orbit (Hairer, Nørsett, Wanner I, §II.0). */
    public static final double ARENSTORF_PERIOD = 17.0652165601579625588917206249;

    /**
     * The Arenstorf orbit of the restricted three-body problem (Hairer, Nørsett, Wanner I, §II.0,
     * eq. 0.1): {@code y = (x, y, x', y')},
     * <pre>
     *   x'' = x + 2y' − μ' (x + μ)/D1 − μ (x − μ')/D2,
     *   y'' = y − 2x' − μ' y/D1 − μ y/D2,
     *   D1 = ((x + μ)² + y²)^(3/2),  D2 = ((x − μ')² + y²)^(3/2),  μ' = 1 − μ,
     * </pre>
     * {@code y0 = (0.994, 0, 0, −2.00158510637908252240537862224)}, on one period
     * {@code [0, T]}; the solution is periodic, so {@code exact(t)} is known (equal to
     * {@code y0}) at {@code t = kT} only.
     */
    public static final Problem ARENSTORF = new Problem("arenstorf",
            "restricted three-body problem, periodic orbit (HNW I, II.0)", (t, y, d) -> {
                double mup = 1 - ARENSTORF_MU;
                double a = y[0] + ARENSTORF_MU;
                double b = y[0] - mup;
                double r1 = a * a + y[1] * y[1];
                double r2 = b * b + y[1] * y[1];
                double d1 = r1 * Math.sqrt(r1);
                double d2 = r2 * Math.sqrt(r2);
                d[0] = y[2];
                d[1] = y[3];
                d[2] = y[0] + 2 * y[3] - mup * a / d1 - ARENSTORF_MU * b / d2;
                d[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - ARENSTORF_MU * y[1] / d2;
            }, 0, ARENSTORF_PERIOD, t -> {
                double k = t / ARENSTORF_PERIOD;
                if (Math.abs(k - Math.rint(k)) > 1e-12) {
                    throw new IllegalArgumentException("arenstorf: the solution is known at multiples of the period "
                            + ARENSTORF_PERIOD + " only, not at t = " + t);
                }
                return new double[] {0.994, 0, 0, -2.00158510637908252240537862224};
            });

    /**
     * The six analytic problems, in the reference's order.
     *
     * @return constant, linear, sine, exp, harmonic, decay (unmodifiable)
     */
    public static List<Problem> analytic() {
        return List.of(CONSTANT, LINEAR, SINE, EXP, HARMONIC, DECAY);
    }

    private static Problem linear() {
        int n = 10;
        Random rnd = new Random(42);
        double[][] u = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                u[i][j] = 0.1 * rnd.nextGaussian();
            }
        }
        double[][] am = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                am[i][j] = u[i][j] - u[j][i];
            }
        }
        double[] y0 = new double[n];
        for (int i = 0; i < n; i++) {
            y0[i] = rnd.nextGaussian();
        }
        return new Problem("linear", "y' = A y, A 10x10 skew-symmetric (seed 42), y = exp(A t) y0",
                (t, y, d) -> {
                    for (int i = 0; i < n; i++) {
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            s += am[i][j] * y[j];
                        }
                        d[i] = s;
                    }
                }, 0, 3, t -> expmTimes(am, t, y0));
    }

    /**
     * {@code exp(A t) y0} by 200 Taylor steps of 25 terms each (for matrices of small norm).
     *
     * @param a  the matrix, {@code n × n}. Not modified.
     * @param t  the time
     * @param y0 the vector, length {@code n}. Not modified.
     * @return a new array
     */
    public static double[] expmTimes(double[][] a, double t, double[] y0) {
        int n = y0.length;
        int pieces = 200;
        double dt = t / pieces;
        double[] y = y0.clone();
        double[] term = new double[n];
        double[] next = new double[n];
        for (int p = 0; p < pieces; p++) {
            System.arraycopy(y, 0, term, 0, n);
            double[] sum = y.clone();
            for (int k = 1; k < 25; k++) {
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        s += a[i][j] * term[j];
                    }
                    next[i] = s * dt / k;
                }
                double[] swap = term;
                term = next;
                next = swap;
                for (int i = 0; i < n; i++) {
                    sum[i] += term[i];
                }
            }
            y = sum;
        }
        return y;
    }
}
