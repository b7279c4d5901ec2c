package dev.neuralode.adjoint;

import java.util.List;

/**
 * The gradient methods under test. The problems, gradients and references live in the published
 * kit, {@link dev.neuralode.adjoint.testkit}.
 */
final class Fixtures {

    private Fixtures() {
    }

    /** Every gradient method under test: adding a method is one line here. */
    static List<GradientMethod> methods() {
        return List.of(
                GradientMethod.direct(),
                GradientMethod.direct(0),
                GradientMethod.adjoint(),
                GradientMethod.adjoint(AdjointOptions.builder().seminorm(true).build()),
                GradientMethod.checkpointed(),
                GradientMethod.checkpointed(3),
                GradientMethod.quadratureAdjoint(),
                GradientMethod.quadratureAdjoint(3, 4, AdjointOptions.defaults()),
                GradientMethod.forwardSensitivity());
    }
}
