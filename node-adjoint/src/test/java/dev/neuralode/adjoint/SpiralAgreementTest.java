package dev.neuralode.adjoint;

import dev.neuralode.adjoint.testkit.GradientMethodContract;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the spiral MLP the methods agree, more closely as the tolerances tighten
 * ({@link GradientMethodContract#checkAgreement}: below 1e-1, 1e-3, 1e-5 at rtol 1e-4, 1e-6, 1e-8,
 * and shrinking).
 */
class SpiralAgreementTest {

    static List<GradientMethod> methods() {
        return Fixtures.methods();
    }

    @Test
    void theThreeFamiliesAgreePairwiseWithinABoundThatTightensWithTolerance() {
        List<GradientMethod> ms = List.of(GradientMethod.direct(), GradientMethod.adjoint(),
                GradientMethod.checkpointed());
        for (int i = 0; i < ms.size(); i++) {
            for (int j = i + 1; j < ms.size(); j++) {
                GradientMethodContract.checkAgreement(ms.get(i), ms.get(j));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void everyMethodAgreesWithAnotherFamily(GradientMethod method) {
        GradientMethodContract.checkAgreement(method, GradientMethodContractTest.reference(method));
    }
}
