package dev.neuralode.solvers.step;

import dev.neuralode.core.OdeSystem;

/**
 * An ODE method: a factory of {@link Stepper}s, plus the facts about it that the driver and the
 * gradient methods need (its orders and whether it carries an error estimate).
 *
 * <p>A method is immutable and thread-safe; every solve asks it for a fresh stepper, which owns that
 * solve's workspace. Explicit Runge–Kutta methods are
 * {@link dev.neuralode.solvers.explicit.ButcherTableau}s; implicit families (Rosenbrock, ESDIRK,
 * BDF) are further implementations of this interface. Register your own with
 * {@link dev.neuralode.solvers.OdeSolvers#register(Method)} to select it by name.
 */
public interface Method {

    /**
     * The method's registry name.
     *
     * @return a lower-case name such as {@code "dopri5"}
     */
    String name();

    /**
     * The order {@code p} of the propagated solution: the global error scales like {@code h^p}.
     *
     * @return at least 1
     */
    int order();

    /**
     * The order {@code q} of the embedded solution behind the error estimate, or 0 for a method
     * without one (fixed-step only).
     *
     * @return {@code q >= 1}, or 0
     */
    int errorOrder();

    /**
     * Whether the method estimates its local error and can adapt its step.
     *
     * @return {@code errorOrder() > 0}
     */
    default boolean isAdaptive() {
        return errorOrder() > 0;
    }

    /**
     * The order the step-size controller uses: the error estimate scales like
     * {@code h^(controlOrder() + 1)}. Usually {@link #errorOrder()}; DOP853's combined estimator
     * behaves like {@code h^8} and uses 7 (as in Hairer's code).
     *
     * @return the controller order
     */
    default int controlOrder() {
        return errorOrder();
    }

    /**
     * The order of the interpolant of an accepted step ({@link StepInterpolator#state}): the error
     * of {@code y(t)} inside a step scales like {@code h^(denseOrder() + 1)}.
     *
     * @return at least 1
     */
    int denseOrder();

    /**
     * Whether the method is implicit or linearly implicit (Rosenbrock) and meant for stiff problems:
     * its steps are not limited by an explicit method's stability region. The driver names such
     * methods when an explicit solve runs out of steps on a problem that looks stiff.
     *
     * @return {@code false} by default (explicit methods)
     */
    default boolean isImplicit() {
        return false;
    }

    /**
     * Creates the stepper of one solve.
     *
     * @param f the system; the stepper calls it from the solving thread only
     * @param n the state dimension, at least 1
     * @return a new stepper holding its own workspace (allocated once, nothing per step)
     */
    Stepper newStepper(OdeSystem f, int n);
}
