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
import dev.neuralode.solvers.step.Method;

/**
 * The demos' bridge to differentiable ODE solves ({@link dev.neuralode.adjoint.OdeSolve}): a layer
 * as {@link Dynamics}, and the {@code --gradient} and {@code --method} flags as a
 * {@link GradientMethod} and {@link SolverOptions}.
 */
final class Flows {

    /** The step of fixed-step methods when none is given. */
    static final double DEFAULT_FIXED_STEP = 0.05;

    /**
     * The demos' default {@code --max-steps}: one solve of a demo takes tens to hundreds of steps,
     * so a solve that needs ten thousand has dynamics that blew up (a learning rate too large) and
     * is stopped within a second instead of after the solver's own limit of a million.
     */
    static final long DEFAULT_MAX_STEPS = 10_000;

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
     * The gradient method named on the command line, case-insensitively.
     *
     * @param name {@code direct}, {@code adjoint} or {@code checkpoint} (also {@code backprop},
     *             {@code checkpointed})
     * @return the method
     * @throws IllegalArgumentException naming {@code --gradient} and the valid choices
     */
    static GradientMethod gradient(String name) {
        return switch (gradientName(name)) {
            case "direct" -> GradientMethod.direct();
            case "adjoint" -> GradientMethod.adjoint();
            default -> GradientMethod.checkpointed();
        };
    }

    /**
     * The canonical name of a {@code --gradient} value.
     *
     * @param name the value as given, in any case
     * @return {@code direct}, {@code adjoint} or {@code checkpoint}
     * @throws IllegalArgumentException naming {@code --gradient} and the valid choices
     */
    static String gradientName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "direct":
            case "backprop":
                return "direct";
            case "adjoint":
                return "adjoint";
            case "checkpoint":
            case "checkpointed":
                return "checkpoint";
            default:
                throw new IllegalArgumentException("--gradient: unknown gradient '" + name
                        + "'; valid: direct, adjoint, checkpoint");
        }
    }

    /**
     * The registered solver named by {@code --method}, case-insensitively.
     *
     * @param name the value as given
     * @return the method
     * @throws IllegalArgumentException naming {@code --method} and the registered methods
     */
    static Method method(String name) {
        try {
            return OdeSolvers.method(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--method: " + e.getMessage(), e);
        }
    }

    /**
     * Solver options with the default {@code --max-steps}; see
     * {@link #options(String, double, double, Double, long)}.
     *
     * @param method   the method name
     * @param rtol     relative tolerance
     * @param atol     absolute tolerance
     * @param stepSize fixed step, or null
     * @return the options
     */
    static SolverOptions options(String method, double rtol, double atol, Double stepSize) {
        return options(method, rtol, atol, stepSize, DEFAULT_MAX_STEPS);
    }

    /**
     * Solver options from the command line, every value checked under its flag's name: adaptive
     * methods use {@code --rtol, --atol}; fixed-step methods (and adaptive ones given a step) use
     * {@code --step-size}, {@value #DEFAULT_FIXED_STEP} when it is not given; a solve stops after
     * {@code --max-steps} steps.
     *
     * @param method   the method name ({@code --method}, any case)
     * @param rtol     relative tolerance ({@code --rtol})
     * @param atol     absolute tolerance ({@code --atol}, or derived from {@code --rtol})
     * @param stepSize fixed step ({@code --step-size}), or null
     * @param maxSteps the step limit of one solve ({@code --max-steps})
     * @return the options
     * @throws IllegalArgumentException naming the flag, its value and what is valid
     */
    static SolverOptions options(String method, double rtol, double atol, Double stepSize, long maxSteps) {
        Method m = method(method);
        Demo.requirePositive("--rtol", rtol);
        Demo.requirePositive("--atol", atol);
        if (stepSize != null) {
            Demo.requirePositive("--step-size", stepSize);
        }
        Demo.requireAtLeast("--max-steps", maxSteps, 1);
        SolverOptions.Builder b = SolverOptions.builder().method(m).rtol(rtol).atol(atol).maxSteps(maxSteps);
        if (stepSize != null) {
            b.stepSize(stepSize);
        } else if (!m.isAdaptive()) {
            b.stepSize(DEFAULT_FIXED_STEP);
        }
        return b.build();
    }

    /**
     * What the solver flags mean for a run, for the demo's log: the method and either its
     * tolerances or its fixed step (saying when the step is the default).
     *
     * @param options  the options built by {@link #options}
     * @param stepSize the {@code --step-size} given, or null
     * @return for example {@code "rk4 with a fixed step of 0.05 (the default; --step-size sets it)"}
     */
    static String describe(SolverOptions options, Double stepSize) {
        String name = options.method().name();
        if (options.stepSize() > 0 && stepSize == null) {
            return name + " with a fixed step of " + DEFAULT_FIXED_STEP + " (the default for fixed-step methods; "
                    + "--step-size sets it)";
        }
        if (options.stepSize() > 0) {
            return name + " with a fixed step of " + options.stepSize();
        }
        return name + " rtol " + options.rtol() + " atol " + options.atol();
    }
}
