package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import org.ejml.data.DMatrixRMaj;

/**
 * A differentiable ODE solve: one op on the tape.
 *
 * <pre>{@code
 * Tape tape = new Tape();
 * Tensor y0 = tape.constant(batch);                       // batch × dim
 * OdeSolveResult ys = OdeSolve.solve(dynamics, y0, new double[] {0, 0.1, 0.2},
 *         SolverOptions.builder().method("dopri5").rtol(1e-7).atol(1e-9).build(),
 *         GradientMethod.adjoint());
 * Tensor loss = ys.at(2).sub(tape.constant(target)).abs().mean();
 * tape.backward(loss);                                    // parameters' grad() now hold dL/dθ
 * }</pre>
 *
 * <p>The forward solve evaluates the dynamics without recording (see {@link TapeOdeSystem});
 * nothing of it appears on the tape except the one op, whose inputs are {@code y0}, the times and
 * the leaves of the dynamics' parameters, so the tape routes {@code dL/dy0}, {@code dL/dt_i} and
 * {@code dL/dθ} (into {@link dev.neuralode.autodiff.Parameter#grad()}) as for any op. The
 * gradient is computed by the chosen {@link GradientMethod}. The gradient is first order only
 * (it is a constant on the tape).
 *
 * <p>Not thread-safe beyond the tape's own rule: one tape, one thread.
 */
public final class OdeSolve {

    private OdeSolve() {
    }

    /**
     * Solves {@code dh/dt = f(t, h)}, {@code h(times[0]) = y0}, and returns the states at the
     * output times.
     *
     * @param f       the dynamics
     * @param y0      the initial state, {@code batch × dim}
     * @param times   the output times, a {@code 1 × m} (or {@code m × 1}) tensor on the tape of
     *                {@code y0}, finite and strictly increasing or strictly decreasing; may require
     *                a gradient. {@code times[0]} is the initial time.
     * @param options the forward solver's options (method, tolerances or fixed step)
     * @param method  how the gradient is computed
     * @return the states at the output times, on the tape
     * @throws IllegalArgumentException if an argument is null, {@code times} is not a vector on the
     *                                  same tape, the times are not finite and strictly monotone, or
     *                                  the options carry events (see {@link OdeEvents})
     * @throws dev.neuralode.core.OdeSolveException if the forward solve fails (the message names
     *                                              the forward pass)
     */
    public static OdeSolveResult solve(Dynamics f, Tensor y0, Tensor times, SolverOptions options,
                                       GradientMethod method) {
        if (f == null || y0 == null || times == null || options == null || method == null) {
            throw new IllegalArgumentException("OdeSolve.solve: dynamics, y0, times, options and method must "
                    + "not be null");
        }
        if (!options.events().isEmpty()) {
            throw new IllegalArgumentException("OdeSolve.solve: the options carry " + options.events().size()
                    + " event(s), which a gradient method cannot differentiate through the solver's steps;"
                    + " use OdeEvents.solveUntil / solveChain for differentiable events");
        }
        Tape tape = y0.tape();
        if (times.tape() != tape) {
            throw new IllegalArgumentException("OdeSolve.solve: times and y0 belong to different tapes");
        }
        if (times.rows() != 1 && times.cols() != 1) {
            throw new IllegalArgumentException("OdeSolve.solve: times must be a 1xm or mx1 vector, got "
                    + times.shapeString());
        }
        DMatrixRMaj tv = times.value();
        double[] t = java.util.Arrays.copyOf(tv.data, tv.getNumElements());
        Passes.checkTimes(t);
        TapeOdeSystem system = new TapeOdeSystem(f, y0.rows(), y0.cols());
        int k = system.parameters().size();
        Tensor[] inputs = new Tensor[2 + k];
        inputs[0] = y0;
        inputs[1] = times;
        boolean any = y0.requiresGrad() || times.requiresGrad();
        for (int i = 0; i < k; i++) {
            inputs[2 + i] = tape.param(system.parameters().get(i));
            any = true;
        }
        boolean keep = any && tape.isRecording();
        OdeSolveOp op = new OdeSolveOp(system, method, options, keep);
        Tensor out = tape.apply(op, inputs);
        return new OdeSolveResult(out, y0.rows(), t.length, op);
    }

    /**
     * As {@link #solve(Dynamics, Tensor, Tensor, SolverOptions, GradientMethod)} with constant
     * output times (no time gradient).
     *
     * @param f       the dynamics
     * @param y0      the initial state, {@code batch × dim}
     * @param times   the output times, finite and strictly monotone, length {@code m >= 1}.
     *                Not modified (copied).
     * @param options the forward solver's options
     * @param method  how the gradient is computed
     * @return the states at the output times, on the tape
     */
    public static OdeSolveResult solve(Dynamics f, Tensor y0, double[] times, SolverOptions options,
                                       GradientMethod method) {
        if (y0 == null || times == null) {
            throw new IllegalArgumentException("OdeSolve.solve: y0 and times must not be null");
        }
        return solve(f, y0, y0.tape().constant(1, times.length, times), options, method);
    }
}
