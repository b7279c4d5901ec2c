package dev.neuralode.models.ode;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tensor;
import java.util.List;

/**
 * The dynamics of {@code y(s) = h(-s)}: {@code dy/ds = -f(-s, y)}. Solving it forward over
 * {@code s ∈ [-t_a, -t_b]} integrates {@code dh/dt = f(t, h)} backwards from {@code t_a} to
 * {@code t_b < t_a} (used by encoders that run backwards in time and by CNF sampling).
 */
final class TimeReversed implements Dynamics {

    private final Dynamics f;

    TimeReversed(Dynamics f) {
        this.f = f;
    }

    @Override
    public Tensor apply(Tensor s, Tensor y) {
        return f.apply(s.neg(), y).neg();
    }

    @Override
    public List<Parameter> parameters() {
        return f.parameters();
    }
}
