package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.explicit.ContinuousExtension;
import dev.neuralode.solvers.explicit.Tableaus;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.step.Stepper;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Backprop through the solver on the step contract: a user tableau with its own dense output, jump
 * times, forward recordings of a system that is not tape-backed, and methods it cannot replay.
 */
class DirectStepContractTest {

    /**
     * SSPRK3 (Shu–Osher 1988) with its free second-order interpolant (Ketcheson et al. 2017):
     * {@code w_0 = θ - 5θ²/6, w_1 = θ²/6, w_2 = 2θ²/3}, nothing on {@code f(t + h, y1)}.
     */
    static final ButcherTableau SSPRK3 = new ButcherTableau("ssprk3", 3, 0,
            new double[][] {{}, {1}, {0.25, 0.25}}, new double[] {1.0 / 6, 1.0 / 6, 2.0 / 3},
            new double[] {0, 1, 0.5}, null, false)
            .withContinuousExtension(ContinuousExtension.of(2, new double[][] {
                {1, -5.0 / 6}, {0, 1.0 / 6}, {0, 2.0 / 3}, {0, 0}}));

    @Test
    void aUserTableauIsDifferentiatedThroughItsOwnContinuousExtension() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 6, 51, true);
        // step 0.05: outputs at θ = 0.6 and 0.2 inside steps, the last step shortened
        double[] times = {0.0, 0.33, 0.41, 0.71};
        SolverOptions o = SolverOptions.builder().method(SSPRK3).stepSize(0.05).build();
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.7, new Random(8));
        DMatrixRMaj[] w = GradientProblems.weights(4, 2, 2, 9);
        Gradients got = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients fd = Gradients.finiteDifferences(f, y0, times, w, o, 1e-5);
        assertThat(Gradients.relativeError(got.dy0(), fd.dy0())).as("dL/dy0").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtheta(), fd.dtheta())).as("dL/dθ").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtimes(), fd.dtimes())).as("dL/dt").isLessThan(1e-7);
        // the extension matters: with cubic Hermite the outputs inside steps differ
        SolverOptions hermite = SolverOptions.builder().method(new ButcherTableau("ssprk3", 3, 0,
                new double[][] {{}, {1}, {0.25, 0.25}}, new double[] {1.0 / 6, 1.0 / 6, 2.0 / 3},
                new double[] {0, 1, 0.5}, null, false)).stepSize(0.05).build();
        assertThat(Math.abs(Gradients.loss(f, y0, times, w, hermite) - fd.loss())).isGreaterThan(1e-8);
        // and the weights are the extension's: θ = 0.4 by hand
        DenseWeights dw = DenseWeights.of(SSPRK3);
        double[] wt = new double[4];
        double[] dwt = new double[4];
        dw.weights(0.4, wt, dwt);
        assertThat(wt).containsExactly(new double[] {0.4 - 5.0 / 6 * 0.16, 0.16 / 6, 2.0 / 3 * 0.16, 0},
                org.assertj.core.data.Offset.offset(1e-15));
        assertThat(dwt).containsExactly(new double[] {1 - 5.0 / 3 * 0.4, 0.4 / 3, 4.0 / 3 * 0.4, 0},
                org.assertj.core.data.Offset.offset(1e-15));
    }

    /** The MLP with a jump at t = 0.33: f is scaled by 1.5 before it, shifted by 0.5 after. */
    static final class Jumping implements Dynamics {
        final GradientProblems.Mlp mlp;
        final double jump;

        Jumping(GradientProblems.Mlp mlp, double jump) {
            this.mlp = mlp;
            this.jump = jump;
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tensor base = mlp.apply(t, h);
            return t.value().data[0] > jump ? base.add(0.5) : base.scale(1.5);
        }

        @Override
        public List<Parameter> parameters() {
            return mlp.parameters();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "rk4", "dopri8"})
    void jumpTimesThroughDirectEqualFiniteDifferences(String method) {
        GradientProblems.Mlp mlp = new GradientProblems.Mlp(2, 6, 52, true);
        Jumping f = new Jumping(mlp, 0.33);
        // step 0.04 (0.33 is no multiple of it); outputs inside steps before and after the jump
        double[] times = {0.0, 0.21, 0.47, 0.71};
        SolverOptions o = SolverOptions.builder().method(method).stepSize(0.04).jumpTimes(0.33).build();
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.7, new Random(10));
        DMatrixRMaj[] w = GradientProblems.weights(4, 2, 2, 11);
        Gradients got = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients fd = Gradients.finiteDifferences(f, y0, times, w, o, 1e-5);
        assertThat(Gradients.relativeError(got.dy0(), fd.dy0())).as("dL/dy0").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtheta(), fd.dtheta())).as("dL/dθ").isLessThan(1e-7);
        assertThat(Gradients.relativeError(got.dtimes(), fd.dtimes())).as("dL/dt").isLessThan(1e-7);
        // recomputed stages see the jump from the same sides as the forward solve
        Gradients recomputed = Gradients.compute(f, y0, times, w, o, GradientMethod.direct(0));
        assertThat(Gradients.worst(got, recomputed)).isLessThan(1e-12);
        // without the jump time, steps straddle the discontinuity: a different discrete solve
        SolverOptions plain = SolverOptions.builder().method(method).stepSize(0.04).build();
        assertThat(Math.abs(Gradients.loss(f, y0, times, w, plain) - fd.loss())).isGreaterThan(1e-6);
    }

    @Test
    void adaptiveJumpTimesAgreeWithTheCheckpointedAdjoint() {
        Jumping f = new Jumping(new GradientProblems.Mlp(2, 6, 53, false), 0.33);
        double[] times = {0.0, 0.21, 0.47, 0.71};
        SolverOptions o = SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).jumpTimes(0.33).build();
        DMatrixRMaj y0 = GradientProblems.random(2, 2, 0.7, new Random(12));
        DMatrixRMaj[] w = GradientProblems.weights(4, 2, 2, 13);
        Gradients direct = Gradients.compute(f, y0, times, w, o, GradientMethod.direct());
        Gradients ckpt = Gradients.compute(f, y0, times, w, o, GradientMethod.checkpointed());
        assertThat(Gradients.relativeError(direct.dy0(), ckpt.dy0())).as("dL/dy0").isLessThan(1e-6);
        assertThat(Gradients.relativeError(direct.dtheta(), ckpt.dtheta())).as("dL/dθ").isLessThan(1e-6);
        // dL/dt_i = g_i·f(t_i) for the later outputs; dL/dt_0 of the continuous adjoint misses the
        // jump's Dirac term in ∂f/∂t (f jumps at a fixed time while t_0 moves), the discrete one has it
        double[] dtD = java.util.Arrays.copyOfRange(direct.dtimes(), 1, 4);
        double[] dtC = java.util.Arrays.copyOfRange(ckpt.dtimes(), 1, 4);
        assertThat(Gradients.relativeError(dtD, dtC)).as("dL/dt_i, i >= 1").isLessThan(1e-6);
    }

    /** dy/dt = A y written by hand, with the default linearization (a copy of the point). */
    static final class HandLinear implements DifferentiableOdeSystem {
        final double[] a = {-0.3, 0.8, -0.9, -0.2};
        long derivatives;
        long products;

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public int parameterCount() {
            return 4;
        }

        @Override
        public void derivative(double t, double[] y, double[] dydt) {
            derivatives++;
            dydt[0] = a[0] * y[0] + a[1] * y[1];
            dydt[1] = a[2] * y[0] + a[3] * y[1];
        }

        @Override
        public void vectorJacobianProduct(double t, double[] y, double[] v, double[] dydt, double[] aDy,
                                          double[] aDtheta, double[] aDt) {
            products++;
            if (dydt != null) {
                derivative(t, y, dydt);
            }
            if (aDy != null) {
                aDy[0] = v[0] * a[0] + v[1] * a[2];
                aDy[1] = v[0] * a[1] + v[1] * a[3];
            }
            if (aDtheta != null) {
                aDtheta[0] = v[0] * y[0];
                aDtheta[1] = v[0] * y[1];
                aDtheta[2] = v[1] * y[0];
                aDtheta[3] = v[1] * y[1];
            }
            if (aDt != null) {
                aDt[0] = 0;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "rkf45", "rk4"})
    void forwardRecordingsOfAnySystemAreReusedBackwards(String method) {
        SolverOptions o = method.equals("rk4") ? SolverOptions.builder().method(method).stepSize(0.05).build()
                : SolverOptions.builder().method(method).rtol(1e-8).atol(1e-10).build();
        double[] times = {0.0, 0.13, 0.6, 1.1};
        double[] y0 = {1.0, -0.5};
        double[] g = new double[8];
        Random r = new Random(14);
        for (int i = 0; i < g.length; i++) {
            g[i] = r.nextGaussian();
        }
        HandLinear kept = new HandLinear();
        BackwardResult withRecords = GradientMethod.direct().forward(kept, y0, times, o, true).backward(g);
        HandLinear fresh = new HandLinear();
        BackwardResult without = GradientMethod.direct(0).forward(fresh, y0, times, o, true).backward(g);
        // same gradient
        for (int i = 0; i < 2; i++) {
            assertThat(withRecords.dy0()[i]).isCloseTo(without.dy0()[i], org.assertj.core.data.Offset.offset(1e-12));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(withRecords.dtheta()[i]).isCloseTo(without.dtheta()[i],
                    org.assertj.core.data.Offset.offset(1e-12));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(withRecords.dtimes()[i]).isCloseTo(without.dtimes()[i],
                    org.assertj.core.data.Offset.offset(1e-12));
        }
        // recorded: no stage is evaluated again backwards, only its product is taken
        assertThat(withRecords.stats().functionEvaluations()).isLessThan(without.stats().functionEvaluations());
        long steps = withRecords.stats().acceptedSteps();
        assertThat(without.stats().functionEvaluations() - withRecords.stats().functionEvaluations())
                .isGreaterThanOrEqualTo(steps * (((ButcherTableau) o.method()).stages() - 1));
        assertThat(kept.products).isEqualTo(withRecords.stats().functionEvaluations());
    }

    /** A method that is not a Butcher tableau (here it runs rk4's stepper under another name). */
    static final Method OPAQUE = new Method() {
        @Override
        public String name() {
            return "opaque";
        }

        @Override
        public int order() {
            return 4;
        }

        @Override
        public int errorOrder() {
            return 0;
        }

        @Override
        public int denseOrder() {
            return 3;
        }

        @Override
        public Stepper newStepper(OdeSystem f, int n) {
            return Tableaus.RK4.newStepper(f, n);
        }
    };

    @Test
    void directNamesAMethodItCannotReplayAndTheAlternatives() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 4, 54, false);
        SolverOptions o = SolverOptions.builder().method(OPAQUE).stepSize(0.1).build();
        Tape tape = new Tape();
        Tensor y0 = tape.variable(GradientProblems.random(1, 2, 0.5, new Random(15)));
        assertThatThrownBy(() -> OdeSolve.solve(f, y0, new double[] {0, 1}, o, GradientMethod.direct()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'opaque'")
                .hasMessageContaining("direct() replays explicit Runge–Kutta steps")
                .hasMessageContaining("GradientMethod.adjoint()")
                .hasMessageContaining("GradientMethod.checkpointed()");
        // the adjoints need no tableau
        OdeSolveResult r = OdeSolve.solve(f, y0, new double[] {0, 1}, o, GradientMethod.checkpointed());
        tape.backward(r.at(1).sum());
        for (double v : y0.grad().value().data) {
            assertThat(v).isFinite().isNotZero();
        }
    }
}
