package dev.neuralode.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;

/**
 * The demos' bridge to differentiable ODE solves ({@link OdeSolve}): a layer as {@link Dynamics},
 * the {@code --gradient} and {@code --method} flags as a {@link GradientMethod} and
 * {@link SolverOptions}, and a function-evaluation counter for the training loop.
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
        } else if (!OdeSolvers.tableau(method).isAdaptive()) {
            b.stepSize(DEFAULT_FIXED_STEP);
        }
        return b.build();
    }

    /**
     * Solves {@code dh/dt = f(t, h)} differentiably from {@code y0} (on its tape) and returns the
     * states at {@code times}, the first being {@code y0}'s solution at {@code times[0]}.
     *
     * @param f        the dynamics layer
     * @param y0       the initial states, {@code batch × dim}
     * @param times    output times, monotone
     * @param method   solver name
     * @param rtol     relative tolerance (atol = rtol / 10)
     * @param gradient gradient method name
     * @param counter  counts the solve's evaluations, or null
     * @return the states, one {@code batch × dim} tensor per time
     */
    static List<Tensor> solve(Layer f, Tensor y0, double[] times, String method, double rtol, String gradient,
            NfeCounter counter) {
        OdeSolveResult r = OdeSolve.solve(dynamics(f), y0, times, options(method, rtol, rtol / 10, null),
                gradient(gradient));
        if (counter != null) {
            counter.add(y0.tape(), r);
        }
        List<Tensor> out = new ArrayList<>(times.length);
        for (int i = 0; i < times.length; i++) {
            out.add(r.at(i));
        }
        return out;
    }

    /**
     * Counts function evaluations of differentiable solves, forward and backward: the count of a
     * solve includes its backward evaluations once its tape's backward sweep has run, so a
     * training loop reading it before the loss, after the loss and after backward sees the
     * forward and the backward evaluations as differences. Not thread-safe.
     */
    static final class NfeCounter implements LongSupplier {
        private final List<OdeSolveResult> live = new ArrayList<>();
        private Tape liveTape;
        private long base;

        void add(Tape tape, OdeSolveResult r) {
            if (tape != liveTape) {
                base = getAsLong();
                live.clear();
                liveTape = tape;
            }
            live.add(r);
        }

        @Override
        public long getAsLong() {
            long n = base;
            for (OdeSolveResult r : live) {
                n += r.stats().forwardEvaluations() + r.stats().backwardEvaluations();
            }
            return n;
        }
    }
}
