package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Shared test problems, gradients and references. */
final class Fixtures {

    private Fixtures() {
    }

    /** Every gradient method under test: adding a method is one line here. */
    static List<GradientMethod> methods() {
        return List.of(
                GradientMethod.direct(),
                GradientMethod.direct(0),
                GradientMethod.adjoint(),
                GradientMethod.adjoint(AdjointOptions.builder().seminorm(true).build()),
                GradientMethod.checkpointed(),
                GradientMethod.checkpointed(3));
    }

    /** dh/dt = h Aᵀ (each row y obeys dy/dt = A y). */
    static final class Linear implements Dynamics {
        final Parameter a;

        Linear(DMatrixRMaj a) {
            this.a = new Parameter("A", a);
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            return h.matmulTransB(h.tape().param(a));
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(a);
        }
    }

    /** The spiral MLP f = tanh(h³ W1 + b1 + t c) W2 + b2, with an optional explicit time term. */
    static final class Mlp implements Dynamics {
        final Parameter w1;
        final Parameter b1;
        final Parameter c;
        final Parameter w2;
        final Parameter b2;
        final boolean timeDependent;

        Mlp(int dim, int hidden, long seed, boolean timeDependent) {
            Random r = new Random(seed);
            w1 = new Parameter("w1", random(dim, hidden, 0.5, r));
            b1 = new Parameter("b1", random(1, hidden, 0.1, r));
            c = new Parameter("c", random(1, hidden, 0.3, r));
            w2 = new Parameter("w2", random(hidden, dim, 0.5, r));
            b2 = new Parameter("b2", random(1, dim, 0.1, r));
            this.timeDependent = timeDependent;
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            Tensor z = h.pow(3).matmul(tape.param(w1)).add(tape.param(b1));
            if (timeDependent) {
                z = z.add(t.matmul(tape.param(c)));
            }
            return z.tanh().matmul(tape.param(w2)).add(tape.param(b2));
        }

        @Override
        public List<Parameter> parameters() {
            return timeDependent ? List.of(w1, b1, c, w2, b2) : List.of(w1, b1, w2, b2);
        }
    }

    static DMatrixRMaj random(int rows, int cols, double scale, Random r) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = scale * r.nextGaussian();
        }
        return m;
    }

    /** Gradients of L = Σ_i Σ w_i ⊙ y(t_i) for one solve. */
    record Grads(double[] dy0, double[] dtheta, double[] dtimes, double loss, GradientStats stats) {
    }

    /**
     * Runs a solve on a fresh tape and backward of L = Σ_i sum(W_i ⊙ y(t_i)).
     */
    static Grads gradients(Dynamics f, DMatrixRMaj y0, double[] times, DMatrixRMaj[] weights,
                           SolverOptions o, GradientMethod method) {
        for (Parameter p : f.parameters()) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        Tensor y = tape.variable(y0.copy());
        Tensor t = tape.variable(new DMatrixRMaj(1, times.length, true, times));
        OdeSolveResult r = OdeSolve.solve(f, y, t, o, method);
        Tensor loss = null;
        for (int i = 0; i < times.length; i++) {
            Tensor term = r.at(i).mul(tape.constant(weights[i])).sum();
            loss = loss == null ? term : loss.add(term);
        }
        double value = loss.item();
        tape.backward(loss);
        List<double[]> parts = new ArrayList<>();
        int p = 0;
        for (Parameter q : f.parameters()) {
            parts.add(q.grad().data.clone());
            p += q.size();
        }
        double[] dth = new double[p];
        int off = 0;
        for (double[] part : parts) {
            System.arraycopy(part, 0, dth, off, part.length);
            off += part.length;
        }
        return new Grads(y.grad().value().data.clone(), dth, t.grad().value().data.clone(), value, r.stats());
    }

    /** L without gradients. */
    static double loss(Dynamics f, DMatrixRMaj y0, double[] times, DMatrixRMaj[] weights, SolverOptions o) {
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

    /** Central finite differences of L with respect to y0, the parameters (flat) and the times. */
    static Grads finiteDifferences(Dynamics f, DMatrixRMaj y0, double[] times, DMatrixRMaj[] weights,
                                   SolverOptions o, double eps) {
        DMatrixRMaj y = y0.copy();
        double[] dy0 = fd(y.data, eps, v -> loss(f, y, times, weights, o));
        List<Double> th = new ArrayList<>();
        for (Parameter p : f.parameters()) {
            for (double d : fd(p.value().data, eps, v -> loss(f, y, times, weights, o))) {
                th.add(d);
            }
        }
        double[] tt = times.clone();
        double[] dt = fd(tt, eps, v -> loss(f, y, tt, weights, o));
        double[] dth = th.stream().mapToDouble(Double::doubleValue).toArray();
        return new Grads(dy0, dth, dt, loss(f, y, times, weights, o), null);
    }

    static double[] fd(double[] x, double eps, ToDoubleFunction<double[]> fn) {
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

    /** max_k |a_k - b_k| / max(1, max_k |b_k|): error relative to the reference's scale. */
    static double relError(double[] a, double[] b) {
        double scale = 1.0;
        for (double v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        double e = 0;
        for (int k = 0; k < a.length; k++) {
            e = Math.max(e, Math.abs(a[k] - b[k]));
        }
        return e / scale;
    }

    static double worst(Grads a, Grads b) {
        return Math.max(relError(a.dy0(), b.dy0()), Math.max(relError(a.dtheta(), b.dtheta()),
                relError(a.dtimes(), b.dtimes())));
    }

    static DMatrixRMaj[] weights(int m, int batch, int dim, long seed) {
        Random r = new Random(seed);
        DMatrixRMaj[] w = new DMatrixRMaj[m];
        for (int i = 0; i < m; i++) {
            w[i] = random(batch, dim, 1.0, r);
        }
        return w;
    }

    // ------------------------------------------------------------------ matrix exponential

    /** expm by scaling and squaring with a [8/8] Padé approximant. */
    static DMatrixRMaj expm(DMatrixRMaj a) {
        int n = a.numRows;
        double norm = CommonOps_DDRM.elementMaxAbs(a) * n;
        int s = Math.max(0, (int) Math.ceil(Math.log(norm / 0.25) / Math.log(2)));
        DMatrixRMaj x = a.copy();
        CommonOps_DDRM.scale(Math.pow(2, -s), x);
        int q = 8;
        double c = 1;
        DMatrixRMaj num = CommonOps_DDRM.identity(n);
        DMatrixRMaj den = CommonOps_DDRM.identity(n);
        DMatrixRMaj pow = CommonOps_DDRM.identity(n);
        DMatrixRMaj tmp = new DMatrixRMaj(n, n);
        for (int k = 1; k <= q; k++) {
            c = c * (q - k + 1) / (k * (2.0 * q - k + 1));
            CommonOps_DDRM.mult(pow, x, tmp);
            pow.setTo(tmp);
            CommonOps_DDRM.addEquals(num, c, pow);
            CommonOps_DDRM.addEquals(den, (k % 2 == 0 ? c : -c), pow);
        }
        DMatrixRMaj r = new DMatrixRMaj(n, n);
        CommonOps_DDRM.solve(den, num, r);
        for (int k = 0; k < s; k++) {
            CommonOps_DDRM.mult(r, r, tmp);
            r.setTo(tmp);
        }
        return r;
    }

    /**
     * Exact gradients of L = Σ_i w_iᵀ y(t_i), y(t) = e^{A(t - t0)} y0 (one sample).
     * dL/dy0 = Σ e^{Aτ}ᵀ w; dL/dA = Σ upper-right block of expm([[Aᵀτ, w y0ᵀ τ], [0, Aᵀτ]]);
     * dL/dt_i = w_iᵀ A y(t_i); dL/dt0 = -Σ_i w_iᵀ e^{Aτ_i} A y0.
     */
    static Grads exactLinear(DMatrixRMaj a, double[] y0, double[] times, DMatrixRMaj[] w) {
        int n = a.numRows;
        int m = times.length;
        double[] dy0 = y0.clone();
        java.util.Arrays.fill(dy0, 0);
        DMatrixRMaj dA = new DMatrixRMaj(n, n);
        double[] dt = new double[m];
        DMatrixRMaj y0v = new DMatrixRMaj(n, 1, true, y0);
        DMatrixRMaj ay0 = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(a, y0v, ay0);
        double loss = 0;
        for (int i = 0; i < m; i++) {
            double tau = times[i] - times[0];
            DMatrixRMaj wi = new DMatrixRMaj(n, 1, true, w[i].data);
            DMatrixRMaj at = a.copy();
            CommonOps_DDRM.scale(tau, at);
            DMatrixRMaj e = expm(at);
            DMatrixRMaj yi = new DMatrixRMaj(n, 1);
            CommonOps_DDRM.mult(e, y0v, yi);
            loss += CommonOps_DDRM.dot(wi, yi);
            DMatrixRMaj g = new DMatrixRMaj(n, 1);
            CommonOps_DDRM.multTransA(e, wi, g);
            for (int k = 0; k < n; k++) {
                dy0[k] += g.data[k];
            }
            DMatrixRMaj big = new DMatrixRMaj(2 * n, 2 * n);
            for (int r = 0; r < n; r++) {
                for (int cc = 0; cc < n; cc++) {
                    big.set(r, cc, a.get(cc, r) * tau);
                    big.set(n + r, n + cc, a.get(cc, r) * tau);
                    big.set(r, n + cc, wi.data[r] * y0[cc] * tau);
                }
            }
            DMatrixRMaj eb = expm(big);
            for (int r = 0; r < n; r++) {
                for (int cc = 0; cc < n; cc++) {
                    dA.add(r, cc, eb.get(r, n + cc));
                }
            }
            if (i > 0) {
                DMatrixRMaj ayi = new DMatrixRMaj(n, 1);
                CommonOps_DDRM.mult(a, yi, ayi);
                dt[i] = CommonOps_DDRM.dot(wi, ayi);
                DMatrixRMaj eay0 = new DMatrixRMaj(n, 1);
                CommonOps_DDRM.mult(e, ay0, eay0);
                dt[0] -= CommonOps_DDRM.dot(wi, eay0);
            }
        }
        return new Grads(dy0, dA.data, dt, loss, null);
    }
}
