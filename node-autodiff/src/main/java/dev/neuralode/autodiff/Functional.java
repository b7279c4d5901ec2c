package dev.neuralode.autodiff;

import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;

/**
 * Functional differentiation helpers in the style of {@code torch.autograd.functional}: each
 * one builds a fresh tape, evaluates {@code f} and returns plain matrices. Tensor-level variants
 * ({@link #vjp(Tensor, Tensor, Tensor, boolean)}, {@link #jvp(Tensor, Tensor, Tensor, boolean)})
 * work inside an existing tape and can be recorded for higher order (e.g. the Hutchinson trace
 * estimator of FFJORD, Grathwohl et al., ICLR 2019).
 *
 * <p>Shapes: for {@code f: R^{r×c} → R^{p×q}}, the Jacobian is flattened row-major on both
 * sides, {@code J[a][b] = ∂ vec(f)_a / ∂ vec(x)_b}, a {@code (p·q) × (r·c)} matrix.
 * Inputs are never modified (each is copied onto the tape).
 */
public final class Functional {

    private Functional() {
    }

    /**
     * The gradient {@code ∇f(x)} of a scalar function.
     *
     * @param f a function returning a 1×1 tensor
     * @param x the point. Not modified.
     * @return {@code ∇f(x)}, shaped like {@code x}
     */
    public static DMatrixRMaj grad(Function<Tensor, Tensor> f, DMatrixRMaj x) {
        Tape tape = new Tape();
        Tensor xt = tape.variable(x.copy());
        return tape.gradients(f.apply(xt), null, false, xt)[0].value();
    }

    /**
     * The gradients of a scalar function of several inputs.
     *
     * @param f  a function of the input tensors returning a 1×1 tensor
     * @param xs the point. Not modified.
     * @return one gradient per input, each shaped like it
     */
    public static DMatrixRMaj[] grad(Function<Tensor[], Tensor> f, DMatrixRMaj... xs) {
        Tape tape = new Tape();
        Tensor[] ts = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            ts[i] = tape.variable(xs[i].copy());
        }
        Tensor[] g = tape.gradients(f.apply(ts), null, false, ts);
        DMatrixRMaj[] out = new DMatrixRMaj[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = g[i].value();
        }
        return out;
    }

    /**
     * Vector–Jacobian product {@code vᵀ J_f(x)}.
     *
     * @param f a function
     * @param x the point. Not modified.
     * @param v the cotangent, shaped like {@code f(x)}. Not modified.
     * @return {@code vᵀ J}, shaped like {@code x}
     */
    public static DMatrixRMaj vjp(Function<Tensor, Tensor> f, DMatrixRMaj x, DMatrixRMaj v) {
        Tape tape = new Tape();
        Tensor xt = tape.variable(x.copy());
        Tensor y = f.apply(xt);
        return vjp(y, xt, tape.constant(v.copy()), false).value();
    }

    /**
     * Jacobian–vector product {@code J_f(x) u} (forward-mode directional derivative), by the
     * double-vjp trick: {@code r(w) = J_fᵀ w} is linear in a dummy cotangent {@code w}, so the vjp of
     * {@code r} with cotangent {@code u} is {@code J u}.
     *
     * @param f a function
     * @param x the point. Not modified.
     * @param u the tangent, shaped like {@code x}. Not modified.
     * @return {@code J u}, shaped like {@code f(x)}
     */
    public static DMatrixRMaj jvp(Function<Tensor, Tensor> f, DMatrixRMaj x, DMatrixRMaj u) {
        Tape tape = new Tape();
        Tensor xt = tape.variable(x.copy());
        Tensor y = f.apply(xt);
        return jvp(y, xt, tape.constant(u.copy()), false).value();
    }

    /**
     * The full Jacobian, one vjp per output element.
     *
     * @param f a function
     * @param x the point. Not modified.
     * @return {@code J}, {@code size(f(x)) × size(x)}, row-major flattening on both sides
     */
    public static DMatrixRMaj jacobian(Function<Tensor, Tensor> f, DMatrixRMaj x) {
        Tape tape = new Tape();
        Tensor xt = tape.variable(x.copy());
        Tensor y = f.apply(xt);
        int m = y.size();
        int n = xt.size();
        DMatrixRMaj jac = new DMatrixRMaj(m, n);
        DMatrixRMaj e = new DMatrixRMaj(y.rows(), y.cols());
        Tensor et = tape.constant(e);
        for (int a = 0; a < m; a++) {
            e.zero();
            e.data[a] = 1.0;
            DMatrixRMaj row = tape.gradients(y, et, false, xt)[0].value();
            System.arraycopy(row.data, 0, jac.data, a * n, n);
        }
        return jac;
    }

    /**
     * Hessian–vector product {@code ∇²f(x) v} of a scalar function, by differentiating
     * {@code ⟨∇f(x), v⟩} (reverse-over-reverse; Pearlmutter 1994).
     *
     * @param f a function returning a 1×1 tensor
     * @param x the point. Not modified.
     * @param v the direction, shaped like {@code x}. Not modified.
     * @return {@code H v}, shaped like {@code x}
     */
    public static DMatrixRMaj hvp(Function<Tensor, Tensor> f, DMatrixRMaj x, DMatrixRMaj v) {
        Tape tape = new Tape();
        Tensor xt = tape.variable(x.copy());
        Tensor y = f.apply(xt);
        Tensor g = tape.gradients(y, null, true, xt)[0];
        Tensor gv = g.mul(tape.constant(v.copy())).sum();
        return tape.gradients(gv, null, false, xt)[0].value();
    }

    /**
     * The full Hessian of a scalar function, one Hessian–vector product per input element.
     *
     * @param f a function returning a 1×1 tensor
     * @param x the point. Not modified.
     * @return {@code H}, {@code size(x) × size(x)}, row-major flattening
     */
    public static DMatrixRMaj hessian(Function<Tensor, Tensor> f, DMatrixRMaj x) {
        Tape tape = new Tape();
        Tensor xt = tape.variable(x.copy());
        Tensor g = tape.gradients(f.apply(xt), null, true, xt)[0];
        int n = xt.size();
        DMatrixRMaj h = new DMatrixRMaj(n, n);
        DMatrixRMaj e = new DMatrixRMaj(x.numRows, x.numCols);
        Tensor et = tape.constant(e);
        for (int b = 0; b < n; b++) {
            e.zero();
            e.data[b] = 1.0;
            DMatrixRMaj row = tape.gradients(g, et, false, xt)[0].value();
            System.arraycopy(row.data, 0, h.data, b * n, n);
        }
        return h;
    }

    /**
     * Vector–Jacobian product on an existing tape: {@code vᵀ ∂y/∂x}.
     *
     * @param y           the output tensor
     * @param x           the input tensor (leaf or intermediate) of the same tape
     * @param v           the cotangent, shaped like {@code y}
     * @param createGraph record the computation, so the result can be differentiated again
     * @return {@code vᵀ J}, shaped like {@code x}
     */
    public static Tensor vjp(Tensor y, Tensor x, Tensor v, boolean createGraph) {
        return y.tape().gradients(y, v, createGraph, x)[0];
    }

    /**
     * Jacobian–vector product on an existing tape, {@code (∂y/∂x) u}, by the double-vjp trick
     * (the first vjp is always recorded; {@code createGraph} controls the second).
     *
     * @param y           the output tensor
     * @param x           the input tensor of the same tape
     * @param u           the tangent, shaped like {@code x}
     * @param createGraph record the computation, so the result can be differentiated again
     * @return {@code J u}, shaped like {@code y}
     */
    public static Tensor jvp(Tensor y, Tensor x, Tensor u, boolean createGraph) {
        Tape tape = y.tape();
        Tensor w = tape.variable(new DMatrixRMaj(y.rows(), y.cols()));
        Tensor r = tape.gradients(y, w, true, x)[0];
        if (!r.requiresGrad()) {
            // y does not depend on x (or only through constants): J u = 0
            return tape.constant(new DMatrixRMaj(y.rows(), y.cols()));
        }
        return tape.gradients(r, u, createGraph, w)[0];
    }
}
