package dev.neuralode.adjoint.testkit;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.GradientStats;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import java.util.function.ToDoubleFunction;
import org.ejml.data.DMatrixRMaj;

/**
 * The gradients of a problem's loss {@code L = Σ_i sum(W_i ⊙ y(t_i))} (see {@link GradientProblems})
 * with respect to the initial state, the parameters and the output times, computed by a gradient
 * method through the tape ({@link #compute}), by central finite differences of the whole solve
 * ({@link #finiteDifferences}) or in closed form ({@link GradientProblems#exactLinear}), and the
 * error measures the contract compares them with.
 *
 * @param dy0    {@code dL/dy0}, row-major {@code batch × dim}
 * @param dtheta {@code dL/dθ}, the dynamics' parameters flattened in the order of
 *               {@link Dynamics#parameters()}
 * @param dtimes {@code dL/dt_i}, one per output time
 * @param loss   the value of {@code L}
 * @param stats  the solve's work counters after the backward pass, or {@code null} for gradients
 *               not computed by a gradient method
 */
public record Gradients(double[] dy0, double[] dtheta, double[] dtimes, double loss, GradientStats stats) {

    /**
     * {@link #compute(Dynamics, DMatrixRMaj, double[], DMatrixRMaj[], SolverOptions, GradientMethod)}
     * of a problem.
     *
     * @param p      the problem
     * @param method the gradient method
     * @return the gradients
     */
    public static Gradients compute(GradientProblems.Problem p, GradientMethod method) {
        return compute(p.dynamics(), p.y0(), p.times(), p.weights(), p.options(), method);
    }

    /**
     * Zeroes the parameters' gradients, solves with {@link OdeSolve#solve} on a fresh tape with
     * {@code y0} and the times as variables, and runs the tape's backward pass from
     * {@code L = Σ_i sum(W_i ⊙ y(t_i))}.
     *
     * @param f       the dynamics; its parameters' {@link Parameter#grad()} hold {@code dL/dθ} afterwards
     * @param y0      the initial state, {@code batch × dim}. Not modified (copied).
     * @param times   the output times. Not modified.
     * @param weights one {@code batch × dim} weight matrix per output time
     * @param o       the forward solver's options
     * @param method  the gradient method
     * @return the gradients, the loss and the solve's stats
     */
    public static Gradients compute(Dynamics f, DMatrixRMaj y0, double[] times, DMatrixRMaj[] weights,
                                    SolverOptions o, GradientMethod method) {
        for (Parameter p : f.parameters()) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        Tensor y = tape.variable(y0.copy());
        Tensor t = tape.variable(new DMatrixRMaj(1, times.length, true, times.clone()));
        OdeSolveResult r = OdeSolve.solve(f, y, t, o, method);
        Tensor loss = null;
        for (int i = 0; i < times.length; i++) {
            Tensor term = r.at(i).mul(tape.constant(weights[i])).sum();
            loss = loss == null ? term : loss.add(term);
        }
        double value = loss.item();
        tape.backward(loss);
        return new Gradients(y.grad().value().data.clone(), parameterGradients(f), t.grad().value().data.clone(),
                value, r.stats());
    }

    /**
     * The parameters' accumulated gradients, flattened in the order of {@link Dynamics#parameters()}.
     *
     * @param f the dynamics
     * @return a new array of length {@code p}
     */
    public static double[] parameterGradients(Dynamics f) {
        int p = 0;
        for (Parameter q : f.parameters()) {
            p += q.size();
        }
        double[] dth = new double[p];
        int off = 0;
        for (Parameter q : f.parameters()) {
            double[] g = q.grad().data;
            System.arraycopy(g, 0, dth, off, q.size());
            off += q.size();
        }
        return dth;
    }

    /**
     * The loss of a problem without gradients.
     *
     * @param p the problem
     * @return {@code L}
     */
    public static double loss(GradientProblems.Problem p) {
        return loss(p.dynamics(), p.y0(), p.times(), p.weights(), p.options());
    }

    /**
     * The loss {@code L = Σ_i sum(W_i ⊙ y(t_i))} of one solve on a no-grad tape (no gradient method
     * does any work: nothing is kept for a backward pass).
     *
     * @param f       the dynamics
     * @param y0      the initial state. Not modified.
     * @param times   the output times. Not modified.
     * @param weights the weights
     * @param o       the solver's options
     * @return {@code L}
     */
    @SuppressWarnings("try")   // the scope is only opened and closed
    public static double loss(Dynamics f, DMatrixRMaj y0, double[] times, DMatrixRMaj[] weights, SolverOptions o) {
        Tape tape = new Tape();
        try (Tape.Scope s = tape.noGrad()) {
            OdeSolveResult r = OdeSolve.solve(f, tape.constant(y0.copy()), times, o, GradientMethod.adjoint());
            double l = 0;
            for (int i = 0; i < times.length; i++) {
                DMatrixRMaj yi = r.at(i).value();
                for (int k = 0; k < yi.data.length; k++) {
                    l += yi.data[k] * weights[i].data[k];
                }
            }
            return l;
        }
    }

    /**
     * Central finite differences of a problem's loss.
     *
     * @param p   the problem
     * @param eps the step
     * @return the gradients, as {@link #finiteDifferences(Dynamics, DMatrixRMaj, double[], DMatrixRMaj[], SolverOptions, double)}
     */
    public static Gradients finiteDifferences(GradientProblems.Problem p, double eps) {
        return finiteDifferences(p.dynamics(), p.y0(), p.times(), p.weights(), p.options(), eps);
    }

    /**
     * Central finite differences {@code (L(x + ε e_k) - L(x - ε e_k)) / 2ε} of the whole solve
     * with respect to every entry of {@code y0}, of every parameter (perturbed in place and
     * restored) and every output time: {@code 2 (batch·dim + p + m)} solves. The error is
     * {@code O(ε²)} plus the solver's error divided by {@code ε}, so the solver's tolerance must be
     * tight ({@link GradientProblems#TIGHT} with {@code ε = 1e-5}).
     *
     * @param f       the dynamics
     * @param y0      the initial state. Not modified.
     * @param times   the output times. Not modified.
     * @param weights the weights
     * @param o       the solver's options
     * @param eps     the step
     * @return the gradients and the loss; no stats
     */
    public static Gradients finiteDifferences(Dynamics f, DMatrixRMaj y0, double[] times, DMatrixRMaj[] weights,
                                              SolverOptions o, double eps) {
        DMatrixRMaj y = y0.copy();
        double[] dy0 = centralDifferences(y.data, eps, v -> loss(f, y, times, weights, o));
        int p = 0;
        for (Parameter q : f.parameters()) {
            p += q.size();
        }
        double[] dth = new double[p];
        int off = 0;
        for (Parameter q : f.parameters()) {
            double[] d = centralDifferences(q.value().data, eps, v -> loss(f, y, times, weights, o));
            System.arraycopy(d, 0, dth, off, q.size());
            off += q.size();
        }
        double[] tt = times.clone();
        double[] dt = centralDifferences(tt, eps, v -> loss(f, y, tt, weights, o));
        return new Gradients(dy0, dth, dt, loss(f, y, times, weights, o), null);
    }

    /**
     * Central differences of {@code fn} at {@code x}, perturbing each entry in place and restoring it.
     *
     * @param x   the point; entries are changed during the call and restored
     * @param eps the step
     * @param fn  the function, called with {@code x} itself
     * @return {@code g_k = (fn(x + ε e_k) - fn(x - ε e_k)) / 2ε}
     */
    public static double[] centralDifferences(double[] x, double eps, ToDoubleFunction<double[]> fn) {
        double[] g = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double s = x[k];
            x[k] = s + eps;
            double plus = fn.applyAsDouble(x);
            x[k] = s - eps;
            double minus = fn.applyAsDouble(x);
            x[k] = s;
            g[k] = (plus - minus) / (2 * eps);
        }
        return g;
    }

    /**
     * The error of {@code a} relative to the scale of the reference {@code b}:
     * {@code max_k |a_k - b_k| / max(1, max_k |b_k|)}. NaN if any entry is NaN (so that
     * {@code !(e <= tol)} catches it); infinite if the lengths differ.
     *
     * @param a the values
     * @param b the reference
     * @return the relative error
     */
    public static double relativeError(double[] a, double[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double scale = 1.0;
        for (double v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        double e = 0;
        for (int k = 0; k < a.length; k++) {
            double d = Math.abs(a[k] - b[k]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            e = Math.max(e, d);
        }
        return e / scale;
    }

    /**
     * The largest {@link #relativeError} of the three gradients.
     *
     * @param a the gradients
     * @param b the reference
     * @return {@code max} over {@code dL/dy0}, {@code dL/dθ}, {@code dL/dt}; NaN if any is NaN
     */
    public static double worst(Gradients a, Gradients b) {
        double e0 = relativeError(a.dy0(), b.dy0());
        double e1 = relativeError(a.dtheta(), b.dtheta());
        double e2 = relativeError(a.dtimes(), b.dtimes());
        if (Double.isNaN(e0) || Double.isNaN(e1) || Double.isNaN(e2)) {
            return Double.NaN;
        }
        return Math.max(e0, Math.max(e1, e2));
    }
}
