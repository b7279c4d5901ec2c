package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.Jacobian;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Exact Jacobians of tape dynamics ({@link TapeOdeSystem} as a
 * {@link dev.neuralode.core.BlockDiagonalJacobian}): the blocks against central differences, the
 * detection of dynamics that mix the samples, and stiff solves that use them.
 */
class TapeJacobianTest {

    /** tanh(h W1 + t·w_t + b1) W2 + b2 with a time input: rows independent. */
    static final class TimeMlp implements Dynamics {
        final Parameter w1;
        final Parameter wt;
        final Parameter b1;
        final Parameter w2;
        final Parameter b2;

        TimeMlp(int d, int hidden, long seed) {
            Random r = new Random(seed);
            w1 = new Parameter("w1", random(r, d, hidden, 0.8));
            wt = new Parameter("wt", random(r, 1, hidden, 0.5));
            b1 = new Parameter("b1", random(r, 1, hidden, 0.2));
            w2 = new Parameter("w2", random(r, hidden, d, 0.6));
            b2 = new Parameter("b2", random(r, 1, d, 0.1));
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            return h.matmul(tape.param(w1)).add(t.matmul(tape.param(wt))).add(tape.param(b1)).tanh()
                    .matmul(tape.param(w2)).add(tape.param(b2));
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(w1, wt, b1, w2, b2);
        }
    }

    static DMatrixRMaj random(Random r, int rows, int cols, double scale) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = scale * r.nextGaussian();
        }
        return m;
    }

    /** Central differences of the whole n × n Jacobian, step 1e-6. */
    static double[] centralDifferences(OdeSystem f, double t, double[] y) {
        int n = y.length;
        double[] j = new double[n * n];
        double[] yp = y.clone();
        double[] fp = new double[n];
        double[] fm = new double[n];
        for (int c = 0; c < n; c++) {
            double d = 1e-6;
            yp[c] = y[c] + d;
            f.derivative(t, yp, fp);
            yp[c] = y[c] - d;
            f.derivative(t, yp, fm);
            yp[c] = y[c];
            for (int r = 0; r < n; r++) {
                j[r * n + c] = (fp[r] - fm[r]) / (2 * d);
            }
        }
        return j;
    }

    @ParameterizedTest(name = "batch {0}, dim {1}")
    @CsvSource({"1, 2", "3, 2", "7, 2", "1, 4", "3, 4", "7, 4"})
    void blocksMatchCentralDifferencesAndTheDenseMatrixHasNothingOffTheBlocks(int batch, int dim) {
        TapeOdeSystem f = new TapeOdeSystem(new TimeMlp(dim, 6, 11 + batch * 10L + dim), batch, dim);
        int n = batch * dim;
        double[] y = new double[n];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            y[i] = r.nextGaussian();
        }
        double t = 0.37;
        double[] fd = centralDifferences(f, t, y);
        double[] blocks = new double[n * dim];
        f.jacobianBlocks(t, y, blocks);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < dim; i++) {
                for (int k = 0; k < dim; k++) {
                    double ref = fd[(b * dim + i) * n + b * dim + k];
                    assertThat(blocks[b * dim * dim + i * dim + k]).as("block %d (%d, %d)", b, i, k)
                            .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-8 * (1 + Math.abs(ref))));
                }
            }
        }
        double[] dense = new double[n * n];
        java.util.Arrays.fill(dense, 7.0);
        f.jacobian(t, y, dense);
        for (int i = 0; i < n * n; i++) {
            assertThat(dense[i]).as("entry (%d, %d)", i / n, i % n)
                    .isCloseTo(fd[i], org.assertj.core.data.Offset.offset(1e-8 * (1 + Math.abs(fd[i]))));
        }
        assertThat(f.jacobianBlockSize(n)).isEqualTo(dim);
        // dim sweeps for the blocks, one more for the check (none for a single sample)
        assertThat(f.jacobianSweeps()).isEqualTo(2L * (dim + (batch > 1 ? 1 : 0)));
    }

    /** h − mean over the batch: every sample's derivative depends on every other sample. */
    static final class Centering implements Dynamics {
        @Override
        public Tensor apply(Tensor t, Tensor h) {
            return h.sub(h.mean(0)).tanh();
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }
    }

    @Test
    void dynamicsThatMixTheSamplesAreDetectedAndTheDenseJacobianStaysExact() {
        TapeOdeSystem f = new TapeOdeSystem(new Centering(), 3, 2);
        double[] y = {0.3, -0.2, 1.1, 0.4, -0.7, 0.9};
        assertThatThrownBy(() -> f.jacobianBlocks(0, y, new double[12]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mixes the samples")
                .hasMessageContaining("3x2 batch")
                .hasMessageContaining("batch 1");
        double[] dense = new double[36];
        f.jacobian(0, y, dense);
        double[] fd = centralDifferences(f, 0, y);
        for (int i = 0; i < 36; i++) {
            assertThat(dense[i]).as("entry (%d, %d)", i / 6, i % 6)
                    .isCloseTo(fd[i], org.assertj.core.data.Offset.offset(1e-8));
        }
        // a single sample has no other rows to mix with: its block is the whole Jacobian
        TapeOdeSystem one = new TapeOdeSystem(new Centering(), 1, 2);
        double[] b = new double[4];
        one.jacobianBlocks(0, new double[] {0.3, -0.2}, b);
        assertThat(b).containsOnly(0.0);   // h − mean(h) is 0 for one row
    }

    /** f(h) = h Aᵀ + 0.1 c ⊙ tanh(h), A with eigenvalues −1 and −1e3: stiff, rows independent. */
    static final class Stiff implements Dynamics {
        static final double[] A = {-500.5, 499.5, 499.5, -500.5};
        static final double[] C = {1.0, -2.0};

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            Tensor at = tape.constant(2, 2, A[0], A[2], A[1], A[3]);
            return h.matmul(at).add(h.tanh().mul(tape.constant(1, 2, 0.1 * C[0], 0.1 * C[1])));
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }
    }

    /** The same system written by hand, with its Jacobian. */
    static final class StiffByHand implements OdeSystem, Jacobian {
        final int batch;

        StiffByHand(int batch) {
            this.batch = batch;
        }

        @Override
        public void derivative(double t, double[] y, double[] d) {
            for (int b = 0; b < batch; b++) {
                double y0 = y[2 * b];
                double y1 = y[2 * b + 1];
                d[2 * b] = Stiff.A[0] * y0 + Stiff.A[1] * y1 + 0.1 * Stiff.C[0] * Math.tanh(y0);
                d[2 * b + 1] = Stiff.A[2] * y0 + Stiff.A[3] * y1 + 0.1 * Stiff.C[1] * Math.tanh(y1);
            }
        }

        @Override
        public void jacobian(double t, double[] y, double[] j) {
            int n = 2 * batch;
            for (int b = 0; b < batch; b++) {
                int r0 = 2 * b;
                for (int i = 0; i < 2; i++) {
                    double th = Math.tanh(y[r0 + i]);
                    for (int k = 0; k < 2; k++) {
                        j[(r0 + i) * n + r0 + k] = Stiff.A[2 * i + k] + (i == k ? 0.1 * Stiff.C[i] * (1 - th * th) : 0);
                    }
                }
            }
        }

        @Override
        public boolean timeDerivative(double t, double[] y, double[] dfdt) {
            java.util.Arrays.fill(dfdt, 0.0);
            return true;
        }
    }

    @Test
    void aStiffSolveOfTapeDynamicsMatchesTheHandWrittenJacobianAndSavesEvaluations() {
        int batch = 3;
        double[] y0 = {1, -1, 0.5, 2, -0.3, 0.1};
        for (String method : new String[] {"rodas5p", "radau5", "kvaerno5"}) {
            SolverOptions o = SolverOptions.builder().method(method).rtol(1e-8).atol(1e-10).build();
            TapeOdeSystem tape = new TapeOdeSystem(new Stiff(), batch, 2);
            OdeSolution exact = OdeSolvers.solve(tape, y0.clone(), new double[] {0, 2}, o);
            OdeSolution byHand = OdeSolvers.solve(new StiffByHand(batch), y0.clone(), new double[] {0, 2}, o);
            OdeSystem plain = tape::derivative;      // the same function without a Jacobian: differences
            OdeSolution differenced = OdeSolvers.solve(plain, y0.clone(), new double[] {0, 2}, o);
            for (int i = 0; i < y0.length; i++) {
                assertThat(exact.state(1)[i]).as("%s component %d", method, i)
                        .isCloseTo(byHand.state(1)[i], org.assertj.core.data.Offset.offset(1e-9));
            }
            assertThat(exact.stats().functionEvaluations()).as("%s: %s vs differenced %s", method, exact.stats(),
                    differenced.stats()).isLessThan(differenced.stats().functionEvaluations());
            assertThat(tape.jacobianSweeps()).isPositive();
        }
    }
}
