package dev.neuralode.examples;

import java.util.List;
import java.util.Locale;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;

/**
 * The demos' bridge to differentiable ODE solves ({@link dev.neuralode.adjoint.OdeSolve}): a layer
 * as {@link Dynamics}, and the {@code --gradient} and {@code --method} flags as a
 * {@link GradientMethod} and {@link SolverOptions}.
 */
final class Flows {

    /** The step of fixed-step methods when none is given. */
    static final double DEFAULT_FIXED_STEP = 0.05;

    private Flows() {
    }

    /**
     * A layer {@code f(t, h)} as ODE dynamics.
     *
     * @param f the layer, called as {@code f.forward(t, h)}
     * @return the dynamics, whose parameters are the layer's
     */
    static Dynamics dynamics(Layer f) {
        List<Parameter> params = List.copyOf(f.parameters());
        return new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                return f.forward(t, h);
            }

            @Override
            public List<Parameter> parameters() {
                return params;
            }
        };
    }

    /**
     * The gradient method named on the command line.
     *
     * @param name {@code direct}, {@code adjoint} or {@code checkpoint}
     * @return the method
     * @throws IllegalArgumentException naming the valid choices
     */
    static GradientMethod gradient(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "direct":
            case "backprop":
                return GradientMethod.direct();
            case "adjoint":
                return GradientMethod.adjoint();
            case "checkpoint":
            case "checkpointed":
                return GradientMethod.checkpointed();
            default:
                throw new IllegalArgumentException("unknown gradient '" + name
                        + "'; valid: direct, adjoint, checkpoint");
        }
    }

    /**
     * Solver options: adaptive methods use {@code rtol, atol}; fixed-step methods (and adaptive
     * ones given a step) use {@code stepSize}, {@value #DEFAULT_FIXED_STEP} when null.
     *
     * @param method   the method name
     * @param rtol     relative tolerance
     * @param atol     absolute tolerance
     * @param stepSize fixed step, or null
     * @return the options
     */
    static SolverOptions options(String method, double rtol, double atol, Double stepSize) {
        SolverOptions.Builder b = SolverOptions.builder().method(method).rtol(rtol).atol(atol);
        if (stepSize != null) {
            b.stepSize(stepSize);
        } else if (!OdeSolvers.method(method).isAdaptive()) {
            b.stepSize(DEFAULT_FIXED_STEP);
        }
        return b.build();
    }
}
