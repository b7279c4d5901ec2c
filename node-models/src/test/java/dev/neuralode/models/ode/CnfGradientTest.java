package dev.neuralode.models.ode;

import dev.neuralode.models.GradientChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * The CNF's parameter gradients against central finite differences, for every trace estimator
 * and every gradient method, on a tiny flow (2-D, one hidden layer of 4 concat-squash units, 40
 * parameters, 3 points). The field is one op whose vector–Jacobian product is computed on a
 * private tape; these tests check that this gives the true gradient of the log-likelihood, that
 * each solve keeps its own Hutchinson noise, and that the field passes the time gradient.
 */
class CnfGradientTest {

    static final double[][] DATA = {{0.3, -0.2}, {-0.5, 0.4}, {0.1, 0.9}};
    static final SolverOptions FINE_RK4 = SolverOptions.builder().method("rk4").stepSize(0.02).build();
    static final SolverOptions DOPRI = SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();

    static ContinuousNormalizingFlow flow(SolverOptions o, GradientMethod m,
            ContinuousNormalizingFlow.TraceEstimator est) {
        return new ContinuousNormalizingFlow(2, Mlp.builder(2).hidden(4).out(2).time(Mlp.TimeMode.CONCAT_SQUASH)
                .seed(3).build(), 1.0, o, m, est);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    /** Central differences of the mean log-likelihood (noise re-drawn from the same seed). */
    static double[] finiteDifferences(ContinuousNormalizingFlow ref, long noiseSeed) {
        return GradientChecks.centralDifferences(ref.parameters(), 1e-5,
                () -> mean(ref.logProbValues(DATA, new Random(noiseSeed))));
    }

    static double[] flatGrad(List<Parameter> ps) {
        int n = ps.stream().mapToInt(Parameter::size).sum();
        double[] g = new double[n];
        int k = 0;
        for (Parameter p : ps) {
            for (double d : p.grad().data) {
                g[k++] = d;
            }
        }
        return g;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void everyParameterGradientMatchesFiniteDifferencesForEveryEstimatorAndMethod() {
        for (var est : ContinuousNormalizingFlow.TraceEstimator.values()) {
            // reference: the log-likelihood of a fine fixed-step RK4 solve, differenced
            double[] fd = finiteDifferences(flow(FINE_RK4, GradientMethod.direct(), est), 42);
            assertThat(fd.length).isEqualTo(40);
            double scale = Math.abs(fd[0]);
            for (double d : fd) {
                scale = Math.max(scale, Math.abs(d));
            }
            assertThat(scale).isGreaterThan(0.1);
            Object[][] cases = {
                {"direct (rk4 h=0.02)", FINE_RK4, GradientMethod.direct()},
                {"adjoint (dopri5 1e-10)", DOPRI, GradientMethod.adjoint()},
                {"checkpointed (dopri5 1e-10)", DOPRI, GradientMethod.checkpointed(3)}};
            for (Object[] c : cases) {
                ContinuousNormalizingFlow cnf = flow((SolverOptions) c[1], (GradientMethod) c[2], est);
                Tape tape = new Tape();
                tape.backward(cnf.logProb(tape.constant(DATA), new Random(42)).mean());
                double err = maxAbsDiff(flatGrad(cnf.parameters()), fd);
                System.out.printf("CNF gradient, %s, %s: max |grad - finite difference| %.2e (max |grad| %.3f)%n",
                        est, c[0], err, scale);
                assertThat(err).as("%s %s", est, c[0]).isLessThan(1e-7);
            }
        }
    }

    /**
     * Gradient methods evaluate the dynamics again during the backward pass; a later solve of the
     * same flow (another batch, a validation log-likelihood, sampling) must not change the noise
     * used to differentiate an earlier one.
     */
    @Test
    void eachSolveKeepsItsOwnHutchinsonNoise() {
        for (GradientMethod m : new GradientMethod[]{GradientMethod.direct(), GradientMethod.adjoint()}) {
            ContinuousNormalizingFlow cnf = flow(DOPRI, m, ContinuousNormalizingFlow.TraceEstimator.HUTCHINSON_GAUSSIAN);
            Tape alone = new Tape();
            alone.backward(cnf.logProb(alone.constant(DATA), new Random(42)).mean());
            double[] g1 = flatGrad(cnf.parameters());
            cnf.zeroGrad();
            Tape other = new Tape();
            other.backward(cnf.logProb(other.constant(DATA), new Random(43)).mean());
            double[] g2 = flatGrad(cnf.parameters());
            assertThat(maxAbsDiff(g1, g2)).as("different noise gives a different gradient").isGreaterThan(1e-3);

            cnf.zeroGrad();
            Tape tape = new Tape();
            Tensor lp = cnf.logProb(tape.constant(DATA), new Random(42)).mean();
            Tensor lq = cnf.logProb(tape.constant(DATA), new Random(43)).mean();
            cnf.logProbValues(DATA, new Random(7)); // another solve in between
            cnf.sample(2, new Random(8));
            tape.backward(lp.add(lq));
            double[] both = flatGrad(cnf.parameters());
            double[] sum = new double[g1.length];
            for (int i = 0; i < sum.length; i++) {
                sum[i] = g1[i] + g2[i];
            }
            assertThat(maxAbsDiff(both, sum)).as(m.name()).isLessThan(1e-9);
        }
    }

    /**
     * The field's vector–Jacobian product includes {@code ∂f/∂t}: the gradient of a solve of the
     * augmented dynamics with respect to its start time matches finite differences.
     */
    @Test
    void theFieldPassesTheTimeGradient() {
        ContinuousNormalizingFlow cnf = flow(DOPRI, GradientMethod.adjoint(),
                ContinuousNormalizingFlow.TraceEstimator.EXACT);
        DMatrixRMaj s0 = new DMatrixRMaj(new double[][]{{0.3, -0.2, 0.0}, {-0.5, 0.4, 0.0}});
        DMatrixRMaj w = new DMatrixRMaj(new double[][]{{1.0, -2.0, 0.5}, {0.3, 0.7, -1.5}});
        double t0 = 0.2;
        Tape tape = new Tape();
        Tensor times = tape.variable(new DMatrixRMaj(1, 2, true, t0, 1.0));
        Tensor y1 = OdeSolve.solve(cnf.func(), tape.constant(s0), times, DOPRI, GradientMethod.adjoint()).at(1);
        tape.backward(y1.mul(tape.constant(w)).sum());
        double analytic = times.grad().get(0, 0);
        double h = 1e-4;
        double fd = (objective(cnf, s0, w, t0 + h) - objective(cnf, s0, w, t0 - h)) / (2 * h);
        System.out.printf("CNF field: dL/dt0 %.8f, finite difference %.8f%n", analytic, fd);
        assertThat(Math.abs(fd)).isGreaterThan(0.01);
        assertThat(analytic).isCloseTo(fd, within(1e-6));
    }

    private static double objective(ContinuousNormalizingFlow cnf, DMatrixRMaj s0, DMatrixRMaj w, double t0) {
        Tape tape = new Tape();
        Tensor y = OdeSolve.solve(cnf.func(), tape.constant(s0), new double[]{t0, 1.0}, DOPRI,
                GradientMethod.adjoint()).at(1);
        return y.mul(tape.constant(w)).sum().item();
    }
}
