package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.adjoint.testkit.GradientMethodContract;
import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.NonFiniteStateException;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every gradient method of {@link Fixtures#methods()} passes the published contract
 * ({@link GradientMethodContract}), check by check and as a whole, plus what only the built-ins
 * promise (which of them reports a reconstruction error, the exact name of each backward pass).
 */
class GradientMethodContractTest {

    static List<GradientMethod> methods() {
        return Fixtures.methods();
    }

    /** The reference a method is compared with: another family than its own. */
    static GradientMethod reference(GradientMethod method) {
        return method instanceof DirectGradient ? GradientMethod.checkpointed() : GradientMethod.direct();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void matchesFiniteDifferencesForwardsBackwardsAndOnOneInterval(GradientMethod method) {
        GradientMethodContract.checkFiniteDifferences(method);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void forwardStatesAreThePlainSolversExactly(GradientMethod method) {
        GradientMethodContract.checkForwardStates(method);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void statsAreFilled(GradientMethod method) {
        GradientMethodContract.checkStats(method);
        // only the backsolve adjoint reconstructs the state backwards, and reports how well
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(new GradientProblems.Mlp(2, 8, 7, false),
                tape.variable(GradientProblems.mlpY0()), new double[] {0, 0.5, 1.0}, GradientProblems.TIGHT, method);
        tape.backward(r.at(2).sum());
        if (method.name().startsWith("adjoint")) {
            assertThat(r.stats().reconstructionError()).isBetween(0.0, 1e-6);
        } else {
            assertThat(r.stats().reconstructionError()).isNaN();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void parameterGradientsAccumulateAcrossBackwardPasses(GradientMethod method) {
        GradientMethodContract.checkAccumulation(method);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void aRetainedSolveSweptTwiceGivesTheSameGradientsAfterOtherSolvesReusedItsMemory(GradientMethod method) {
        // the forward recordings are handed back to the thread's pool after the first backward;
        // other solves then reuse (and overwrite) those arrays; the second backward must not see them
        GradientMethodContract.checkRepeatedBackward(method);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void nonFiniteAdjointNamesTheBackwardPassAndTime(GradientMethod method) {
        NonFiniteStateException e = GradientMethodContract.checkNonFiniteBackward(method);
        if (method.name().startsWith("forwardSensitivity")) {
            assertThat(e.pass()).isEqualTo("forward pass of the forward sensitivities");
            assertThat(e).hasMessageContaining("sensitivity ∂y[");
            return;
        }
        String pass = method.name().startsWith("direct") ? "backward pass of backprop through the solver"
                : method.name().startsWith("adjoint") ? "backward pass of the backsolve adjoint"
                : method.name().startsWith("quadrature") ? "backward pass of the quadrature adjoint"
                : "backward pass of the checkpointed adjoint";
        assertThat(e.pass()).startsWith(pass);
        assertThat(e).hasMessageContaining(pass).hasMessageContaining("at t=");
        assertThat(e.time()).isBetween(0.0, 1.0);
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
        if (method.name().startsWith("forwardSensitivity")) {
            // the sensitivities are computed forwards: the NaN of ∂f/∂q is met there, naming q's sensitivity
            assertThatThrownBy(() -> OdeSolve.solve(poisoned, tape.variable(GradientProblems.mlpY0()),
                    new double[] {0, 1}, GradientProblems.TIGHT, method))
                    .isInstanceOf(NonFiniteStateException.class)
                    .hasMessageContaining("forward pass of the forward sensitivities")
                    .hasMessageContaining("(parameter 1)");
            assertThat(q.grad().data).containsOnly(0.0);
            return;
        }
        OdeSolveResult r = OdeSolve.solve(poisoned, tape.variable(GradientProblems.mlpY0()), new double[] {0, 1},
                GradientProblems.TIGHT, method);
        String pass = method.name().startsWith("direct") ? "backward pass of backprop through the solver"
                : method.name().startsWith("adjoint") ? "backward pass of the backsolve adjoint"
                : method.name().startsWith("quadrature") ? "backward pass of the quadrature adjoint"
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
        GradientMethodContract.checkOneOutputTime(method);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void passesTheWholeContract(GradientMethod method) {
        GradientMethodContract.checkAll(method, reference(method));
    }
}
