package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every registered op must pass: first order, second order, both backward paths, shapes. */
class OpRegistryTest {

    static Stream<Arguments> cases() {
        return OpRegistry.entries().stream().flatMap(e -> IntStream.range(0, e.shapes().size())
                .mapToObj(i -> Arguments.of(e, i, describe(e.shapes().get(i)))));
    }

    static Stream<Arguments> secondOrderCases() {
        return cases().filter(a -> ((OpRegistry.Entry) a.get()[0]).secondOrder());
    }

    private static String describe(int[][] shapes) {
        StringBuilder sb = new StringBuilder();
        for (int[] s : shapes) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s[0]).append('x').append(s[1]);
        }
        return sb.toString();
    }

    private static long seed(OpRegistry.Entry e, int shapeCase) {
        return 31L * e.name().hashCode() + shapeCase;
    }

    @ParameterizedTest(name = "{0} [{2}]")
    @MethodSource("cases")
    void firstOrder(OpRegistry.Entry e, int shapeCase, String shapes) {
        DMatrixRMaj[] x = OpContract.inputs(e, e.shapes().get(shapeCase), seed(e, shapeCase));
        OpContract.checkFirstOrder(e, x);
    }

    @ParameterizedTest(name = "{0} [{2}]")
    @MethodSource("secondOrderCases")
    void secondOrder(OpRegistry.Entry e, int shapeCase, String shapes) {
        DMatrixRMaj[] x = OpContract.inputs(e, e.shapes().get(shapeCase), seed(e, shapeCase));
        OpContract.checkSecondOrder(e, x, seed(e, shapeCase) + 7);
    }

    @ParameterizedTest(name = "{0} [{2}]")
    @MethodSource("cases")
    void backwardPathsAgreeAndShapesMatch(OpRegistry.Entry e, int shapeCase, String shapes) {
        DMatrixRMaj[] x = OpContract.inputs(e, e.shapes().get(shapeCase), seed(e, shapeCase));
        OpContract.checkPathsAndShapes(e, x);
    }

    @ParameterizedTest(name = "{0} [{2}]")
    @MethodSource("cases")
    void recycledArraysChangeNoResult(OpRegistry.Entry e, int shapeCase, String shapes) {
        DMatrixRMaj[] x = OpContract.inputs(e, e.shapes().get(shapeCase), seed(e, shapeCase));
        OpContract.checkRecycling(e, x);
    }

    @Test
    void registryCoversEveryTensorOpAndLoss() {
        Set<String> names = new HashSet<>();
        for (OpRegistry.Entry e : OpRegistry.entries()) {
            assertThat(names.add(e.name())).as("duplicate name %s", e.name()).isTrue();
        }
        assertThat(names).contains("add", "sub", "mul", "div", "scale", "neg", "add_scalar", "matmul",
                "matmul_trans_a", "matmul_trans_b", "affine", "linear", "transpose", "sum", "sum_axis0", "sum_axis1",
                "mean", "mean_axis0", "mean_axis1", "expand", "reduce_to_row", "slice_rows", "slice_cols", "reshape",
                "concat_rows", "concat_cols", "square", "pow3", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu",
                "leaky_relu", "softplus", "elu", "sin", "cos", "logsumexp", "log_softmax", "mse", "mae",
                "cross_entropy_labels", "cross_entropy_probs", "gaussian_nll", "kl_diag_gaussians");
    }
}
