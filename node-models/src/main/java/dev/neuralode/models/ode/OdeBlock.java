package dev.neuralode.models.ode;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.solvers.SolverOptions;
import java.util.Arrays;

/**
 * An ODE function integrated over an interval as a layer: {@code forward(h0) = h(t1)} with
 * {@code h(t0) = h0}, {@code dh/dt = f(t, h)} (the continuous-depth block of Chen et al. 2018).
 * The solver options choose the method and tolerances; the gradient method chooses how the
 * solve is differentiated (backprop through the solver, adjoint, checkpointed adjoint).
 *
 * <p>The child is named {@code func}; the last solve's statistics are kept for inspection.
 */
public final class OdeBlock extends Layer {

    private final OdeFunction func;
    private final double t0;
    private final double t1;
    private final SolverOptions options;
    private final GradientMethod method;
    private OdeSolveResult last;

    /**
     * Creates a block integrating over {@code [0, 1]}.
     *
     * @param func    the dynamics
     * @param options the solver options
     * @param method  the gradient method
     */
    public OdeBlock(OdeFunction func, SolverOptions options, GradientMethod method) {
        this(func, 0.0, 1.0, options, method);
    }

    /**
     * Creates a block.
     *
     * @param func    the dynamics (registered as child {@code func})
     * @param t0      the start time
     * @param t1      the end time, different from {@code t0}
     * @param options the solver options
     * @param method  the gradient method
     */
    public OdeBlock(OdeFunction func, double t0, double t1, SolverOptions options, GradientMethod method) {
        if (!(t1 != t0) || !Double.isFinite(t0) || !Double.isFinite(t1)) {
            throw new IllegalArgumentException("OdeBlock: invalid interval [" + t0 + ", " + t1 + "]");
        }
        this.func = registerModule("func", func);
        this.t0 = t0;
        this.t1 = t1;
        this.options = options;
        this.method = method;
    }

    /**
     * Integrates from {@code t0} to {@code t1}.
     *
     * @param h0 the initial state, {@code batch × dim}
     * @return {@code h(t1)}, {@code batch × dim}, differentiable by the block's gradient method
     */
    @Override
    public Tensor forward(Tensor h0) {
        last = OdeSolve.solve(func, h0, new double[]{t0, t1}, options, method);
        return last.at(1);
    }

    /**
     * Integrates from {@code times[0]} and returns the states at all the given times.
     *
     * @param h0    the state at {@code times[0]}, {@code batch × dim}
     * @param times strictly monotone output times. Not modified.
     * @return the solve's result: {@code at(i)} is the state at {@code times[i]}
     */
    public OdeSolveResult trajectory(Tensor h0, double[] times) {
        last = OdeSolve.solve(func, h0, Arrays.copyOf(times, times.length), options, method);
        return last;
    }

    /**
     * The last solve's result (with its statistics), or {@code null} before any solve.
     *
     * @return the result
     */
    public OdeSolveResult lastResult() {
        return last;
    }

    /**
     * The dynamics.
     *
     * @return the ODE function
     */
    public OdeFunction func() {
        return func;
    }

    /**
     * The start time.
     *
     * @return t0
     */
    public double t0() {
        return t0;
    }

    /**
     * The end time.
     *
     * @return t1
     */
    public double t1() {
        return t1;
    }

    /**
     * The solver options.
     *
     * @return the options
     */
    public SolverOptions options() {
        return options;
    }

    /**
     * The gradient method.
     *
     * @return the method
     */
    public GradientMethod gradientMethod() {
        return method;
    }

    /**
     * The dynamics' evaluation count.
     *
     * @return {@code func().nfe()}
     */
    public long nfe() {
        return func.nfe();
    }
}
