package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;

/** The checks every registered op must pass; shared by the registry test and the custom-op test. */
final class OpContract {

    static final double FIRST_ORDER_TOL = 1e-6;
    static final double SECOND_ORDER_TOL = 1e-5;

    private OpContract() {
    }

    static DMatrixRMaj[] inputs(OpRegistry.Entry e, int[][] shapes, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj[] xs = new DMatrixRMaj[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            DMatrixRMaj m = new DMatrixRMaj(shapes[i][0], shapes[i][1]);
            for (int k = 0; k < m.data.length; k++) {
                m.data[k] = switch (e.domain()) {
                    case ANY -> rnd.nextGaussian();
                    case POSITIVE -> 0.5 + 1.5 * rnd.nextDouble();
                    case AWAY_FROM_ZERO -> (rnd.nextBoolean() ? 1 : -1) * (0.3 + 1.2 * rnd.nextDouble());
                };
            }
            xs[i] = m;
        }
        return xs;
    }

    /**
     * A scalar objective with non-trivial first and second derivatives through the op:
     * {@code Σ c₁ ⊙ y + ½ Σ c₂ ⊙ y²} with fixed random weights {@code c₁, c₂} shaped like {@code y}.
     */
    static Function<Tensor[], Tensor> objective(OpRegistry.Entry e) {
        return xs -> {
            Tensor y = e.build().apply(xs);
            Random rnd = new Random(12345);
            DMatrixRMaj c1 = new DMatrixRMaj(y.rows(), y.cols());
            DMatrixRMaj c2 = new DMatrixRMaj(y.rows(), y.cols());
            for (int k = 0; k < c1.data.length; k++) {
                c1.data[k] = rnd.nextGaussian();
                c2.data[k] = rnd.nextGaussian();
            }
            Tape t = y.tape();
            return y.mul(t.constant(c1)).sum().add(y.square().mul(t.constant(c2)).sum().scale(0.5));
        };
    }

    static void checkFirstOrder(OpRegistry.Entry e, DMatrixRMaj[] x) {
        GradientCheck.Result r = GradientCheck.firstOrder(objective(e), x, 1e-6);
        assertThat(r.maxError()).as("%s first order: %s", e.name(), r).isLessThan(FIRST_ORDER_TOL);
    }

    static void checkSecondOrder(OpRegistry.Entry e, DMatrixRMaj[] x, long seed) {
        GradientCheck.Result r = GradientCheck.secondOrder(objective(e), x, 1e-5, seed);
        assertThat(r.maxError()).as("%s second order: %s", e.name(), r).isLessThan(SECOND_ORDER_TOL);
    }

    /** Plain and create-graph sweeps agree, gradients have the inputs' shapes, no-grad forward agrees. */
    static void checkPathsAndShapes(OpRegistry.Entry e, DMatrixRMaj[] x) {
        Function<Tensor[], Tensor> f = objective(e);
        DMatrixRMaj[] plain = grads(f, x, false);
        DMatrixRMaj[] recorded = grads(f, x, true);
        for (int i = 0; i < x.length; i++) {
            assertThat(plain[i].numRows).as("%s gradient %d rows", e.name(), i).isEqualTo(x[i].numRows);
            assertThat(plain[i].numCols).as("%s gradient %d cols", e.name(), i).isEqualTo(x[i].numCols);
            assertThat(recorded[i].numRows).isEqualTo(x[i].numRows);
            assertThat(recorded[i].numCols).isEqualTo(x[i].numCols);
            for (int k = 0; k < plain[i].data.length && k < x[i].getNumElements(); k++) {
                double a = plain[i].data[k];
                double b = recorded[i].data[k];
                assertThat(Math.abs(a - b)).as("%s input %d element %d: plain %s vs create-graph %s",
                        e.name(), i, k, a, b).isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(a)));
            }
        }
        // backward() into leaves gives the same gradients
        Tape tape = new Tape();
        Tensor[] ts = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            ts[i] = tape.variable(x[i].copy());
        }
        tape.backward(f.apply(ts));
        for (int i = 0; i < x.length; i++) {
            assertThat(ts[i].grad().rows()).isEqualTo(x[i].numRows);
            assertThat(ts[i].grad().cols()).isEqualTo(x[i].numCols);
            for (int k = 0; k < x[i].getNumElements(); k++) {
                assertThat(ts[i].grad().value().data[k]).isCloseTo(plain[i].data[k],
                        org.assertj.core.data.Offset.offset(1e-12 * Math.max(1, Math.abs(plain[i].data[k]))));
            }
        }
        // a no-grad forward computes the same value
        Tape t2 = new Tape();
        Tensor[] cs = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            cs[i] = t2.variable(x[i].copy());
        }
        double recordedValue = e.build().apply(cs).sum().item();
        int before = t2.size();
        try (Tape.Scope s = t2.noGrad()) {
            assertThat(e.build().apply(cs).sum().item()).isEqualTo(recordedValue);
        }
        assertThat(t2.size()).as("no-grad must not record").isEqualTo(before);
    }

    /**
     * Recycling ({@link Tape#close()}) must not change any result: the op's value, its plain and
     * create-graph gradients are computed on a tape whose arrays are then filled with NaN and
     * handed back, and computed again on new tapes, which reuse those arrays; every number must be
     * the same to the bit (an op that reads an array it asked not to be cleared would see NaN).
     */
    static void checkRecycling(OpRegistry.Entry e, DMatrixRMaj[] x) {
        Function<Tensor[], Tensor> f = objective(e);
        DMatrixRMaj[][] first = valueAndGrads(e, f, x, true);
        DMatrixRMaj[][] again = valueAndGrads(e, f, x, false);
        for (int r = 0; r < first.length; r++) {
            for (int i = 0; i < first[r].length; i++) {
                double[] a = first[r][i].data;
                double[] b = again[r][i].data;
                for (int k = 0; k < first[r][i].getNumElements(); k++) {
                    assertThat(Double.doubleToLongBits(b[k])).as("%s result %d/%d element %d after recycling: %s vs %s",
                            e.name(), r, i, k, b[k], a[k]).isEqualTo(Double.doubleToLongBits(a[k]));
                }
            }
        }
    }

    /** The op's value, plain gradients and create-graph gradients (copies), each on a tape closed after. */
    private static DMatrixRMaj[][] valueAndGrads(OpRegistry.Entry e, Function<Tensor[], Tensor> f, DMatrixRMaj[] x,
                                                 boolean poison) {
        DMatrixRMaj[][] out = new DMatrixRMaj[3][];
        for (int pass = 0; pass < 3; pass++) {
            Tape tape = new Tape();
            Tensor[] ts = new Tensor[x.length];
            for (int i = 0; i < x.length; i++) {
                ts[i] = tape.variable(x[i].copy());
            }
            if (pass == 0) {
                out[0] = new DMatrixRMaj[]{e.build().apply(ts).value().copy()};
            } else {
                Tensor[] g = tape.gradients(f.apply(ts), null, pass == 2, ts);
                out[pass] = new DMatrixRMaj[g.length];
                for (int i = 0; i < g.length; i++) {
                    out[pass][i] = g[i].value().copy();
                }
            }
            if (poison) {
                for (double[] a : tape.ownedArrays()) {
                    java.util.Arrays.fill(a, Double.NaN);
                }
            }
            tape.close();
        }
        return out;
    }

    private static DMatrixRMaj[] grads(Function<Tensor[], Tensor> f, DMatrixRMaj[] x, boolean createGraph) {
        Tape tape = new Tape();
        Tensor[] ts = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            ts[i] = tape.variable(x[i].copy());
        }
        Tensor[] g = tape.gradients(f.apply(ts), null, createGraph, ts);
        DMatrixRMaj[] out = new DMatrixRMaj[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = g[i].value();
        }
        return out;
    }
}
