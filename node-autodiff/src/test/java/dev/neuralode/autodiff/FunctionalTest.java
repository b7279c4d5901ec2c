package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class FunctionalTest {

    private final Random rnd = new Random(11);
    private final DMatrixRMaj w = TapeSmokeTest.random(3, 4, rnd);

    /** f: 2×3 → 2×4, a small nonlinear layer. */
    private Tensor f(Tensor x) {
        return x.matmul(x.tape().constant(w)).tanh().mul(x.sum(1));
    }

    /** Central-difference Jacobian, row-major flattening on both sides. */
    private DMatrixRMaj numericJacobian(Function<Tensor, Tensor> fn, DMatrixRMaj x) {
        DMatrixRMaj y0 = eval(fn, x);
        DMatrixRMaj j = new DMatrixRMaj(y0.getNumElements(), x.getNumElements());
        for (int b = 0; b < x.getNumElements(); b++) {
            DMatrixRMaj p = x.copy();
            DMatrixRMaj q = x.copy();
            p.data[b] += 1e-6;
            q.data[b] -= 1e-6;
            DMatrixRMaj yp = eval(fn, p);
            DMatrixRMaj yq = eval(fn, q);
            for (int a = 0; a < y0.getNumElements(); a++) {
                j.set(a, b, (yp.data[a] - yq.data[a]) / 2e-6);
            }
        }
        return j;
    }

    private static DMatrixRMaj eval(Function<Tensor, Tensor> fn, DMatrixRMaj x) {
        Tape t = new Tape();
        return fn.apply(t.constant(x.copy())).value();
    }

    private static void assertClose(DMatrixRMaj a, DMatrixRMaj b, double tol) {
        assertThat(a.getNumElements()).isEqualTo(b.getNumElements());
        for (int i = 0; i < a.getNumElements(); i++) {
            assertThat(a.data[i]).as("element %d", i).isCloseTo(b.data[i], within(tol));
        }
    }

    @Test
    void gradMatchesAnalytic() {
        DMatrixRMaj x = TapeSmokeTest.random(2, 3, rnd);
        DMatrixRMaj g = Functional.grad(t -> t.pow(3).sum(), x);
        for (int i = 0; i < 6; i++) {
            assertThat(g.data[i]).isCloseTo(3 * x.data[i] * x.data[i], within(1e-14));
        }
        DMatrixRMaj y = TapeSmokeTest.random(2, 3, rnd);
        DMatrixRMaj[] gs = Functional.grad(ts -> ts[0].mul(ts[1]).sum(), x, y);
        assertClose(gs[0], y, 1e-15);
        assertClose(gs[1], x, 1e-15);
    }

    @Test
    void jacobianVjpAndJvpMatchFiniteDifferences() {
        DMatrixRMaj x = TapeSmokeTest.random(2, 3, rnd);
        DMatrixRMaj jac = Functional.jacobian(this::f, x);
        assertThat(jac.numRows).isEqualTo(8);
        assertThat(jac.numCols).isEqualTo(6);
        assertClose(jac, numericJacobian(this::f, x), 1e-8);

        DMatrixRMaj v = TapeSmokeTest.random(2, 4, rnd);
        DMatrixRMaj vjp = Functional.vjp(this::f, x, v);
        DMatrixRMaj expected = new DMatrixRMaj(1, 6);
        CommonOps_DDRM.multTransA(new DMatrixRMaj(8, 1, true, v.data), jac, expected);
        assertClose(new DMatrixRMaj(1, 6, true, vjp.data), expected, 1e-12);

        DMatrixRMaj u = TapeSmokeTest.random(2, 3, rnd);
        DMatrixRMaj jvp = Functional.jvp(this::f, x, u);
        assertThat(jvp.numRows).isEqualTo(2);
        assertThat(jvp.numCols).isEqualTo(4);
        DMatrixRMaj ju = new DMatrixRMaj(8, 1);
        CommonOps_DDRM.mult(jac, new DMatrixRMaj(6, 1, true, u.data), ju);
        assertClose(new DMatrixRMaj(8, 1, true, jvp.data), ju, 1e-12);
    }

    @Test
    void hvpAndHessianMatchAnalyticAndFiniteDifferences() {
        DMatrixRMaj x = TapeSmokeTest.random(1, 3, rnd);
        DMatrixRMaj v = TapeSmokeTest.random(1, 3, rnd);
        // f = Σ x³: H = diag(6x)
        DMatrixRMaj hv = Functional.hvp(t -> t.pow(3).sum(), x, v);
        for (int i = 0; i < 3; i++) {
            assertThat(hv.data[i]).isCloseTo(6 * x.data[i] * v.data[i], within(1e-13));
        }
        // a non-separable function: the Hessian is the Jacobian of the gradient
        Function<Tensor, Tensor> g = t -> t.matmul(t.tape().constant(w)).tanh().square().sum();
        DMatrixRMaj h = Functional.hessian(g, x);
        DMatrixRMaj numeric = numericJacobian(t -> {
            Tape tape = new Tape();
            Tensor xv = tape.variable(t.value().copy());
            return tape.gradients(g.apply(xv), null, false, xv)[0];
        }, x);
        assertClose(h, numeric, 1e-7);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(h.get(i, j)).isCloseTo(h.get(j, i), within(1e-13));
            }
        }
        DMatrixRMaj hv2 = Functional.hvp(g, x, v);
        DMatrixRMaj hvExpected = new DMatrixRMaj(3, 1);
        CommonOps_DDRM.mult(h, new DMatrixRMaj(3, 1, true, v.data), hvExpected);
        assertClose(new DMatrixRMaj(3, 1, true, hv2.data), hvExpected, 1e-12);
    }

    @Test
    void tensorLevelJvpIsDifferentiable() {
        // trace-style quantity: d/dx ⟨u, J(x) u⟩ for f(x) = tanh(x W); check against finite differences
        DMatrixRMaj x0 = TapeSmokeTest.random(1, 3, rnd);
        DMatrixRMaj u0 = TapeSmokeTest.random(1, 3, rnd);
        DMatrixRMaj sq = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.extract(TapeSmokeTest.random(3, 3, new Random(2)), 0, 3, 0, 3, sq, 0, 0);
        Function<Tensor[], Tensor> q = xs -> {
            Tape tape = xs[0].tape();
            Tensor y = xs[0].matmul(tape.constant(sq)).tanh();
            Tensor u = tape.constant(u0);
            return Functional.jvp(y, xs[0], u, true).mul(u).sum();
        };
        GradientCheck.Result r = GradientCheck.firstOrder(q, new DMatrixRMaj[]{x0}, 1e-6);
        assertThat(r.maxError()).as(r.toString()).isLessThan(1e-7);
    }
}
