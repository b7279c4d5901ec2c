package dev.neuralode.solvers.implicit;

import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;

/**
 * The 3-stage Radau IIA method of order 5 with the error estimate and Newton iteration of Hairer and
 * Wanner's RADAU5 (<i>Solving ODEs II</i>, §IV.8; the Fortran code's ESTRAD and its transformation):
 * for the stage increments {@code Z_i = Y_i − y} the collocation equations {@code Z = h (A ⊗ I) F(Z)}
 * are solved by a simplified Newton iteration in the variables {@code W = (T⁻¹ ⊗ I) Z}, in which
 * {@code T⁻¹ A⁻¹ T = [[γ, 0, 0], [0, α, −β], [0, β, α]]} splits each iteration into one real system
 * {@code (γ/h − J) ΔW1 = ...} (the LU of {@code I − (h/γ) J}) and one complex system
 * {@code ((α + iβ)/h − J)(ΔW2 + iΔW3) = ...} (solved in real form, a {@code 2n × 2n} LU):
 * <pre>
 *   r1 = (T⁻¹F)_1 − (γ/h) W1,   r2 = (T⁻¹F)_2 − (α/h) W2 + (β/h) W3,   r3 = (T⁻¹F)_3 − (β/h) W2 − (α/h) W3
 *   y1 = y + Z_3,   err = (γ/h − J)⁻¹ (f(t, y) + (e1 Z1 + e2 Z2 + e3 Z3)/h)
 * </pre>
 * with {@code e = (−(13 + 7√6)/3, (−13 + 7√6)/3, −1/3)}; when that estimate rejects a step it is
 * refined once as in RADAU5, {@code err ← (γ/h − J)⁻¹ (f(t, y + err) + (e·Z)/h)}. The Newton iteration
 * starts from the previous step's collocation polynomial (explicit Euler along the nodes on a first
 * step or after a rejection), stops when {@code η‖ΔW‖ ≤ max(10U/rtol, min(0.03, √rtol))} (scipy's
 * and RADAU5's test; the tolerances are used as given, not transformed as RADAU5 does),
 * {@code η = θ/(1 − θ)}, and fails after 10 iterations or when {@code θ ≥ 0.99}. Dense output:
 * the collocation polynomial through {@code y, Y1, Y2, Y3} at {@code θ = 0, c1, c2, 1} (order 3).
 * Use {@link ImplicitMethods#RADAU5}.
 */
public final class Radau5 implements Method {

    static final double SQ6 = Math.sqrt(6.0);
    static final double C1 = (4.0 - SQ6) / 10.0;
    static final double C2 = (4.0 + SQ6) / 10.0;
    /** The eigenvalues of A⁻¹ (real γ, complex α ± iβ). */
    static final double GAMMA;
    static final double ALPHA;
    static final double BETA;
    static final double E1 = -(13.0 + 7.0 * SQ6) / 3.0;
    static final double E2 = (-13.0 + 7.0 * SQ6) / 3.0;
    static final double E3 = -1.0 / 3.0;
    /** T (T32 = 1, T33 = 0) and T⁻¹, as in RADAU5. */
    static final double T11 = 9.1232394870892942792e-02;
    static final double T12 = -0.14125529502095420843;
    static final double T13 = -3.0029194105147424492e-02;
    static final double T21 = 0.24171793270710701896;
    static final double T22 = 0.20412935229379993199;
    static final double T23 = 0.38294211275726193779;
    static final double T31 = 0.96604818261509293619;
    static final double TI11 = 4.3255798900631553510;
    static final double TI12 = 0.33919925181580986954;
    static final double TI13 = 0.54177053993587487119;
    static final double TI21 = -4.1787185915519047273;
    static final double TI22 = -0.32768282076106238708;
    static final double TI23 = 0.47662355450055045196;
    static final double TI31 = -0.50287263494578687595;
    static final double TI32 = 2.5719269498556054292;
    static final double TI33 = -0.59603920482822492497;

    static {
        double cbrt9 = Math.cbrt(9.0);
        double gammaA = (6.0 + cbrt9 * (cbrt9 - 1)) / 30.0;             // real eigenvalue of A
        double alphaA = (12.0 - cbrt9 * (cbrt9 - 1)) / 60.0;            // complex pair of A
        double betaA = cbrt9 * (cbrt9 + 1) * Math.sqrt(3.0) / 60.0;
        double scale = alphaA * alphaA + betaA * betaA;
        GAMMA = 1.0 / gammaA;
        ALPHA = alphaA / scale;
        BETA = betaA / scale;
    }

    Radau5() {
    }

    /**
     * The Radau IIA coefficient matrix (Ehle 1969; HW II Table 5.6).
     *
     * @return a new 3 × 3 array
     */
    public double[][] a() {
        return new double[][] {
            {(88 - 7 * SQ6) / 360, (296 - 169 * SQ6) / 1800, (-2 + 3 * SQ6) / 225},
            {(296 + 169 * SQ6) / 1800, (88 + 7 * SQ6) / 360, (-2 - 3 * SQ6) / 225},
            {(16 - SQ6) / 36, (16 + SQ6) / 36, 1.0 / 9},
        };
    }

    /**
     * The nodes.
     *
     * @return {@code ((4 − √6)/10, (4 + √6)/10, 1)}
     */
    public double[] c() {
        return new double[] {C1, C2, 1.0};
    }

    /**
     * The transformation {@code T} with {@code T⁻¹ A⁻¹ T} block diagonal.
     *
     * @return a new 3 × 3 array
     */
    public double[][] t() {
        return new double[][] {{T11, T12, T13}, {T21, T22, T23}, {T31, 1, 0}};
    }

    /**
     * The inverse transformation.
     *
     * @return a new 3 × 3 array
     */
    public double[][] tInverse() {
        return new double[][] {{TI11, TI12, TI13}, {TI21, TI22, TI23}, {TI31, TI32, TI33}};
    }

    /**
     * The eigenvalues of {@code A⁻¹}.
     *
     * @return {@code (γ, α, β)}: {@code γ} real, {@code α ± iβ} the complex pair
     */
    public double[] inverseEigenvalues() {
        return new double[] {GAMMA, ALPHA, BETA};
    }

    @Override
    public String name() {
        return "radau5";
    }

    @Override
    public int order() {
        return 5;
    }

    @Override
    public int errorOrder() {
        return 3;
    }

    @Override
    public int denseOrder() {
        return 3;
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
        return "radau5 (Radau IIA order 5, Hairer-Wanner RADAU5)";
    }

    /** The stepper. */
    private static final class Worker extends ImplicitStepper {
        private static final int MAX_ITERATIONS = 10;
        private static final double SLOW = 0.1;
        /** Inverse of V_iq = c_i^q (i, q = 1..3): the collocation polynomial's power-basis coefficients. */
        private static final double[][] VINV = vandermondeInverse();
        private static final double[] NODES = {C1, C2, 1.0};

        private final double[] z1;
        private final double[] z2;
        private final double[] z3;
        private final double[] w1;
        private final double[] w2;
        private final double[] w3;
        private final double[] f1s;
        private final double[] f2s;
        private final double[] f3s;
        private final double[] ytmp;
        private final double[] rhs1;
        private final double[] rhs23;
        private final double[] wt;
        private final double[] tmp;
        /** The last converged attempt's polynomial coefficients P1..P3 and its interval. */
        private final double[] prevP;
        private boolean prevValid;
        private double prevEnd;
        private double prevH;
        private final DMatrixRMaj complexMatrix;
        private final LUDecompositionAlt_DDRM complexLu = new LUDecompositionAlt_DDRM();
        private double complexH = Double.NaN;
        private long complexVersion = -1;
        private boolean complexSingular;
        private double facconOld = 1.0;

        Worker(Radau5 m, OdeSystem f, int n) {
            super(m, f, n, 1.0 / GAMMA, false, 3, false, false);
            z1 = new double[n];
            z2 = new double[n];
            z3 = new double[n];
            w1 = new double[n];
            w2 = new double[n];
            w3 = new double[n];
            f1s = new double[n];
            f2s = new double[n];
            f3s = new double[n];
            ytmp = new double[n];
            rhs1 = new double[n];
            rhs23 = new double[2 * n];
            wt = new double[n];
            tmp = new double[n];
            prevP = new double[3 * n];
            complexMatrix = new DMatrixRMaj(2 * n, 2 * n);
            complexLu.setExpectedMaxSize(2 * n, 2 * n);
        }

        private static double[][] vandermondeInverse() {
            double[] c = {C1, C2, 1.0};
            double[][] v = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int q = 0; q < 3; q++) {
                    v[i][q] = Math.pow(c[i], q + 1);
                }
            }
            // 3 x 3 inverse by cofactors
            double det = v[0][0] * (v[1][1] * v[2][2] - v[1][2] * v[2][1])
                    - v[0][1] * (v[1][0] * v[2][2] - v[1][2] * v[2][0])
                    + v[0][2] * (v[1][0] * v[2][1] - v[1][1] * v[2][0]);
            double[][] inv = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    int r0 = (j + 1) % 3;
                    int r1 = (j + 2) % 3;
                    int c0 = (i + 1) % 3;
                    int c1 = (i + 2) % 3;
                    inv[i][j] = (v[r0][c0] * v[r1][c1] - v[r0][c1] * v[r1][c0]) / det;
                }
            }
            return inv;
        }

        @Override
        void onReset() {
            prevValid = false;
        }

        /** Forms and factors [[α/h − J, −β/h], [β/h, α/h − J]] unless current for this h and J. */
        private boolean factorComplex() {
            if (complexH == h && complexVersion == jacobianVersion) {
                return !complexSingular;
            }
            int nn = 2 * n;
            double[] a = complexMatrix.data;
            double ah = ALPHA / h;
            double bh = BETA / h;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double jij = dfdy[i * n + j];
                    a[i * nn + j] = -jij;
                    a[(i + n) * nn + j + n] = -jij;
                    a[i * nn + j + n] = 0;
                    a[(i + n) * nn + j] = 0;
                }
                a[i * nn + i] += ah;
                a[(i + n) * nn + i + n] += ah;
                a[i * nn + i + n] = -bh;
                a[(i + n) * nn + i] = bh;
            }
            complexH = h;
            complexVersion = jacobianVersion;
            complexSingular = !complexLu.decompose(complexMatrix);
            if (!complexSingular) {
                double[] d = complexLu.getLU().data;
                for (int i = 0; i < nn; i++) {
                    double p = d[i * nn + i];
                    if (p == 0.0 || !Double.isFinite(p)) {
                        complexSingular = true;
                        break;
                    }
                }
            }
            return !complexSingular;
        }

        @Override
        boolean stages() {
            if (!factorComplex()) {
                return false;
            }
            final double rtol = tolerance == null ? 1e-12 : tolerance.rtol();
            for (int i = 0; i < n; i++) {
                wt[i] = 1.0 / ((tolerance == null ? 1e-12 : tolerance.atol(i)) + rtol * Math.abs(y[i]));
            }
            final double fnewt = Math.max(10 * Math.ulp(1.0) / 2 / rtol, Math.min(0.03, Math.sqrt(rtol)));
            // starting values: the previous accepted step's collocation polynomial, else zero
            if (prevValid && prevEnd == t) {
                double r = h / prevH;
                for (int s = 0; s < 3; s++) {
                    double th = 1 + NODES[s] * r;
                    double th2 = th * th;
                    double th3 = th2 * th;
                    double[] zz = s == 0 ? z1 : s == 1 ? z2 : z3;
                    for (int i = 0; i < n; i++) {
                        zz[i] = prevP[i] * (th - 1) + prevP[n + i] * (th2 - 1) + prevP[2 * n + i] * (th3 - 1);
                    }
                }
            } else {
                for (int i = 0; i < n; i++) {      // explicit Euler along each node
                    z1[i] = C1 * h * f0[i];
                    z2[i] = C2 * h * f0[i];
                    z3[i] = h * f0[i];
                }
            }
            for (int i = 0; i < n; i++) {
                w1[i] = TI11 * z1[i] + TI12 * z2[i] + TI13 * z3[i];
                w2[i] = TI21 * z1[i] + TI22 * z2[i] + TI23 * z3[i];
                w3[i] = TI31 * z1[i] + TI32 * z2[i] + TI33 * z3[i];
            }
            final double gh = GAMMA / h;
            final double ah = ALPHA / h;
            final double bh = BETA / h;
            final double scaleReal = h * gamma;            // (γ/h − J)⁻¹ = (h/γ) (I − (h/γ) J)⁻¹
            double faccon = Math.pow(Math.max(facconOld, Math.ulp(1.0)), 0.8);
            double prev = 0;
            double worstTheta = 0;
            boolean converged = false;
            for (int it = 0; it < MAX_ITERATIONS; it++) {
                for (int i = 0; i < n; i++) {
                    ytmp[i] = y[i] + z1[i];
                }
                evaluate(t + C1 * h, ytmp, f1s);
                for (int i = 0; i < n; i++) {
                    ytmp[i] = y[i] + z2[i];
                }
                evaluate(t + C2 * h, ytmp, f2s);
                for (int i = 0; i < n; i++) {
                    ytmp[i] = y[i] + z3[i];
                }
                evaluate(tOne, ytmp, f3s);
                for (int i = 0; i < n; i++) {
                    double a1 = TI11 * f1s[i] + TI12 * f2s[i] + TI13 * f3s[i];
                    double a2 = TI21 * f1s[i] + TI22 * f2s[i] + TI23 * f3s[i];
                    double a3 = TI31 * f1s[i] + TI32 * f2s[i] + TI33 * f3s[i];
                    rhs1[i] = scaleReal * (a1 - gh * w1[i]);
                    rhs23[i] = a2 - ah * w2[i] + bh * w3[i];
                    rhs23[n + i] = a3 - bh * w2[i] - ah * w3[i];
                }
                matrix.solve(rhs1);
                complexLu._solveVectorInternal(rhs23);
                newtonIterations++;
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    double d1 = rhs1[i];
                    double d2 = rhs23[i];
                    double d3 = rhs23[n + i];
                    w1[i] += d1;
                    w2[i] += d2;
                    w3[i] += d3;
                    double s1 = d1 * wt[i];
                    double s2 = d2 * wt[i];
                    double s3 = d3 * wt[i];
                    sum += s1 * s1 + s2 * s2 + s3 * s3;
                }
                double dyno = Math.sqrt(sum / (3 * n));
                if (!(dyno < Double.POSITIVE_INFINITY)) {
                    return false;
                }
                if (it > 0) {
                    double theta = dyno / prev;
                    worstTheta = Math.max(worstTheta, theta);
                    if (theta >= 0.99) {
                        return false;
                    }
                    faccon = theta / (1 - theta);
                }
                for (int i = 0; i < n; i++) {
                    z1[i] = T11 * w1[i] + T12 * w2[i] + T13 * w3[i];
                    z2[i] = T21 * w1[i] + T22 * w2[i] + T23 * w3[i];
                    z3[i] = T31 * w1[i] + w2[i];
                }
                if (faccon * dyno <= fnewt || dyno == 0) {
                    converged = true;
                    break;
                }
                prev = dyno;
            }
            if (!converged) {
                return false;
            }
            facconOld = faccon;
            slowConvergence = worstTheta > SLOW;
            for (int i = 0; i < n; i++) {
                y1[i] = y[i] + z3[i];
                tmp[i] = (E1 * z1[i] + E2 * z2[i] + E3 * z3[i]) / h;
                err[i] = scaleReal * (f0[i] + tmp[i]);
            }
            matrix.solve(err);
            if (tolerance != null && tolerance.ratio(err, y, y1, scratch) > 1) {
                for (int i = 0; i < n; i++) {
                    ytmp[i] = y[i] + err[i];
                }
                evaluate(evalTime, ytmp, f1s);
                for (int i = 0; i < n; i++) {
                    err[i] = scaleReal * (f1s[i] + tmp[i]);
                }
                matrix.solve(err);
            }
            for (int q = 0; q < 3; q++) {
                double v0 = VINV[q][0];
                double v1 = VINV[q][1];
                double v2 = VINV[q][2];
                for (int i = 0; i < n; i++) {
                    prevP[q * n + i] = v0 * z1[i] + v1 * z2[i] + v2 * z3[i];
                }
            }
            prevValid = true;
            prevEnd = tEnd;
            prevH = h;
            return true;
        }

        @Override
        void buildCoefficients() {
            // the last converged attempt is the accepted one: its polynomial is in prevP
            System.arraycopy(y, 0, coeff, 0, n);
            System.arraycopy(prevP, 0, coeff, n, 3 * n);
        }
    }
}
