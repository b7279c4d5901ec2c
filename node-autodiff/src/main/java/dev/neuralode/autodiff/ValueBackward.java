package dev.neuralode.autodiff;

import org.ejml.data.DMatrixRMaj;

/**
 * An optional fast path of an op's backward rule, on raw matrices, used by the tape when the
 * backward sweep is not recorded (no create-graph): no tensors, no tape nodes, fused kernels.
 * It must compute exactly what {@link Op#backward} computes; the registry-driven tests check
 * both paths against finite differences.
 *
 * <p>Contract: never modify {@code gradOutput}, the inputs or the output; a returned matrix may
 * be newly allocated or be {@code gradOutput} itself (the tape copies before accumulating into a
 * matrix it does not own).
 */
interface ValueBackward {

    /**
     * The gradients of the inputs from the gradient of the output, on raw matrices.
     *
     * @param gradOutput the gradient of the output. Not modified.
     * @param inputs     the input values. Not modified.
     * @param output     the output value. Not modified.
     * @param needsGrad  which inputs need a gradient
     * @return one gradient per input ({@code null} where not needed)
     */
    DMatrixRMaj[] backwardValues(DMatrixRMaj gradOutput, DMatrixRMaj[] inputs, DMatrixRMaj output,
                                 boolean[] needsGrad);

    /**
     * {@link #backwardValues}, allowed to overwrite {@code gradOutput} with a result (the tape
     * calls it when it owns {@code gradOutput} and will not read it again), saving an allocation
     * for elementwise ops. The default does not use the permission.
     *
     * @param gradOutput the gradient of the output. May be overwritten.
     * @param inputs     the input values. Not modified.
     * @param output     the output value. Not modified.
     * @param needsGrad  which inputs need a gradient
     * @return one gradient per input ({@code null} where not needed)
     */
    default DMatrixRMaj[] backwardValuesInPlace(DMatrixRMaj gradOutput, DMatrixRMaj[] inputs, DMatrixRMaj output,
                                                boolean[] needsGrad) {
        return backwardValues(gradOutput, inputs, output, needsGrad);
    }
}
