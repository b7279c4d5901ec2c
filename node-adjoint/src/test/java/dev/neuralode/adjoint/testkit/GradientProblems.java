package dev.neuralode.adjoint.testkit;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The test problems of the gradient-method contract: tape-written {@link Dynamics} (a seeded MLP,
 * the linear system {@code dy/dt = A y}, a dynamics whose backward pass is not finite), the
 * matrix-exponential reference of the linear one, seeded random inputs and output-time grids, and
 * the {@link Problem}s {@link GradientMethodContract} runs.
 *
 * <p>Every problem is a loss {@code L = Σ_i Σ_{r,c} W_i[r,c] · y(t_i)[r,c]} of the states of one
 * batched solve ({@code batch × dim}) at the output times {@code t_0, ..., t_{m-1}}: its gradient
 * with respect to {@code y(t_i)} is the weight matrix {@code W_i}, so the cotangents of every
 * output are non-trivial.
 *
 * <p>Every factory returns new objects (the parameters of a dynamics accumulate gradients, so a
 * problem belongs to one check at a time). Stateless and thread-safe; the objects it returns are
 * not.
 */
public final class GradientProblems {

    /** dopri5 at {@code rtol = 1e-10}, {@code atol = 1e-12}: the options of the finite-difference checks. */
    public static final SolverOptions TIGHT =
            SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();

    private GradientProblems() {
    }

    /**
     * One differentiable solve and its loss: the dynamics, the initial state, the output times, the
     * weights of the loss and the forward solver's options. The arrays are the problem's own (not
     * copied); the checks do not modify them.
     *
     * @param name     a short description for messages, such as {@code "mlp forwards"}
     * @param dynamics the dynamics {@code dh/dt = f(t, h, θ)}
     * @param y0       the initial state, {@code batch × dim}
     * @param times    the output times, strictly monotone, {@code times[0]} the initial time
     * @param weights  one {@code batch × dim} weight matrix per output time
     * @param options  the forward solver's options
     */
    public record Problem(String name, Dynamics dynamics, DMatrixRMaj y0, double[] times, DMatrixRMaj[] weights,
                          SolverOptions options) {

        /**
         * The same problem with other solver options.
         *
         * @param other the options
         * @return a problem sharing this one's dynamics, state, times and weights
         */
        public Problem withOptions(SolverOptions other) {
            return new Problem(name, dynamics, y0, times, weights, other);
        }

        @Override
        public String toString() {
            return name + " (y0 " + y0.numRows + "x" + y0.numCols + ", times " + Arrays.toString(times) + ", "
                    + options + ")";
        }
    }

    // ------------------------------------------------------------------ dynamics

    /**
     * The spiral-like MLP {@code f(t, h) = tanh(h³ W1 + b1 [+ t c]) W2 + b2} (the cube is taken
     * element-wise; the dynamics of torchdiffeq's spiral example, Chen et al., NeurIPS 2018), with
     * an optional explicit time term {@code t c} so that {@code ∂f/∂t ≠ 0}. The weights are drawn
     * from a seeded Gaussian: {@code W1} and {@code W2} with standard deviation 0.5, {@code b1},
     * {@code b2} 0.1, {@code c} 0.3.
     */
    public static final class Mlp implements Dynamics {
        private final Parameter w1;
        private final Parameter b1;
        private final Parameter c;
        private final Parameter w2;
        private final Parameter b2;
        private final boolean timeDependent;

        /**
         * Creates the MLP with seeded random weights.
         *
         * @param dim           the state's width (columns of {@code h})
         * @param hidden        the hidden width
         * @param seed          the seed of the weights
         * @param timeDependent whether {@code f} has the explicit time term {@code t c}
         */
        public Mlp(int dim, int hidden, long seed, boolean timeDependent) {
            Random r = new Random(seed);
            w1 = new Parameter("w1", random(dim, hidden, 0.5, r));
            b1 = new Parameter("b1", random(1, hidden, 0.1, r));
            c = new Parameter("c", random(1, hidden, 0.3, r));
            w2 = new Parameter("w2", random(hidden, dim, 0.5, r));
            b2 = new Parameter("b2", random(1, dim, 0.1, r));
            this.timeDependent = timeDependent;
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            Tensor z = h.pow(3).matmul(tape.param(w1)).add(tape.param(b1));
            if (timeDependent) {
                z = z.add(t.matmul(tape.param(c)));
            }
            return z.tanh().matmul(tape.param(w2)).add(tape.param(b2));
        }

        /**
         * The parameters in the order of the flat parameter vector.
         *
         * @return {@code [w1, b1, c, w2, b2]} if time-dependent, else {@code [w1, b1, w2, b2]}
         */
        @Override
        public List<Parameter> parameters() {
            return timeDependent ? List.of(w1, b1, c, w2, b2) : List.of(w1, b1, w2, b2);
        }

        /**
         * The first layer's weights.
         *
         * @return {@code W1}, {@code dim × hidden}
         */
        public Parameter w1() {
            return w1;
        }

        /**
         * The first layer's bias.
         *
         * @return {@code b1}, {@code 1 × hidden}
         */
        public Parameter b1() {
            return b1;
        }

        /**
         * The coefficient of the time term (not among {@link #parameters()} unless time-dependent).
         *
         * @return {@code c}, {@code 1 × hidden}
         */
        public Parameter c() {
            return c;
        }

        /**
         * The second layer's weights.
         *
         * @return {@code W2}, {@code hidden × dim}
         */
        public Parameter w2() {
            return w2;
        }

        /**
         * The second layer's bias.
         *
         * @return {@code b2}, {@code 1 × dim}
         */
        public Parameter b2() {
            return b2;
        }

        /**
         * Whether {@code f} depends on {@code t} explicitly.
         *
         * @return true with the term {@code t c}
         */
        public boolean timeDependent() {
            return timeDependent;
        }
    }

    /**
     * The linear system {@code dh/dt = h Aᵀ}: each row {@code y} of the batch obeys
     * {@code dy/dt = A y}, so {@code y(t) = e^{A(t - t_0)} y0} and the gradients have the closed
     * form of {@link #exactLinear}. The one parameter is {@code A} ({@code n × n}, row-major in the
     * flat parameter vector).
     */
    public static final class Linear implements Dynamics {
        private final Parameter a;

        /**
         * Creates the system.
         *
         * @param a the matrix {@code A}, {@code n × n}; becomes the parameter's value (not copied)
         */
        public Linear(DMatrixRMaj a) {
            this.a = new Parameter("A", a);
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            return h.matmulTransB(h.tape().param(a));
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(a);
        }

        /**
         * The parameter {@code A}.
         *
         * @return the parameter
         */
        public Parameter a() {
            return a;
        }
    }

    /**
     * {@code f(t, h) = k h + sqrt(h - h)} with {@code k = -0.5}: forwards {@code sqrt(0) = 0} and
     * the solve is finite, but the derivative {@code 1/(2 sqrt(0)) · 0} of the square root is NaN,
     * so every vector–Jacobian product, and with it any backward pass, is not finite.
     *
     * @return a new dynamics with one parameter {@code k}
     */
    public static Dynamics nonFiniteBackward() {
        Parameter k = new Parameter("k", new DMatrixRMaj(1, 1, true, -0.5));
        return new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                return h.mul(h.tape().param(k)).add(h.sub(h).sqrt());
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(k);
            }
        };
    }

    // ------------------------------------------------------------------ problems

    /**
     * The time-dependent MLP (2 → 8 → 2, seed 7) on a batch of 2, outputs at {@code 0, 0.4, 1.0},
     * options {@link #TIGHT}.
     *
     * @return a new problem
     */
    public static Problem mlpForwards() {
        return new Problem("mlp forwards", new Mlp(2, 8, 7, true), mlpY0(), new double[] {0.0, 0.4, 1.0},
                weights(3, 2, 2, 13), TIGHT);
    }

    /**
     * The time-dependent MLP (2 → 8 → 2, seed 8) solved backwards in time, outputs at
     * {@code 1.0, 0.5, -0.2}, options {@link #TIGHT}.
     *
     * @return a new problem
     */
    public static Problem mlpBackwards() {
        return new Problem("mlp backwards in time", new Mlp(2, 8, 8, true), mlpY0(), new double[] {1.0, 0.5, -0.2},
                weights(3, 2, 2, 17), TIGHT);
    }

    /**
     * The autonomous MLP (2 → 8 → 2, seed 7) with one output time after the initial one,
     * {@code 0, 0.7}, options {@link #TIGHT}.
     *
     * @return a new problem
     */
    public static Problem mlpOneInterval() {
        return new Problem("mlp one interval", new Mlp(2, 8, 7, false), mlpY0(), new double[] {0.0, 0.7},
                weights(2, 2, 2, 3), TIGHT);
    }

    /**
     * The MLP problems of the finite-difference check.
     *
     * @return {@link #mlpForwards()}, {@link #mlpBackwards()}, {@link #mlpOneInterval()}
     */
    public static List<Problem> mlpProblems() {
        return List.of(mlpForwards(), mlpBackwards(), mlpOneInterval());
    }

    /**
     * The initial state of the MLP problems: a seeded {@code 2 × 2} Gaussian with standard deviation 0.6.
     *
     * @return a new matrix
     */
    public static DMatrixRMaj mlpY0() {
        return random(2, 2, 0.6, new Random(5));
    }

    /**
     * The matrix of the linear problems: a seeded {@code 3 × 3} Gaussian (standard deviation 0.5)
     * with {@code -0.3} added to {@code A[0,0]}.
     *
     * @return a new matrix
     */
    public static DMatrixRMaj linearMatrix() {
        DMatrixRMaj a = random(3, 3, 0.5, new Random(3));
        a.add(0, 0, -0.3);
        return a;
    }

    /**
     * The output grids of the linear problems: one interval forwards {@code {0, 1.3}}, several
     * forwards {@code {0.2, 0.7, 1.1, 2.0}}, several backwards in time {@code {1.5, 0.9, 0.1, -0.4}}.
     *
     * @return new arrays
     */
    public static List<double[]> linearTimeSets() {
        return List.of(new double[] {0.0, 1.3}, new double[] {0.2, 0.7, 1.1, 2.0},
                new double[] {1.5, 0.9, 0.1, -0.4});
    }

    /**
     * {@code dy/dt = A y} with {@code A = }{@link #linearMatrix()}, one sample
     * {@code y0 = (1, -0.5, 0.3)}, weights seeded 11, options {@link #TIGHT}; its exact gradients are
     * {@link #exactLinear(Problem)}.
     *
     * @param times the output times, strictly monotone
     * @return a new problem
     */
    public static Problem linear(double[] times) {
        return new Problem("linear dy/dt = A y", new Linear(linearMatrix()),
                new DMatrixRMaj(1, 3, true, 1.0, -0.5, 0.3), times.clone(), weights(times.length, 1, 3, 11), TIGHT);
    }

    /**
     * The spiral training problem in small: the autonomous MLP 2 → 50 → 2 (seed 1) on a batch of 4
     * (seeded Gaussian, standard deviation 1), ten outputs {@code 0, 0.1, ..., 0.9}, dopri5 at
     * {@code rtol = tol}, {@code atol = tol / 100}.
     *
     * @param tol the relative tolerance
     * @return a new problem
     */
    public static Problem spiral(double tol) {
        double[] times = new double[10];
        for (int i = 0; i < 10; i++) {
            times[i] = 0.1 * i;
        }
        return new Problem("spiral mlp at rtol " + tol, new Mlp(2, 50, 1, false), random(4, 2, 1.0, new Random(9)),
                times, weights(10, 4, 2, 1),
                SolverOptions.builder().method("dopri5").rtol(tol).atol(tol * 1e-2).build());
    }

    // ------------------------------------------------------------------ random inputs

    /**
     * A matrix of independent Gaussians.
     *
     * @param rows  the rows
     * @param cols  the columns
     * @param scale the standard deviation
     * @param r     the source of randomness
     * @return a new {@code rows × cols} matrix
     */
    public static DMatrixRMaj random(int rows, int cols, double scale, Random r) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = scale * r.nextGaussian();
        }
        return m;
    }

    /**
     * The weights of the loss: {@code m} standard Gaussian {@code batch × dim} matrices.
     *
     * @param m     the number of output times
     * @param batch the batch size
     * @param dim   the state's width
     * @param seed  the seed
     * @return new matrices
     */
    public static DMatrixRMaj[] weights(int m, int batch, int dim, long seed) {
        Random r = new Random(seed);
        DMatrixRMaj[] w = new DMatrixRMaj[m];
        for (int i = 0; i < m; i++) {
            w[i] = random(batch, dim, 1.0, r);
        }
        return w;
    }

    /**
     * A random output grid of 2 to 5 times, increasing or decreasing with equal probability,
     * starting at 0, near 0 or in {@code [-1, 1)}, each interval either a few ulps of the previous
     * time (1 in 5), tiny ({@code 10^-6} to {@code 10^-12}, 1 in 5) or in {@code [0.001, 0.701)};
     * so intervals are not exact in floating point ({@code t_1 - t_0} rounds) and times differ in
     * magnitude. Always strictly monotone.
     *
     * @param r the source of randomness
     * @return a new grid
     */
    public static double[] randomGrid(Random r) {
        int m = 2 + r.nextInt(4);
        double dir = r.nextBoolean() ? 1 : -1;
        double[] t = new double[m];
        int kind0 = r.nextInt(3);
        t[0] = kind0 == 0 ? 0.0 : kind0 == 1 ? r.nextDouble() * 0.01 : (r.nextDouble() - 0.5) * 2;
        for (int i = 1; i < m; i++) {
            double gap;
            switch (r.nextInt(5)) {
                case 0 -> gap = (1 + r.nextInt(4)) * Math.ulp(Math.max(Math.abs(t[i - 1]), Double.MIN_NORMAL));
                case 1 -> gap = Math.pow(10, -6 - 6 * r.nextDouble());
                default -> gap = 0.7 * r.nextDouble() + 1e-3;
            }
            double next = t[i - 1] + dir * gap;
            if (next == t[i - 1]) {
                next = Math.nextAfter(t[i - 1], dir * Double.POSITIVE_INFINITY);
            }
            t[i] = next;
        }
        return t;
    }

    // ------------------------------------------------------------------ closed form

    /**
     * The matrix exponential {@code e^A} by scaling and squaring with the diagonal [8/8] Padé
     * approximant (Higham, <i>The scaling and squaring method for the matrix exponential
     * revisited</i>, SIAM J. Matrix Anal. Appl. 26, 2005): {@code A} is scaled by {@code 2^-s} so
     * that {@code n·max|a_ij| ≤ 0.25}, then {@code r = q(X)⁻¹ p(X)} with
     * {@code p(X) = Σ_k c_k X^k}, {@code q(X) = Σ_k (-1)^k c_k X^k},
     * {@code c_k = c_{k-1} (8 - k + 1) / (k (16 - k + 1))}, and squared {@code s} times. Accurate
     * to rounding for the small matrices of the tests.
     *
     * @param a a square matrix. Not modified.
     * @return a new matrix {@code e^A}
     */
    public static DMatrixRMaj expm(DMatrixRMaj a) {
        int n = a.numRows;
        double norm = CommonOps_DDRM.elementMaxAbs(a) * n;
        int s = Math.max(0, (int) Math.ceil(Math.log(norm / 0.25) / Math.log(2)));
        DMatrixRMaj x = a.copy();
        CommonOps_DDRM.scale(Math.pow(2, -s), x);
        int q = 8;
        double c = 1;
        DMatrixRMaj num = CommonOps_DDRM.identity(n);
        DMatrixRMaj den = CommonOps_DDRM.identity(n);
        DMatrixRMaj pow = CommonOps_DDRM.identity(n);
        DMatrixRMaj tmp = new DMatrixRMaj(n, n);
        for (int k = 1; k <= q; k++) {
            c = c * (q - k + 1) / (k * (2.0 * q - k + 1));
            CommonOps_DDRM.mult(pow, x, tmp);
            pow.setTo(tmp);
            CommonOps_DDRM.addEquals(num, c, pow);
            CommonOps_DDRM.addEquals(den, (k % 2 == 0 ? c : -c), pow);
        }
        DMatrixRMaj r = new DMatrixRMaj(n, n);
        CommonOps_DDRM.solve(den, num, r);
        for (int k = 0; k < s; k++) {
            CommonOps_DDRM.mult(r, r, tmp);
            r.setTo(tmp);
        }
        return r;
    }

    /**
     * The exact gradients of {@link #linear(double[])}'s loss, one sample.
     *
     * @param p a problem of {@link Linear} dynamics with a one-row {@code y0}
     * @return the gradients, as {@link #exactLinear(DMatrixRMaj, double[], double[], DMatrixRMaj[])}
     * @throws IllegalArgumentException if the dynamics is not {@link Linear} or the batch is not 1
     */
    public static Gradients exactLinear(Problem p) {
        if (!(p.dynamics() instanceof Linear lin) || p.y0().numRows != 1) {
            throw new IllegalArgumentException("exactLinear: needs Linear dynamics and one sample, got " + p);
        }
        return exactLinear(lin.a().value(), p.y0().data, p.times(), p.weights());
    }

    /**
     * The exact gradients of {@code L = Σ_i w_iᵀ y(t_i)} for {@code y(t) = e^{A(t - t_0)} y0} (one
     * sample), with {@code τ_i = t_i - t_0}:
     * <pre>
     *   L        = Σ_i w_iᵀ e^{Aτ_i} y0
     *   dL/dy0   = Σ_i (e^{Aτ_i})ᵀ w_i
     *   dL/dA    = Σ_i the upper-right block of expm([[Aᵀτ_i, w_i y0ᵀ τ_i], [0, Aᵀτ_i]])
     *   dL/dt_i  = w_iᵀ A y(t_i)                       (i ≥ 1)
     *   dL/dt_0  = -Σ_{i≥1} w_iᵀ e^{Aτ_i} A y0
     * </pre>
     * The block formula is the Fréchet derivative of the exponential (Van Loan, <i>Computing
     * integrals involving the matrix exponential</i>, IEEE TAC 23, 1978; Najfeld and Havel 1995):
     * {@code d/dA wᵀ e^{Aτ} y0 = ∫_0^τ e^{Aᵀs} w y0ᵀ e^{Aᵀ(τ-s)} ds}.
     *
     * @param a     {@code A}, {@code n × n}. Not modified.
     * @param y0    the initial state, length {@code n}. Not modified.
     * @param times the output times. Not modified.
     * @param w     the weights, one {@code 1 × n} (or {@code n}-element) matrix per output
     * @return the gradients ({@code dtheta} is {@code dL/dA} row-major) and the loss; no stats
     */
    public static Gradients exactLinear(DMatrixRMaj a, double[] y0, double[] times, DMatrixRMaj[] w) {
        int n = a.numRows;
        int m = times.length;
        double[] dy0 = new double[n];
        DMatrixRMaj dA = new DMatrixRMaj(n, n);
        double[] dt = new double[m];
        DMatrixRMaj y0v = new DMatrixRMaj(n, 1, true, y0);
        DMatrixRMaj ay0 = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(a, y0v, ay0);
        double loss = 0;
        for (int i = 0; i < m; i++) {
            double tau = times[i] - times[0];
            DMatrixRMaj wi = new DMatrixRMaj(n, 1, true, w[i].data);
            DMatrixRMaj at = a.copy();
            CommonOps_DDRM.scale(tau, at);
            DMatrixRMaj e = expm(at);
            DMatrixRMaj yi = new DMatrixRMaj(n, 1);
            CommonOps_DDRM.mult(e, y0v, yi);
            loss += CommonOps_DDRM.dot(wi, yi);
            DMatrixRMaj g = new DMatrixRMaj(n, 1);
            CommonOps_DDRM.multTransA(e, wi, g);
            for (int k = 0; k < n; k++) {
                dy0[k] += g.data[k];
            }
            DMatrixRMaj big = new DMatrixRMaj(2 * n, 2 * n);
            for (int r = 0; r < n; r++) {
                for (int cc = 0; cc < n; cc++) {
                    big.set(r, cc, a.get(cc, r) * tau);
                    big.set(n + r, n + cc, a.get(cc, r) * tau);
                    big.set(r, n + cc, wi.data[r] * y0[cc] * tau);
                }
            }
            DMatrixRMaj eb = expm(big);
            for (int r = 0; r < n; r++) {
                for (int cc = 0; cc < n; cc++) {
                    dA.add(r, cc, eb.get(r, n + cc));
                }
            }
            if (i > 0) {
                DMatrixRMaj ayi = new DMatrixRMaj(n, 1);
                CommonOps_DDRM.mult(a, yi, ayi);
                dt[i] = CommonOps_DDRM.dot(wi, ayi);
                DMatrixRMaj eay0 = new DMatrixRMaj(n, 1);
                CommonOps_DDRM.mult(e, ay0, eay0);
                dt[0] -= CommonOps_DDRM.dot(wi, eay0);
            }
        }
        return new Gradients(dy0, dA.data, dt, loss, null);
    }
}
