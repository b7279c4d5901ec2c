package com.example.gradient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.adjoint.ForwardPass;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.TapeOdeSystem;
import dev.neuralode.adjoint.testkit.GradientMethodContract;
import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.adjoint.testkit.Gradients;
import org.junit.jupiter.api.Test;

/**
 * What a user's own build does with a gradient method of its own (outside the library's packages,
 * with public API and the published kit only): run the whole contract on it; and that the kit
 * fails, with a message naming the method and what is wrong, for methods with one bug each.
 */
class UserGradientMethodTest {

    @Test
    void forwardSensitivityPassesTheWholeContract() {
        GradientMethodContract.checkAll(new ForwardSensitivity());
    }

    @Test
    void forwardSensitivityAgreesWithTheCheckpointedAdjointToo() {
        GradientMethodContract.checkAgreement(new ForwardSensitivity(), GradientMethod.checkpointed());
    }

    @Test
    void forwardSensitivityIsExactForTheLinearProblemUpToTheSolversError() {
        GradientProblems.Problem p = GradientProblems.linear(new double[] {0.2, 0.7, 1.1, 2.0});
        Gradients got = Gradients.compute(p, new ForwardSensitivity());
        Gradients exact = GradientProblems.exactLinear(p);
        assertThat(Gradients.worst(got, exact)).isLessThan(1e-8);
        assertThat(got.stats().method()).isEqualTo("forward-sensitivity");
        assertThat(got.stats().reconstructionError()).isNaN();
    }

    @Test
    void aForwardPassThatKeptNothingRefusesBackward() {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 4, 1, false);
        ForwardPass pass = new ForwardSensitivity().forward(new TapeOdeSystem(f, 1, 2), new double[] {0.1, 0.2},
                new double[] {0, 1}, GradientProblems.TIGHT, false);
        assertThatThrownBy(() -> pass.backward(new double[4])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("forward-sensitivity").hasMessageContaining("keep == false");
    }

    @Test
    void aScaledParameterGradientFailsFiniteDifferencesTheClosedFormAndCheckAll() {
        GradientMethod wrong = FaultyMethods.scaledParameterGradient();
        assertThatThrownBy(() -> GradientMethodContract.checkFiniteDifferences(wrong))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("method 'scaled-theta'")
                .hasMessageContaining("finite differences")
                .hasMessageContaining("mlp forwards")
                .hasMessageContaining("dL/dθ differs from central finite differences");
        assertThatThrownBy(() -> GradientMethodContract.checkLinearClosedForm(wrong))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("linear closed form")
                .hasMessageContaining("dL/dθ differs from the matrix exponential");
        assertThatThrownBy(() -> GradientMethodContract.checkAll(wrong)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("scaled-theta");
        // what the kit reports is what is wrong: the other gradients are fine
        GradientProblems.Problem p = GradientProblems.mlpForwards();
        Gradients got = Gradients.compute(p, wrong);
        Gradients fd = Gradients.finiteDifferences(p, GradientMethodContract.FD_STEP);
        assertThat(Gradients.relativeError(got.dy0(), fd.dy0())).isLessThan(GradientMethodContract.FD_TOLERANCE);
        assertThat(Gradients.relativeError(got.dtheta(), fd.dtheta())).isGreaterThan(1e-3);
    }

    @Test
    void aMissingInitialTimeGradientFailsFiniteDifferences() {
        assertThatThrownBy(() -> GradientMethodContract.checkFiniteDifferences(FaultyMethods.noInitialTimeGradient()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("method 'no-t0'")
                .hasMessageContaining("dL/dt differs from central finite differences")
                .hasMessageContaining("worst entry dL/dt[0] = 0.0");
    }

    @Test
    void forwardStatesThatAreNotThePlainSolversFail() {
        assertThatThrownBy(() -> GradientMethodContract.checkForwardStates(FaultyMethods.perturbedStates()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("method 'perturbed-states', forward states")
                .hasMessageContaining("OdeSolvers.solve gives");
        // within a tolerance above the perturbation it passes
        GradientMethodContract.checkForwardStates(FaultyMethods.perturbedStates(), 2e-9);
    }

    @Test
    void aReusedResultArrayFailsTheRepeatedBackward() {
        GradientMethod wrong = FaultyMethods.reusedResultArray();
        GradientMethodContract.checkFiniteDifferences(wrong);   // one sweep per solve: right
        assertThatThrownBy(() -> GradientMethodContract.checkRepeatedBackward(wrong))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("method 'reused-array', repeated backward")
                .hasMessageContaining("the second sweep gives dL/dθ[0]");
    }

    @Test
    void aSwallowedNonFiniteStateFails() {
        assertThatThrownBy(() -> GradientMethodContract.checkNonFiniteBackward(FaultyMethods.swallowsNonFinite()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("method 'swallows-nan', non-finite backward")
                .hasMessageContaining("returned without a NonFiniteStateException");
    }

    @Test
    void aNonFiniteStateWithoutItsPassFails() {
        assertThatThrownBy(() -> GradientMethodContract.checkNonFiniteBackward(FaultyMethods.unnamedPass()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("method 'unnamed-pass', non-finite backward")
                .hasMessageContaining("must name the backward pass");
    }

    @Test
    void theForwardSensitivityNamesItsBackwardPass() {
        assertThat(GradientMethodContract.checkNonFiniteBackward(new ForwardSensitivity()).pass())
                .isEqualTo(ForwardSensitivity.PASS);
    }
}
