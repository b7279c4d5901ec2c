package dev.neuralode.autodiff;

import java.util.Random;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;

/**
 * Checks the gradients computed by the tape against central finite differences,
 * {@code ∂f/∂x_k ≈ (f(x + ε e_k) - f(x - ε e_k)) / 2ε}, and reports the worst mismatch and where.
 *
 * <pre>{@code
 * GradientCheck.Result r = GradientCheck.firstOrder(
 *         xs -> xs[0].matmul(xs[1]).tanh().sum(), new DMatrixRMaj[]{a, b}, 1e-6);
 * assert r.maxError() < 1e-7 : r;
 * }</pre>
 *
 * <p>The error of one element is mixed relative/absolute,
 * {@code |analytic - numeric| / max(1, |analytic|, |numeric|)}, so tiny gradients are compared
 * absolutely and large ones relatively.
 */
public final class GradientCheck {

    private GradientCheck() {
    }

    /**
     * The worst mismatch found.
     *
     * @param maxError the worst mixed relative error
     * @param input    the input index where it occurred
     * @param row      its row
     * @param col      its column
     * @param analytic the tape's gradient there
     * @param numeric  the finite-difference gradient there
     */
    public record Result(double maxError, int input, int row, int col, double analytic, double numeric) {
        @Override
        public String toString() {
            return "max error " + maxError + " at input " + input + " (" + row + ", " + col
                    + "): analytic " + analytic + ", finite difference " + numeric;
        }
    }

    /**
     * Compares first derivatives of a scalar function with central differences.
     *
     * @param f      builds a 1×1 tensor from the input tensors (all on one fresh tape)
     * @param inputs the point at which to check. Not modified.
     * @param eps    the finite-difference step, e.g. {@code 1e-6}
     * @return the worst mismatch
     */
    public static Result firstOrder(Function<Tensor[], Tensor> f, DMatrixRMaj[] inputs, double eps) {
        Tape tape = new Tape();
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = tape.variable(inputs[i].copy());
        }
        Tensor y = f.apply(xs);
        Tensor[] grads = tape.gradients(y, null, false, xs);
        DMatrixRMaj[] analytic = new DMatrixRMaj[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            analytic[i] = grads[i].value();
        }
        return compare(x -> evaluate(f, x), inputs, analytic, eps);
    }

    /**
     * Compares second derivatives with central differences: checks the gradient of
     * {@code g(x) = Σ_i ⟨∇_i f(x), v_i⟩} (a Hessian-vector product), where the tape computes
     * {@code ∇f} in create-graph mode and {@code v} is random with the given seed.
     *
     * @param f      builds a 1×1 tensor from the input tensors
     * @param inputs the point at which to check. Not modified.
     * @param eps    the finite-difference step, e.g. {@code 1e-5}
     * @param seed   the seed of the random directions
     * @return the worst mismatch
     */
    public static Result secondOrder(Function<Tensor[], Tensor> f, DMatrixRMaj[] inputs, double eps, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj[] v = new DMatrixRMaj[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            v[i] = new DMatrixRMaj(inputs[i].numRows, inputs[i].numCols);
            for (int k = 0; k < v[i].data.length; k++) {
                v[i].data[k] = rnd.nextGaussian();
            }
        }
        Function<Tensor[], Tensor> g = xs -> {
            Tape tape = xs[0].tape();
            Tensor y = f.apply(xs);
            Tensor[] grads = tape.gradients(y, null, true, xs);
            Tensor s = null;
            for (int i = 0; i < xs.length; i++) {
                Tensor term = grads[i].mul(tape.constant(v[i])).sum();
                s = s == null ? term : s.add(term);
            }
            return s;
        };
        return firstOrder(g, inputs, eps);
    }

    private static double evaluate(Function<Tensor[], Tensor> f, DMatrixRMaj[] x) {
        Tape tape = new Tape();
        Tensor[] xs = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            xs[i] = tape.variable(x[i]);
        }
        return f.apply(xs).item();
    }

    private static Result compare(java.util.function.ToDoubleFunction<DMatrixRMaj[]> f, DMatrixRMaj[] inputs,
                                  DMatrixRMaj[] analytic, double eps) {
        DMatrixRMaj[] x = new DMatrixRMaj[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            x[i] = inputs[i].copy();
        }
        Result worst = new Result(0, -1, -1, -1, 0, 0);
        for (int i = 0; i < x.length; i++) {
            double[] d = x[i].data;
            for (int k = 0; k < x[i].getNumElements(); k++) {
                double saved = d[k];
                d[k] = saved + eps;
                double plus = f.applyAsDouble(x);
                d[k] = saved - eps;
                double minus = f.applyAsDouble(x);
                d[k] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double a = analytic[i].data[k];
                double err = Math.abs(a - numeric) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(numeric)));
                if (!(err <= worst.maxError())) {
                    worst = new Result(err, i, k / x[i].numCols, k % x[i].numCols, a, numeric);
                }
            }
        }
        return worst;
    }
}
