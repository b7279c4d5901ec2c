package dev.neuralode.examples;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.solvers.SolverOptions;

/**
 * A differentiable ODE solve of {@code dy/dt = f(t, y)} for the spiral demo: the dynamics
 * network, the solver settings and the gradient method in one place.
 */
final class DiffSolve {

    private final Dynamics f;
    private final SolverOptions options;
    private final GradientMethod gradient;

    DiffSolve(Layer f, String method, double rtol, double atol, Double stepSize, String gradient) {
        this(f, method, rtol, atol, stepSize, Flows.DEFAULT_MAX_STEPS, gradient);
    }

    DiffSolve(Layer f, String method, double rtol, double atol, Double stepSize, long maxSteps, String gradient) {
        this.f = Flows.dynamics(f);
        this.options = Flows.options(method, rtol, atol, stepSize, maxSteps);
        this.gradient = Flows.gradient(gradient);
    }

    /** The solver settings in words, for the log. */
    String describe(Double stepSize) {
        return Flows.describe(options, stepSize);
    }

    /** The solve from {@code y0} (on its tape) at {@code times}; its stats count the work. */
    OdeSolveResult solve(Tensor y0, double[] times) {
        return OdeSolve.solve(f, y0, times, options, gradient);
    }
}
