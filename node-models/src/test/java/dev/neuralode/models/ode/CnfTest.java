package dev.neuralode.models.ode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.Trainer;
import dev.neuralode.models.train.TrainingResult;
import dev.neuralode.solvers.SolverOptions;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class CnfTest {

    static final SolverOptions RK4 = SolverOptions.builder().method("rk4").stepSize(0.25).build();

    /** Two interleaved half circles (scikit-learn's make_moons), centred, with Gaussian noise. */
    static double[][] twoMoons(int n, double noise, Random rng) {
        double[][] x = new double[n][2];
        for (int i = 0; i < n; i++) {
            double th = Math.PI * rng.nextDouble();
            if (i % 2 == 0) {
                x[i][0] = Math.cos(th);
                x[i][1] = Math.sin(th);
            } else {
                x[i][0] = 1 - Math.cos(th);
                x[i][1] = 0.5 - Math.sin(th);
            }
            x[i][0] += -0.5 + noise * rng.nextGaussian();
            x[i][1] += -0.25 + noise * rng.nextGaussian();
        }
        return x;
    }

    static ContinuousNormalizingFlow flow(ContinuousNormalizingFlow.TraceEstimator est) {
        return new ContinuousNormalizingFlow(2, Mlp.builder(2).hidden(32).hidden(32).out(2)
                .time(Mlp.TimeMode.CONCAT_SQUASH).activation(Activation::tanh).seed(4).build(),
                1.0, RK4, GradientMethod.direct(), est);
    }

    @Test
    void exactTraceFlowRaisesTwoMoonsLikelihoodAndItsDensityIntegratesToOne() {
        double[][] data = twoMoons(128, 0.05, new Random(0));
        ContinuousNormalizingFlow cnf = flow(ContinuousNormalizingFlow.TraceEstimator.EXACT);
        Random rng = new Random(1);
        double before = mean(cnf.logProbValues(data, rng));
        TrainingResult r = Trainer.builder(new Adam(cnf.parameters(), 0.02)).iterations(60).nfe(cnf::nfe).build()
                .fit((tape, it) -> cnf.logProb(tape.constant(data), rng).mean().neg());
        double after = mean(cnf.logProbValues(data, rng));
        // density on a grid over [-5, 5]^2
        int n = 61;
        double lo = -5;
        double step = 10.0 / (n - 1);
        double[][] grid = new double[n * n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                grid[i * n + j][0] = lo + i * step;
                grid[i * n + j][1] = lo + j * step;
            }
        }
        double[] lp = cnf.logProbValues(grid, rng);
        double mass = 0;
        for (double v : lp) {
            mass += Math.exp(v) * step * step;
        }
        System.out.printf("CNF two moons: mean log-likelihood %.3f -> %.3f; density mass on grid %.4f%n",
                before, after, mass);
        assertThat(after).isGreaterThan(before + 0.3);
        assertThat(mass).isCloseTo(1.0, within(0.03));
        assertThat(r.backwardNfe() + r.forwardNfe()).isPositive();
        double[][] samples = cnf.sample(200, new Random(2));
        assertThat(samples.length).isEqualTo(200);
        for (double[] s : samples) {
            assertThat(s[0]).isFinite();
        }
    }

    /** e^{A t} by its Taylor series (40 terms; ‖A t‖ is below 1 here). */
    static double[][] expm(double[][] a, double t) {
        double[][] sum = {{1, 0}, {0, 1}};
        double[][] term = {{1, 0}, {0, 1}};
        for (int k = 1; k <= 40; k++) {
            double[][] next = new double[2][2];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    next[i][j] = (term[i][0] * a[0][j] + term[i][1] * a[1][j]) * t / k;
                }
            }
            term = next;
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    sum[i][j] += term[i][j];
                }
            }
        }
        return sum;
    }

    /**
     * A linear field {@code f(z) = A z} has the closed-form flow {@code z(T) = e^{AT} x} and
     * {@code log p(x) = log N(e^{AT} x; 0, I) + T tr(A)}; samples are {@code e^{-AT} z} with
     * {@code z ~ N(0, I)}, so their covariance is {@code e^{-AT} e^{-AT}ᵀ}.
     */
    @Test
    void linearFieldMatchesTheClosedFormDensityAndSamples() {
        double[][] a = {{-0.4, 0.6}, {-0.2, 0.3}};
        var lin = new dev.neuralode.models.nn.Linear(2, 2, false, dev.neuralode.models.nn.Init.zeros(), new Random(0));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                lin.param("weight").value().set(i, j, a[i][j]);
            }
        }
        SolverOptions tight = SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();
        ContinuousNormalizingFlow cnf = new ContinuousNormalizingFlow(2, lin, 1.0, tight, GradientMethod.adjoint(),
                ContinuousNormalizingFlow.TraceEstimator.EXACT);
        double[][] x = {{0.3, -1.2}, {2.0, 0.5}, {-0.7, 0.1}};
        double[] lp = cnf.logProbValues(x, new Random(0));
        double[][] e = expm(a, 1.0);
        for (int b = 0; b < x.length; b++) {
            double z0 = e[0][0] * x[b][0] + e[0][1] * x[b][1];
            double z1 = e[1][0] * x[b][0] + e[1][1] * x[b][1];
            double expected = -0.5 * (z0 * z0 + z1 * z1) - Math.log(2 * Math.PI) + (a[0][0] + a[1][1]);
            assertThat(lp[b]).isCloseTo(expected, within(1e-8));
        }
        int n = 4000;
        double[][] s = cnf.sample(n, new Random(5));
        double[][] inv = expm(a, -1.0);
        double[][] cov = new double[2][2];
        double[] mean = new double[2];
        for (double[] row : s) {
            for (int i = 0; i < 2; i++) {
                mean[i] += row[i] / n;
                for (int j = 0; j < 2; j++) {
                    cov[i][j] += row[i] * row[j] / n;
                }
            }
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double expected = inv[i][0] * inv[j][0] + inv[i][1] * inv[j][1];
                // standard error of a sample second moment ≈ √(2/n)·scale ≈ 0.03 here
                assertThat(cov[i][j]).as("cov[%d][%d]", i, j).isCloseTo(expected, within(0.1));
            }
            assertThat(mean[i]).isCloseTo(0.0, within(0.06));
        }
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    @Test
    void hutchinsonEstimateIsUnbiased() {
        for (var est : new ContinuousNormalizingFlow.TraceEstimator[]{
            ContinuousNormalizingFlow.TraceEstimator.HUTCHINSON_RADEMACHER,
            ContinuousNormalizingFlow.TraceEstimator.HUTCHINSON_GAUSSIAN}) {
            ContinuousNormalizingFlow cnf = flow(est);
            int m = 20000;
            DMatrixRMaj z = new DMatrixRMaj(m, 2);
            for (int i = 0; i < m; i++) {
                z.set(i, 0, 0.3);
                z.set(i, 1, -0.7);
            }
            Tape tape = new Tape();
            Tensor t = tape.scalar(0.4);
            double exact = cnf.divergence(t, tape.variable(z), null).get(0, 0);
            Tensor h = cnf.divergence(t, tape.variable(z), cnf.noise(m, new Random(9)));
            double mean = 0;
            double sq = 0;
            for (int i = 0; i < m; i++) {
                mean += h.get(i, 0);
                sq += h.get(i, 0) * h.get(i, 0);
            }
            mean /= m;
            double se = Math.sqrt((sq / m - mean * mean) / m);
            System.out.printf("Hutchinson (%s): mean %.5f ± %.5f, exact trace %.5f%n", est, mean, se, exact);
            assertThat(se).isPositive();
            assertThat(Math.abs(mean - exact)).isLessThan(4 * se);
        }
    }
}
