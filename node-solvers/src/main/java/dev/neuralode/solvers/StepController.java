package dev.neuralode.solvers;

/**
 * The step-size controller of the adaptive engine: from the error ratio of an accepted step it
 * proposes the factor by which the next step grows or shrinks.
 *
 * <p>The engine multiplies the returned factor by the safety factor and clamps the product to
 * {@code [minFactor, maxFactor]} (see {@link SolverOptions}); right after a rejected step it also
 * caps it at 1 (no growth after a rejection). Rejected steps always shrink with the elementary
 * rule {@code max(minFactor, safety · ratio^(-1/(q+1)))}.
 *
 * <p>Implementations must be pure and thread-safe; they are called once per accepted step.
 */
@FunctionalInterface
public interface StepController {

    /**
     * The elementary (integral) controller {@code ratio^(-1/(q+1))}, q the lower order of the
     * pair (Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>, §II.4, eq. 4.13). The default.
     */
    StepController I = (ratio, previousRatio, q) -> Math.pow(ratio, -1.0 / (q + 1));

    /**
     * A proportional–integral controller
     * {@code ratio^(-0.7/(q+1)) · previousRatio^(0.4/(q+1))} (Gustafsson 1991; Hairer, Wanner,
     * <i>Solving ODEs II</i>, §IV.2, eq. 2.43c; Söderlind 2002), which gives smoother step
     * sequences near the stability boundary.
     */
    StepController PI = (ratio, previousRatio, q) ->
            Math.pow(ratio, -0.7 / (q + 1)) * Math.pow(previousRatio, 0.4 / (q + 1));

    /**
     * Proposes the growth factor of the next step, before safety and clamping.
     *
     * @param ratio         the error ratio of the step just accepted, in {@code (0, 1]}
     * @param previousRatio the error ratio of the previously accepted step, floored at
     *                      {@code 1e-4}; 1 for the first step
     * @param q             the order of the error estimator: the step size scales the error
     *                      like {@code h^(q+1)}
     * @return the proposed factor, positive
     */
    double factor(double ratio, double previousRatio, int q);
}
