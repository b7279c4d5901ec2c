package dev.neuralode.solvers.implicit;

import dev.neuralode.solvers.testkit.OrderConditions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Rosenbrock coefficients checked by the order conditions of Rosenbrock methods with an exact
 * Jacobian (Hairer, Wanner, <i>Solving ODEs II</i>, §IV.7, Table 7.1), written on Butcher's rooted
 * trees: {@code Σ_j b_j Φ_j(t) = 1/γ(t)}, where in the elementary weight {@code Φ} a vertex with
 * exactly one son reaches it through {@code β = α + Γ} (the Jacobian's contribution, diagonal
 * included) and a vertex with several sons through {@code α}. For trees of order 2 and 3 this is
 * {@code Σ b_i β'_i = 1/2 − γ} and {@code Σ b_i β_ik β'_k = 1/6 − γ + γ²} of the table.
 */
class RosenbrockCoefficientsTest {

    /** {@code Γ = (diag(1/γ) − C)⁻¹}, {@code α = a Γ}, {@code b = m Γ} (HW II, eq. 7.25 and after). */
    static final class Classical {
        final double[][] alpha;
        final double[][] beta;
        final double[][] gammaMatrix;
        final double[] b;
        final double[] bHat;

        Classical(RosenbrockTableau t) {
            int s = t.stages();
            double[][] gi = new double[s][s];
            double[][] cm = t.cMatrix();
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < i; j++) {
                    gi[i][j] = -cm[i][j];
                }
                gi[i][i] = 1.0 / t.gamma();
            }
            gammaMatrix = invertLower(gi);
            alpha = multiply(t.a(), gammaMatrix);
            beta = new double[s][s];
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    beta[i][j] = alpha[i][j] + gammaMatrix[i][j];
                }
            }
            b = multiply(t.m(), gammaMatrix);
            double[] mHat = t.m();
            double[] e = t.e();
            for (int i = 0; i < s; i++) {
                mHat[i] -= e[i];
            }
            bHat = multiply(mHat, gammaMatrix);
        }
    }

    static double[][] invertLower(double[][] l) {
        int s = l.length;
        double[][] x = new double[s][s];
        for (int col = 0; col < s; col++) {
            for (int i = 0; i < s; i++) {
                double acc = i == col ? 1.0 : 0.0;
                for (int k = 0; k < i; k++) {
                    acc -= l[i][k] * x[k][col];
                }
                x[i][col] = acc / l[i][i];
            }
        }
        return x;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int s = a.length;
        double[][] r = new double[s][s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                double acc = 0;
                for (int k = 0; k < s; k++) {
                    acc += a[i][k] * b[k][j];
                }
                r[i][j] = acc;
            }
        }
        return r;
    }

    static double[] multiply(double[] v, double[][] b) {
        int s = v.length;
        double[] r = new double[s];
        for (int j = 0; j < s; j++) {
            for (int k = 0; k < s; k++) {
                r[j] += v[k] * b[k][j];
            }
        }
        return r;
    }

    /** The worst residual of the Rosenbrock conditions of order {@code p} for weights {@code w}. */
    static double worstResidual(double[][] alpha, double[][] beta, double[] w, int p) {
        int s = w.length;
        int trees = OrderConditions.treeCount();
        double[][] phi = new double[trees][];
        double worst = 0;
        for (int t = 0; t < trees && OrderConditions.order(t) <= p; t++) {
            int[] sons = OrderConditions.children(t);
            double[][] via = sons.length == 1 ? beta : alpha;
            double[] v = new double[s];
            java.util.Arrays.fill(v, 1.0);
            for (int son : sons) {
                for (int i = 0; i < s; i++) {
                    double acc = 0;
                    for (int j = 0; j < s; j++) {
                        acc += via[i][j] * phi[son][j];
                    }
                    v[i] *= acc;
                }
            }
            phi[t] = v;
            if (OrderConditions.order(t) == p) {
                double sum = 0;
                for (int i = 0; i < s; i++) {
                    sum += w[i] * v[i];
                }
                worst = Math.max(worst, Math.abs(sum - 1.0 / OrderConditions.density(t)));
            }
        }
        return worst;
    }

    @Test
    void rodas5pIsOfOrderFiveWithAnEmbeddedOrderFour() {
        RosenbrockTableau t = ImplicitMethods.RODAS5P;
        Classical k = new Classical(t);
        for (int p = 1; p <= 5; p++) {
            assertThat(worstResidual(k.alpha, k.beta, k.b, p)).as("order %d conditions of b", p).isLessThan(1e-12);
        }
        assertThat(worstResidual(k.alpha, k.beta, k.b, 6)).as("some order-6 condition fails").isGreaterThan(1e-6);
        for (int p = 1; p <= 4; p++) {
            assertThat(worstResidual(k.alpha, k.beta, k.bHat, p)).as("order %d conditions of b^", p).isLessThan(1e-12);
        }
        assertThat(worstResidual(k.alpha, k.beta, k.bHat, 5)).as("some order-5 condition of b^ fails").isGreaterThan(1e-6);
    }

    @Test
    void rodas5pStageTimesAndTimeWeightsAreTheRowSums() {
        RosenbrockTableau t = ImplicitMethods.RODAS5P;
        Classical k = new Classical(t);
        double[] c = t.c();
        double[] d = t.d();
        for (int i = 0; i < t.stages(); i++) {
            double alphaSum = 0;
            double gammaSum = 0;
            for (int j = 0; j < t.stages(); j++) {
                alphaSum += k.alpha[i][j];
                gammaSum += k.gammaMatrix[i][j];
            }
            assertThat(alphaSum).as("c_%d = Σ_j α_ij", i).isCloseTo(c[i], org.assertj.core.data.Offset.offset(1e-13));
            assertThat(gammaSum).as("d_%d = Σ_j Γ_ij", i).isCloseTo(d[i], org.assertj.core.data.Offset.offset(1e-13));
        }
    }

    @Test
    void rodas5pIsStifflyAccurate() {
        // y1 is the last stage's argument plus its increment: b_i = α_si + Γ_si (HW II (6.?)), so R(∞) = 0
        Classical k = new Classical(ImplicitMethods.RODAS5P);
        int s = k.b.length;
        for (int j = 0; j < s; j++) {
            assertThat(k.b[j]).isCloseTo(k.alpha[s - 1][j] + k.gammaMatrix[s - 1][j],
                    org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void rosenbrock23IsOfOrderTwo() {
        // ode23s in the classical form: k1 = W⁻¹F0, k2 = f(y + h k1/2) + hJ(d k2 − d k1), y1 = y + h k2
        double d = Rosenbrock23.D;
        double[][] alpha = {{0, 0}, {0.5, 0}};
        double[][] gammaM = {{d, 0}, {-d, d}};
        double[][] beta = {{d, 0}, {0.5 - d, d}};
        double[] b = {0, 1};
        assertThat(worstResidual(alpha, beta, b, 1)).isLessThan(1e-15);
        assertThat(worstResidual(alpha, beta, b, 2)).isLessThan(1e-15);
        assertThat(worstResidual(alpha, beta, b, 3)).isGreaterThan(1e-3);
        assertThat(gammaM[1][0] + gammaM[1][1]).isZero();
    }
}
