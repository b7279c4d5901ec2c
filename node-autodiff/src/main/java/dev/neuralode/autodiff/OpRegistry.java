package dev.neuralode.autodiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The registry of every differentiable op and loss, as test data: for each one its name, its
 * arity, how to build it from input tensors, the input shapes to try (including broadcasting
 * shapes), the input domain, and whether it is smooth enough for a second-order check at random
 * points. The registry-driven tests ({@code OpRegistryTest}) gradient-check every entry, first
 * and second order, in both backward paths (plain and create-graph), with no per-op test code:
 * add one {@link Entry} here (or {@link #register} it) and the op is covered.
 *
 * <pre>{@code
 * OpRegistry.register(new OpRegistry.Entry("my_op", 1, xs -> xs[0].tape().apply(new MyOp(), xs[0]),
 *         OpRegistry.shapes(new int[][]{{3, 4}}), OpRegistry.Domain.ANY, true));
 * }</pre>
 */
public final class OpRegistry {

    /** Where random inputs for an entry are drawn. */
    public enum Domain {
        /** Standard normal values. */
        ANY,
        /** Uniform in [0.5, 2] (for log, sqrt, fractional powers). */
        POSITIVE,
        /** Random sign times uniform in [0.3, 1.5] (for kinks at 0: abs, relu, elu; divisors). */
        AWAY_FROM_ZERO
    }

    /**
     * One registered op or loss.
     *
     * @param name        a unique name (usually the op's {@link Op#name()})
     * @param arity       the number of input tensors
     * @param build       builds the op's output from {@code arity} input tensors of one tape
     * @param shapes      the input shape cases: each case is {@code arity} pairs {@code {rows, cols}}
     * @param domain      where random inputs are drawn
     * @param secondOrder whether second derivatives exist at random points of the domain (false
     *                    for ops whose backward is not differentiable)
     */
    public record Entry(String name, int arity, Function<Tensor[], Tensor> build, List<int[][]> shapes,
                        Domain domain, boolean secondOrder) {
        /**
         * Validates the entry.
         *
         * @throws IllegalArgumentException if a shape case does not have {@code arity} shapes
         */
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(build, "build");
            shapes = List.copyOf(shapes);
            for (int[][] c : shapes) {
                if (c.length != arity) {
                    throw new IllegalArgumentException("registry entry '" + name + "': a shape case has "
                            + c.length + " shapes, arity is " + arity);
                }
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Entry> ENTRIES = new CopyOnWriteArrayList<>();

    static {
        builtins();
    }

    private OpRegistry() {
    }

    /**
     * All entries, built-ins first, then those registered at run time.
     *
     * @return an unmodifiable snapshot
     */
    public static List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(ENTRIES));
    }

    /**
     * The entry of the given name.
     *
     * @param name the name
     * @return the entry
     * @throws IllegalArgumentException if none has that name
     */
    public static Entry get(String name) {
        for (Entry e : ENTRIES) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("no op named '" + name + "' in the registry");
    }

    /**
     * Adds an entry.
     *
     * @param e the entry
     * @throws IllegalArgumentException if an entry of that name exists
     */
    public static void register(Entry e) {
        for (Entry x : ENTRIES) {
            if (x.name().equals(e.name())) {
                throw new IllegalArgumentException("an op named '" + e.name() + "' is already registered");
            }
        }
        ENTRIES.add(e);
    }

    /**
     * Convenience for shape lists: {@code shapes(new int[][]{{3, 4}, {1, 4}}, ...)}.
     *
     * @param cases the shape cases
     * @return them as a list
     */
    public static List<int[][]> shapes(int[][]... cases) {
        return List.of(cases);
    }

    private static int[][] c(int... rc) {
        int[][] out = new int[rc.length / 2][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[]{rc[2 * i], rc[2 * i + 1]};
        }
        return out;
    }

    private static void unary(String name, Function<Tensor, Tensor> f, Domain d, boolean second) {
        ENTRIES.add(new Entry(name, 1, xs -> f.apply(xs[0]),
                shapes(c(3, 4), c(1, 5), c(4, 1), c(1, 1)), d, second));
    }

    private static void binary(String name, Function<Tensor[], Tensor> f, Domain d) {
        ENTRIES.add(new Entry(name, 2, f, shapes(c(3, 4, 3, 4), c(3, 4, 1, 4), c(3, 4, 3, 1), c(3, 4, 1, 1),
                c(1, 4, 3, 4), c(3, 1, 1, 4)), d, true));
    }

    private static void builtins() {
        // elementwise binary, with row, column and scalar broadcasting
        binary("add", xs -> xs[0].add(xs[1]), Domain.ANY);
        binary("sub", xs -> xs[0].sub(xs[1]), Domain.ANY);
        binary("mul", xs -> xs[0].mul(xs[1]), Domain.ANY);
        binary("div", xs -> xs[0].div(xs[1]), Domain.AWAY_FROM_ZERO);
        // scalar ops
        unary("neg", Tensor::neg, Domain.ANY, true);
        unary("scale", x -> x.scale(-1.7), Domain.ANY, true);
        unary("add_scalar", x -> x.add(0.3), Domain.ANY, true);
        // linear algebra
        ENTRIES.add(new Entry("matmul", 2, xs -> xs[0].matmul(xs[1]),
                shapes(c(3, 4, 4, 2), c(1, 3, 3, 1), c(5, 1, 1, 3)), Domain.ANY, true));
        ENTRIES.add(new Entry("matmul_trans_a", 2, xs -> xs[0].matmulTransA(xs[1]),
                shapes(c(4, 3, 4, 2), c(1, 3, 1, 2)), Domain.ANY, true));
        ENTRIES.add(new Entry("matmul_trans_b", 2, xs -> xs[0].matmulTransB(xs[1]),
                shapes(c(3, 4, 2, 4), c(3, 1, 2, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("affine", 3, xs -> xs[0].affine(xs[1], xs[2]),
                shapes(c(5, 3, 3, 4, 1, 4), c(1, 2, 2, 1, 1, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("linear", 3, xs -> xs[0].linear(xs[1], xs[2]),
                shapes(c(5, 3, 4, 3, 1, 4), c(2, 1, 3, 1, 1, 3)), Domain.ANY, true));
        unary("transpose", Tensor::transpose, Domain.ANY, true);
        // reductions and shape
        unary("sum", Tensor::sum, Domain.ANY, true);
        unary("sum_axis0", x -> x.sum(0), Domain.ANY, true);
        unary("sum_axis1", x -> x.sum(1), Domain.ANY, true);
        unary("mean", Tensor::mean, Domain.ANY, true);
        unary("mean_axis0", x -> x.mean(0), Domain.ANY, true);
        unary("mean_axis1", x -> x.mean(1), Domain.ANY, true);
        ENTRIES.add(new Entry("expand", 1, xs -> xs[0].expand(3, 4),
                shapes(c(1, 4), c(3, 1), c(1, 1), c(3, 4)), Domain.ANY, true));
        ENTRIES.add(new Entry("reduce_to_row", 1, xs -> xs[0].reduceTo(1, xs[0].cols()),
                shapes(c(3, 4), c(1, 2)), Domain.ANY, true));
        ENTRIES.add(new Entry("reduce_to_scalar", 1, xs -> xs[0].reduceTo(1, 1),
                shapes(c(3, 4), c(3, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("slice_rows", 1, xs -> xs[0].sliceRows(1, xs[0].rows()),
                shapes(c(4, 3), c(2, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("slice_cols", 1, xs -> xs[0].sliceCols(0, xs[0].cols() - 1),
                shapes(c(3, 5), c(1, 2)), Domain.ANY, true));
        ENTRIES.add(new Entry("pad", 1, xs -> xs[0].tape().apply(
                new BuiltinOps.Pad(1, 2, xs[0].rows() + 2, xs[0].cols() + 3), xs[0]),
                shapes(c(2, 3), c(1, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("reshape", 1, xs -> xs[0].reshape(xs[0].cols(), xs[0].rows()),
                shapes(c(3, 4), c(1, 6)), Domain.ANY, true));
        ENTRIES.add(new Entry("reshape_flat", 1, xs -> xs[0].reshape(1, xs[0].size()),
                shapes(c(3, 4)), Domain.ANY, true));
        ENTRIES.add(new Entry("concat_rows", 2, xs -> Tensor.concatRows(xs[0], xs[1]),
                shapes(c(2, 3, 4, 3), c(1, 1, 1, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("concat_rows_3", 3, xs -> Tensor.concatRows(xs[0], xs[1], xs[2]),
                shapes(c(2, 3, 1, 3, 3, 3)), Domain.ANY, true));
        ENTRIES.add(new Entry("concat_cols", 2, xs -> Tensor.concatCols(xs[0], xs[1]),
                shapes(c(3, 2, 3, 4), c(1, 1, 1, 1)), Domain.ANY, true));
        // elementwise unary
        unary("square", Tensor::square, Domain.ANY, true);
        unary("pow3", x -> x.pow(3), Domain.ANY, true);
        unary("pow_frac", x -> x.pow(2.5), Domain.POSITIVE, true);
        unary("pow_neg", x -> x.pow(-1.5), Domain.POSITIVE, true);
        unary("exp", Tensor::exp, Domain.ANY, true);
        unary("log", Tensor::log, Domain.POSITIVE, true);
        unary("sqrt", Tensor::sqrt, Domain.POSITIVE, true);
        unary("abs", Tensor::abs, Domain.AWAY_FROM_ZERO, true);
        unary("tanh", Tensor::tanh, Domain.ANY, true);
        unary("sigmoid", Tensor::sigmoid, Domain.ANY, true);
        unary("relu", Tensor::relu, Domain.AWAY_FROM_ZERO, true);
        unary("leaky_relu", x -> x.leakyRelu(0.01), Domain.AWAY_FROM_ZERO, true);
        unary("softplus", Tensor::softplus, Domain.ANY, true);
        unary("elu", x -> x.elu(1.0), Domain.AWAY_FROM_ZERO, true);
        unary("sin", Tensor::sin, Domain.ANY, true);
        unary("cos", Tensor::cos, Domain.ANY, true);
        unary("logsumexp", Tensor::logSumExp, Domain.ANY, true);
        unary("log_softmax", Tensor::logSoftmax, Domain.ANY, true);
        ENTRIES.add(new Entry("tanh_grad", 2, xs -> xs[0].tape().apply(BuiltinOps.TANH_GRAD, xs[0], xs[1]),
                shapes(c(3, 4, 3, 4), c(1, 1, 1, 1)), Domain.ANY, true));
        // losses
        ENTRIES.add(new Entry("mse", 2, xs -> Losses.mse(xs[0], xs[1]),
                shapes(c(4, 3, 4, 3), c(1, 1, 1, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("mae", 2, xs -> Losses.mae(xs[0], xs[1]),
                shapes(c(4, 3, 4, 3), c(1, 1, 1, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("cross_entropy_labels", 1, xs -> Losses.crossEntropy(xs[0], labels(xs[0])),
                shapes(c(4, 3), c(2, 5), c(1, 1)), Domain.ANY, true));
        ENTRIES.add(new Entry("cross_entropy_probs", 2, xs -> Losses.crossEntropy(xs[0], xs[1]),
                shapes(c(4, 3, 4, 3)), Domain.ANY, true));
        ENTRIES.add(new Entry("gaussian_nll", 3, xs -> Losses.gaussianNll(xs[0], xs[1], xs[2]),
                shapes(c(4, 3, 4, 3, 4, 3), c(4, 3, 4, 3, 1, 3)), Domain.ANY, true));
        ENTRIES.add(new Entry("kl_diag_gaussians", 4,
                xs -> Losses.klDiagonalGaussians(xs[0], xs[1], xs[2], xs[3]),
                shapes(c(4, 3, 4, 3, 4, 3, 4, 3), c(4, 3, 4, 3, 1, 3, 1, 3)), Domain.ANY, true));
        ENTRIES.add(new Entry("kl_standard_normal", 2, xs -> Losses.klStandardNormal(xs[0], xs[1]),
                shapes(c(4, 3, 4, 3)), Domain.ANY, true));
    }

    private static int[] labels(Tensor logits) {
        int[] y = new int[logits.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = (2 * i + 1) % logits.cols();
        }
        return y;
    }
}
