/**
 * A reverse-mode automatic differentiation tape over dense double matrices (EJML
 * {@code DMatrixRMaj}), with higher-order gradients.
 *
 * <p>{@link dev.neuralode.autodiff.Tape} records {@link dev.neuralode.autodiff.Op}s applied to
 * {@link dev.neuralode.autodiff.Tensor}s in execution order; {@code backward} is one reverse sweep.
 * {@link dev.neuralode.autodiff.Parameter}s live across tapes and accumulate gradients. Each op's
 * backward rule is written with tensor ops, so a recorded backward sweep (create-graph) can be
 * differentiated again; a plain sweep takes a fused fast path on raw matrices.
 * {@link dev.neuralode.autodiff.Losses} holds the losses, {@link dev.neuralode.autodiff.Functional}
 * grad/vjp/jvp/Jacobian/Hessian-vector helpers, {@link dev.neuralode.autodiff.OpRegistry} every op
 * as test data for the registry-driven gradient checks, and
 * {@link dev.neuralode.autodiff.GradientCheck} compares gradients with central finite differences.
 */
package dev.neuralode.autodiff;
