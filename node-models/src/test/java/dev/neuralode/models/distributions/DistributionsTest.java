package dev.neuralode.models.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.autodiff.GradientCheck;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import java.util.Random;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** Log-densities against commons-math3, gradients against finite differences, sample moments. */
class DistributionsTest {

    private static final double[][] X = {{0.3, -1.2, 2.0}, {-0.5, 0.0, 0.7}, {1.9, 0.4, -2.2}};
    private static final DMatrixRMaj COV = new DMatrixRMaj(3, 3, true, 2.0, 0.3, -0.4, 0.3, 1.0, 0.2, -0.4, 0.2, 0.5);

    @Test
    void normalLogProbIsTheSumOfCommonsMathLogDensities() {
        double[] mean = {0.1, -0.3, 0.5};
        double[] std = {0.7, 1.3, 0.2};
        Normal n = Normal.of(mean, std);
        Tape tape = new Tape();
        double[] lp = n.logProb(tape.constant(X)).value().data;
        for (int b = 0; b < X.length; b++) {
            double ref = 0;
            for (int j = 0; j < 3; j++) {
                ref += new NormalDistribution(mean[j], std[j]).logDensity(X[b][j]);
            }
            assertThat(lp[b]).as("row %d", b).isCloseTo(ref, within(1e-12));
        }
        double std0 = new NormalDistribution(0, 1).logDensity(0.3) + new NormalDistribution(0, 1).logDensity(-1.2)
                + new NormalDistribution(0, 1).logDensity(2.0);
        assertThat(Normal.standard(3).logProb(tape.constant(X)).value().get(0)).isCloseTo(std0, within(1e-12));
        double iso = 0;
        for (double v : X[0]) {
            iso += new NormalDistribution(0, Math.sqrt(0.1)).logDensity(v);
        }
        assertThat(Normal.isotropic(new double[3], Math.sqrt(0.1)).logProb(tape.constant(X)).value().get(0))
                .isCloseTo(iso, within(1e-12));
    }

    @Test
    void multivariateNormalLogProbIsCommonsMaths() {
        double[] mean = {0.2, -0.1, 0.4};
        MultivariateNormal m = MultivariateNormal.of(mean, COV);
        MultivariateNormalDistribution ref = new MultivariateNormalDistribution(mean, COV2D());
        Tape tape = new Tape();
        double[] lp = m.logProb(tape.constant(X)).value().data;
        for (int b = 0; b < X.length; b++) {
            assertThat(lp[b]).as("row %d", b).isCloseTo(Math.log(ref.density(X[b])), within(1e-12));
        }
    }

    private static double[][] COV2D() {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[i][j] = COV.get(i, j);
            }
        }
        return c;
    }

    @Test
    void gradientsWithRespectToTheInputAndTheLearnableParametersMatchFiniteDifferences() {
        DMatrixRMaj x = new DMatrixRMaj(X);
        DMatrixRMaj mu = new DMatrixRMaj(1, 3, true, 0.1, -0.3, 0.5);
        DMatrixRMaj ls = new DMatrixRMaj(1, 3, true, -0.2, 0.3, -1.0);
        GradientCheck.Result r = GradientCheck.firstOrder(in -> {
            Parameter pm = new Parameter("mean", in[1].value().copy());
            Parameter ps = new Parameter("logStd", in[2].value().copy());
            // the parameters' leaves are the checked inputs themselves: rebuild the density from tensors
            Tensor z = in[0].sub(in[1]).mul(in[2].neg().exp());
            Tensor viaTensors = z.square().add(in[2].scale(2)).add(Math.log(2 * Math.PI)).sum(1).scale(-0.5).sum();
            Tensor viaLearnable = Normal.learnable(pm, ps).logProb(in[0]).sum();
            assertThat(viaLearnable.value().get(0)).isCloseTo(viaTensors.value().get(0), within(1e-12));
            return viaTensors;
        }, new DMatrixRMaj[] {x, mu, ls}, 1e-6);
        assertThat(r.maxError()).as("%s", r).isLessThan(1e-7);

        // learnable parameters receive their gradients through the tape
        Parameter pm = new Parameter("mean", mu.copy());
        Parameter ps = new Parameter("logStd", ls.copy());
        Tape tape = new Tape();
        tape.backward(Normal.learnable(pm, ps).logProb(tape.constant(x)).sum());
        for (int j = 0; j < 3; j++) {
            double s = Math.exp(ls.get(j));
            double dmu = 0;
            double dls = 0;
            for (double[] row : X) {
                double zj = (row[j] - mu.get(j)) / s;
                dmu += zj / s;
                dls += zj * zj - 1;
            }
            assertThat(pm.grad().get(j)).as("dmean[%d]", j).isCloseTo(dmu, within(1e-12));
            assertThat(ps.grad().get(j)).as("dlogStd[%d]", j).isCloseTo(dls, within(1e-12));
        }

        Parameter mm = new Parameter("mvn-mean", new DMatrixRMaj(1, 3, true, 0.2, -0.1, 0.4));
        GradientCheck.Result rm = GradientCheck.firstOrder(
                in -> MultivariateNormal.of(new double[] {0.2, -0.1, 0.4}, COV).logProb(in[0]).sum(),
                new DMatrixRMaj[] {x}, 1e-6);
        assertThat(rm.maxError()).as("%s", rm).isLessThan(1e-7);
        Tape t2 = new Tape();
        t2.backward(MultivariateNormal.learnable(mm, COV).logProb(t2.constant(x)).sum());
        // d/dμ Σ_b log p(x_b) = Σ^{-1} Σ_b (x_b − μ)
        DMatrixRMaj inv = COV.copy();
        org.ejml.dense.row.CommonOps_DDRM.invert(inv);
        for (int j = 0; j < 3; j++) {
            double g = 0;
            for (double[] row : X) {
                for (int k = 0; k < 3; k++) {
                    g += inv.get(j, k) * (row[k] - mm.value().get(k));
                }
            }
            assertThat(mm.grad().get(j)).as("dmean[%d]", j).isCloseTo(g, within(1e-10));
        }
    }

    @Test
    void samplesHaveTheMomentsAndRsampleIsDifferentiable() {
        int n = 40_000;
        MultivariateNormal m = MultivariateNormal.of(new double[] {1, -2, 0.5}, COV);
        DMatrixRMaj s = m.sample(n, new Random(42));
        double[] mean = new double[3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                mean[j] += s.get(i, j) / n;
            }
        }
        double[] target = {1, -2, 0.5};
        for (int j = 0; j < 3; j++) {
            assertThat(mean[j]).as("mean[%d]", j).isCloseTo(target[j], within(5 * Math.sqrt(COV.get(j, j) / n)));
        }
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double c = 0;
                for (int i = 0; i < n; i++) {
                    c += (s.get(i, a) - mean[a]) * (s.get(i, b) - mean[b]) / (n - 1);
                }
                double sd = Math.sqrt((COV.get(a, a) * COV.get(b, b) + COV.get(a, b) * COV.get(a, b)) / n);
                assertThat(c).as("cov(%d, %d)", a, b).isCloseTo(COV.get(a, b), within(5 * sd));
            }
        }
        // the same seed gives the same samples, drawn or reparameterized
        Tape tape = new Tape();
        Tensor r = MultivariateNormal.of(new double[] {1, -2, 0.5}, COV).rsample(tape, 5, new Random(7));
        DMatrixRMaj v = MultivariateNormal.of(new double[] {1, -2, 0.5}, COV).sample(5, new Random(7));
        assertThat(r.value().data).containsExactly(v.data, within(1e-14));
        // rsample of a learnable normal: d(Σ x)/dμ = n, d(Σ x)/dlogσ = Σ ε σ
        Parameter pm = new Parameter("m", new DMatrixRMaj(1, 2, true, 0.5, -0.5));
        Parameter ps = new Parameter("s", new DMatrixRMaj(1, 2, true, 0.1, -0.2));
        Tape t2 = new Tape();
        Tensor x = Normal.learnable(pm, ps).rsample(t2, 6, new Random(3));
        t2.backward(x.sum());
        assertThat(pm.grad().data).containsExactly(new double[] {6, 6}, within(1e-12));
        Random again = new Random(3);
        double[] expected = new double[2];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 2; j++) {
                expected[j] += again.nextGaussian() * Math.exp(ps.value().get(j));
            }
        }
        assertThat(ps.grad().data).containsExactly(expected, within(1e-12));
    }

    @Test
    void badInputIsRejectedWithTheProblemNamed() {
        assertThatThrownBy(() -> Normal.of(new double[] {0, 0}, new double[] {1, 0}))
                .hasMessageContaining("std[1] = 0.0");
        assertThatThrownBy(() -> Normal.of(new double[] {0, 0}, new double[] {1}))
                .hasMessageContaining("length 2").hasMessageContaining("length 1");
        assertThatThrownBy(() -> Normal.standard(0)).hasMessageContaining("at least 1");
        Tape tape = new Tape();
        assertThatThrownBy(() -> Normal.standard(2).logProb(tape.constant(X)))
                .hasMessageContaining("3x3").hasMessageContaining("batch x 2");
        assertThatThrownBy(() -> MultivariateNormal.of(new double[] {0, 0},
                new DMatrixRMaj(2, 2, true, 1, 0.5, 0.4, 1))).hasMessageContaining("not symmetric");
        assertThatThrownBy(() -> MultivariateNormal.of(new double[] {0, 0},
                new DMatrixRMaj(2, 2, true, 1, 2, 2, 1))).hasMessageContaining("not positive definite");
        assertThatThrownBy(() -> MultivariateNormal.of(new double[] {0, 0, 0}, new DMatrixRMaj(2, 2)))
                .hasMessageContaining("3 x 3");
        assertThatThrownBy(() -> Normal.standard(2).sample(0, new Random(1))).hasMessageContaining("at least 1");
    }
}
