package dev.neuralode.adjoint;

import dev.neuralode.adjoint.testkit.GradientMethodContract;
import dev.neuralode.adjoint.testkit.GradientProblems;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dy/dt = A y: every method against the closed-form gradients (matrix exponential) and finite
 * differences, on each grid of {@link GradientProblems#linearTimeSets()} (one interval forwards,
 * several forwards, several backwards in time), with the kit's
 * {@link GradientMethodContract#checkLinearClosedForm(GradientMethod, double[])}.
 */
class LinearClosedFormTest {

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (GradientMethod m : Fixtures.methods()) {
            for (double[] ts : GradientProblems.linearTimeSets()) {
                out.add(Arguments.of(m.name() + " " + java.util.Arrays.toString(ts), m, ts));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesClosedFormAndFiniteDifferences(String label, GradientMethod method, double[] times) {
        GradientMethodContract.checkLinearClosedForm(method, times);
    }
}
