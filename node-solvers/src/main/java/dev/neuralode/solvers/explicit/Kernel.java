package dev.neuralode.solvers.explicit;

/**
 * The hand-fused step kernels a built-in tableau may carry ({@link Dopri5Kernel},
 * {@link Dop853Kernel}): each performs exactly the generic stepper's floating-point operations in
 * the same order (tested bit for bit), without its loop and indirection overhead. Package-private.
 */
enum Kernel {
    /** Dormand–Prince 5(4). */
    DOPRI5,
    /** DOP853. */
    DOP853
}
