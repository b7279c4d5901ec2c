package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every gradient method must pass these; a new method is added in {@link Fixtures#methods()}. */
class GradientMethodContractTest {

    static List<GradientMethod> methods() {
        return Fixtures.methods();
    }

    private static final SolverOptions TIGHT =
            SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();

    private static DMatrixRMaj y0() {
        return Fixtures.random(2, 2, 0.6, new Random(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void matchesFiniteDifferencesOnNonAutonomousMlp(GradientMethod method) {
        Fixtures.Mlp f = new Fixtures.Mlp(2, 8, 7, true);
        double[] times = {0.0, 0.4, 1.0};
        DMatrixRMaj[] w = Fixtures.weights(3, 2, 2, 13);
        Fixtures.Grads got = Fixtures.gradients(f, y0(), times, w, TIGHT, method);
        Fixtures.Grads fd = Fixtures.finiteDifferences(f, y0(), times, w, TIGHT, 1e-5);
        assertThat(Fixtures.worst(got, fd)).isLessThan(1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void matchesFiniteDifferencesBackwardsInTime(GradientMethod method) {
        Fixtures.Mlp f = new Fixtures.Mlp(2, 8, 8, true);
        double[] times = {1.0, 0.5, -0.2};
        DMatrixRMaj[] w = Fixtures.weights(3, 2, 2, 17);
        Fixtures.Grads got = Fixtures.gradients(f, y0(), times, w, TIGHT, method);
        Fixtures.Grads fd = Fixtures.finiteDifferences(f, y0(), times, w, TIGHT, 1e-5);
        assertThat(Fixtures.worst(got, fd)).isLessThan(1e-5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void forwardStatesMatchTheSolverAndStatsAreFilled(GradientMethod method) {
        Fixtures.Mlp f = new Fixtures.Mlp(2, 8, 7, false);
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(f, tape.variable(y0()), new double[] {0, 0.5, 1.0}, TIGHT, method);
        assertThat(r.size()).isEqualTo(3);
        assertThat(r.stacked().rows()).isEqualTo(6);
        assertThat(r.at(0).value().data).containsExactly(y0().data);
        assertThat(r.stats().forwardEvaluations()).isPositive();
        assertThat(r.stats().backwardDone()).isFalse();
        tape.backward(r.at(2).sum());
        GradientStats s = r.stats();
        assertThat(s.backwardDone()).isTrue();
        assertThat(s.backwardEvaluations()).isPositive();
        assertThat(s.backwardSteps()).isPositive();
        assertThat(s.peakStoredDoubles()).isGreaterThanOrEqualTo(s.storedDoubles());
        if (method.name().startsWith("adjoint")) {
            assertThat(s.reconstructionError()).isBetween(0.0, 1e-6);
        } else {
            assertThat(s.reconstructionError()).isNaN();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void parameterGradientsAccumulateAcrossBackwardPasses(GradientMethod method) {
        Fixtures.Mlp f = new Fixtures.Mlp(2, 8, 7, false);
        double[] times = {0.0, 0.7};
        DMatrixRMaj[] w = Fixtures.weights(2, 2, 2, 3);
        Fixtures.Grads once = Fixtures.gradients(f, y0(), times, w, TIGHT, method);
        // second backward without zeroing: the parameter gradient doubles
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(f, tape.constant(y0()), times, TIGHT, method);
        tape.backward(r.at(1).mul(tape.constant(w[1])).sum());
        assertThat(f.w1.grad().data[0]).isCloseTo(2 * once.dtheta()[0],
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void aRetainedSolveSweptTwiceGivesTheSameGradientsAfterOtherSolvesReusedItsMemory(GradientMethod method) {
        // the forward recordings are handed back to the thread's pool after the first backward;
        // other solves then reuse (and overwrite) those arrays; the second backward must not see them
        Fixtures.Mlp f = new Fixtures.Mlp(2, 8, 7, false);
        double[] times = {0.0, 0.3, 0.7};
        DMatrixRMaj[] w = Fixtures.weights(3, 2, 2, 3);
        Fixtures.Grads once = Fixtures.gradients(f, y0(), times, w, TIGHT, method);
        for (Parameter p : f.parameters()) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        Tensor y = tape.variable(y0());
        OdeSolveResult r = OdeSolve.solve(f, y, times, TIGHT, method);
        Tensor loss = r.at(0).mul(tape.constant(w[0])).sum().add(r.at(1).mul(tape.constant(w[1])).sum())
                .add(r.at(2).mul(tape.constant(w[2])).sum());
        tape.backward(loss, null, true, false);
        double[] first = f.w1.grad().data.clone();
        double[] firstY = y.grad().value().data.clone();
        Fixtures.gradients(f, Fixtures.random(2, 2, 0.9, new Random(77)), times, w, TIGHT, method);
        for (Parameter p : f.parameters()) {
            p.zeroGrad();
        }
        y.zeroGrad();
        tape.backward(loss, null, true, false);
        for (int i = 0; i < first.length; i++) {
            assertThat(f.w1.grad().data[i]).isCloseTo(first[i], org.assertj.core.data.Offset.offset(1e-12));
        }
        for (int i = 0; i < firstY.length; i++) {
            assertThat(y.grad().value().data[i]).isCloseTo(firstY[i], org.assertj.core.data.Offset.offset(1e-12));
            assertThat(firstY[i]).isCloseTo(once.dy0()[i], org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void nonFiniteAdjointNamesTheBackwardPassAndTime(GradientMethod method) {
        Parameter p = new Parameter("k", new DMatrixRMaj(1, 1, true, -0.5));
        Dynamics poisoned = new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                // h - h is 0, and sqrt(0) is fine forwards; its derivative 1/(2·sqrt(0)) is not
                return h.mul(h.tape().param(p)).add(h.sub(h).sqrt());
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(p);
            }
        };
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(poisoned, tape.variable(y0()), new double[] {0, 1}, TIGHT, method);
        assertThat(r.at(1).value().data[0]).isFinite();
        String pass = method.name().startsWith("direct") ? "backward pass of backprop through the solver"
                : method.name().startsWith("adjoint") ? "backward pass of the backsolve adjoint"
                : "backward pass of the checkpointed adjoint";
        assertThatThrownBy(() -> tape.backward(r.at(1).sum()))
                .isInstanceOf(NonFiniteStateException.class)
                .hasMessageContaining(pass)
                .hasMessageContaining("at t=")
                .satisfies(e -> assertThat(((NonFiniteStateException) e).time()).isBetween(0.0, 1.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void nonFiniteParameterGradientNamesTheBackwardPassAndTime(GradientMethod method) {
        Parameter p = new Parameter("k", new DMatrixRMaj(1, 1, true, -0.5));
        Parameter q = new Parameter("q", new DMatrixRMaj(1, 1, true, 0.25));
        Dynamics poisoned = new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                // sqrt(q - q) is 0 forwards and does not depend on h, so the adjoint state stays
                // finite; its derivative 1/(2·sqrt(0)) makes dL/dq NaN
                Tensor pq = h.tape().param(q);
                return h.mul(h.tape().param(p)).add(pq.sub(pq).sqrt());
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(p, q);
            }
        };
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(poisoned, tape.variable(y0()), new double[] {0, 1}, TIGHT, method);
        String pass = method.name().startsWith("direct") ? "backward pass of backprop through the solver"
                : method.name().startsWith("adjoint") ? "backward pass of the backsolve adjoint"
                : "backward pass of the checkpointed adjoint";
        assertThatThrownBy(() -> tape.backward(r.at(1).sum()))
                .isInstanceOf(NonFiniteStateException.class)
                .hasMessageContaining(pass)
                .hasMessageContaining("parameter adjoint aθ[1]")
                .satisfies(e -> assertThat(((NonFiniteStateException) e).time()).isBetween(0.0, 1.0));
        assertThat(q.grad().data).containsOnly(0.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void constantInitialStateAndOneOutputTime(GradientMethod method) {
        Fixtures.Mlp f = new Fixtures.Mlp(2, 8, 7, false);
        Tape tape = new Tape();
        Tensor y = tape.variable(y0());
        OdeSolveResult r = OdeSolve.solve(f, y, new double[] {0.3}, TIGHT, method);
        tape.backward(r.at(0).sum());
        assertThat(y.grad().value().data).containsOnly(1.0);
    }
}
