package dev.neuralode.examples;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.solvers.SolverOptions;

import picocli.CommandLine.Option;

/**
 * Options shared by the demos that train a model built on an adaptive ODE solve (a picocli
 * mixin): the solver, its relative tolerance (the absolute tolerance is a tenth of it), the
 * gradient method and Adam's learning rate.
 */
final class FlowTrainingOptions {

    @Option(names = "--method", defaultValue = "dopri5", paramLabel = "M",
            description = "ODE solver (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--rtol", defaultValue = "1e-3", paramLabel = "TOL",
            description = "relative tolerance (atol = rtol/10) (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--gradient", defaultValue = "adjoint", paramLabel = "G",
            description = "gradient method: direct, adjoint or checkpoint (default: ${DEFAULT-VALUE})")
    String gradient;

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "LR",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    /**
     * The solver options {@code --method}, {@code --rtol} and {@code atol = rtol / 10}.
     *
     * @return the options (a fixed-step method gets {@link Flows}' default step)
     */
    SolverOptions solver() {
        return Flows.options(method, rtol, rtol / 10, null);
    }

    /**
     * The gradient method named by {@code --gradient}.
     *
     * @return the method
     */
    GradientMethod gradientMethod() {
        return Flows.gradient(gradient);
    }

    /**
     * Adam's learning rate.
     *
     * @return {@code --lr}
     */
    double lr() {
        return lr;
    }
}
