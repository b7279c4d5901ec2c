package dev.neuralode.examples;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.models.optim.Adam;
import dev.neuralode.models.train.LossFunction;
import dev.neuralode.models.train.StopRequest;
import dev.neuralode.models.train.Trainer;
import dev.neuralode.models.train.TrainingResult;
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

    @Option(names = "--gradient", paramLabel = "G",
            description = "gradient method: direct, adjoint or checkpoint (default: ${DEFAULT-VALUE})")
    String gradient;

    /** The options with the backsolve adjoint as the default gradient method. */
    FlowTrainingOptions() {
        this("adjoint");
    }

    /**
     * The options with another default gradient method (picocli takes the field's value before
     * parsing as the default, and shows it in the help).
     *
     * @param defaultGradient the default of {@code --gradient}
     */
    FlowTrainingOptions(String defaultGradient) {
        this.gradient = defaultGradient;
    }

    @Option(names = "--lr", defaultValue = "0.01", paramLabel = "LR",
            description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--max-steps", defaultValue = "" + Flows.DEFAULT_MAX_STEPS, paramLabel = "N",
            description = "steps one ODE solve may take before the run stops as diverged (default: ${DEFAULT-VALUE})")
    long maxSteps;

    /**
     * Checks every flag of the mixin: {@code --lr}, {@code --rtol}, {@code --max-steps}, the
     * {@code --method} and {@code --gradient} names (case-insensitive).
     *
     * @throws IllegalArgumentException naming the option and its value
     */
    void validate() {
        Demo.requirePositive("--lr", lr);
        solver();
        Flows.gradientName(gradient);
    }

    /**
     * Advice for a failed solve of these demos, naming their flags.
     *
     * @return the advice
     */
    String hint() {
        return "lower --lr (now " + lr + ") or raise --max-steps (now " + maxSteps + ")";
    }

    /**
     * The solver options {@code --method}, {@code --rtol} and {@code atol = rtol / 10}.
     *
     * @return the options (a fixed-step method gets {@link Flows}' default step)
     */
    SolverOptions solver() {
        return Flows.options(method, rtol, rtol / 10, null, maxSteps);
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

    /**
     * Trains with Adam at {@code --lr}, logging progress every iteration.
     *
     * @param log        where progress goes
     * @param name       the run's name in the log
     * @param iterations iterations
     * @param params     the trained parameters. Modified.
     * @param nfe        the model's function-evaluation counter
     * @param loss       the loss of an iteration
     * @param stop       ends training after the current iteration when requested
     * @param checkpoint the checkpoint written every 100 iterations and at the end
     * @return {@code [0][i]} the loss and {@code [1][i]} the function evaluations (forward +
     *         backward) of iteration {@code i}, for the iterations run (fewer than
     *         {@code iterations} after a stop request)
     */
    double[][] fitAdam(Logger log, String name, int iterations, List<Parameter> params, LongSupplier nfe,
            LossFunction loss, StopRequest stop, Path checkpoint) {
        double[][] hist = new double[2][iterations];
        Progress progress = new Progress(log, name, iterations);
        int[] done = {0};
        TrainingResult r;
        try {
            r = Trainer.builder(new Adam(params, lr)).iterations(iterations).nfe(nfe)
                    .stopRequest(stop).checkpoint(checkpoint, 100)
                    .callback(e -> {
                        hist[0][e.iteration()] = e.loss();
                        hist[1][e.iteration()] = e.forwardNfe() + e.backwardNfe();
                        done[0] = e.iteration() + 1;
                        progress.update(e.iteration() + 1, e.loss(), e.forwardNfe() + e.backwardNfe(), null);
                    })
                    .build()
                    .fit(loss);
        } catch (RuntimeException e) {
            throw DemoFailure.of("training " + name + " failed at iteration " + (done[0] + 1) + " of " + iterations,
                    hint(), e);
        }
        if (r.stopRequested()) {
            log.warn("{}: stopped ({}) after {} of {} iterations; checkpoint {}", name, r.stopReason(),
                    r.iterations(), iterations, checkpoint);
        }
        return new double[][] {Arrays.copyOf(hist[0], r.iterations()), Arrays.copyOf(hist[1], r.iterations())};
    }
}
