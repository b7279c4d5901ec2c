package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.adjoint.testkit.GradientMethodContract;
import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.autodiff.Tape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link GradientMethod#forwardSensitivity(boolean)} adds to the contract (which
 * {@link GradientMethodContractTest} runs on the default, state-only error control): with the
 * sensitivities in the error control the gradients still match finite differences and the closed
 * form, the states differ from the plain solve only within the tolerance, and the user's step
 * handler sees the state, not the augmented vector.
 */
class ForwardSensitivityTest {

    @Test
    void withSensitivityErrorControlTheGradientsStillMatchFiniteDifferencesAndTheClosedForm() {
        GradientMethod m = GradientMethod.forwardSensitivity(true);
        GradientMethodContract.checkFiniteDifferences(m);
        GradientMethodContract.checkLinearClosedForm(m);
        GradientMethodContract.checkForwardStates(m, 1e-9);
        assertThat(m.name()).isEqualTo("forwardSensitivity-errcon");
        assertThat(GradientMethod.forwardSensitivity().name()).isEqualTo("forwardSensitivity");
    }

    @Test
    void theUsersStepHandlerSeesTheStateOnly() {
        List<Integer> dims = new ArrayList<>();
        List<double[]> ends = new ArrayList<>();
        var options = GradientProblems.TIGHT.toBuilder().handler(step -> {
            dims.add(step.dimension());
            ends.add(step.endState());
            return true;
        }).build();
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(new GradientProblems.Mlp(2, 8, 7, false), tape.variable(GradientProblems.mlpY0()),
                new double[] {0, 1}, options, GradientMethod.forwardSensitivity());
        assertThat(dims).isNotEmpty().containsOnly(4);
        assertThat(ends.get(ends.size() - 1)).containsExactly(r.at(1).value().data);
    }

    @Test
    void aBackwardWithoutKeptSensitivitiesIsRefused() {
        TapeOdeSystem system = new TapeOdeSystem(new GradientProblems.Mlp(2, 8, 7, false), 2, 2);
        ForwardPass pass = GradientMethod.forwardSensitivity().forward(system, GradientProblems.mlpY0().data.clone(),
                new double[] {0, 1}, GradientProblems.TIGHT, false);
        assertThatThrownBy(() -> pass.backward(new double[8]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kept no sensitivities");
    }
}
