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
     * pair (Hairer, Nørsett, Wanner, <i>Solving ODEs I</i>, §II.4, eq. 4.13), as in torchdiffeq,
     * scipy and commons-math3.
     */
    StepController I = (ratio, previousRatio, q) -> Math.pow(ratio, -1.0 / (q + 1));

    /**
     * The default: the I controller with Hairer's "Lund" stabilisation {@code β = 0.04}, the
     * default of Hairer's DOPRI5 code, {@code stabilized(0.04)}. It behaves like {@link #I} on
     * smooth problems and avoids the reject/accept cycles of the I controller when the step size
     * is limited by stability (mildly stiff problems).
     */
    StepController STABILIZED = stabilized(0.04);

    /**
     * A proportional–integral controller
     * {@code ratio^(-0.7/(q+1)) · previousRatio^(0.4/(q+1))} (Gustafsson 1991; Hairer, Wanner,
     * <i>Solving ODEs II</i>, §IV.2, eq. 2.43c; Söderlind 2002), which gives smoother step
     * sequences near the stability boundary.
     */
    StepController PI = (ratio, previousRatio, q) ->
            Math.pow(ratio, -0.7 / (q + 1)) * Math.pow(previousRatio, 0.4 / (q + 1));

    /**
     * The I controller with Hairer's stabilisation (Lund stabilisation):
     * {@code ratio^(-(1/(q+1) - 0.75·β)) · previousRatio^β}, the rule of Hairer's DOPRI5 code
     * ({@code EXPO1 = 0.2 - 0.75·BETA}, {@code FAC = ERR^EXPO1 / FACOLD^BETA}; Hairer, Nørsett,
     * Wanner, <i>Solving ODEs I</i>, §II.4 and the code's documentation; Hairer, Wanner,
     * <i>Solving ODEs II</i>, §IV.2). {@code β = 0} is {@link #I}.
     *
     * @param beta the weight of the previous error ratio, {@code 0 <= β < 1/(0.75·(q+1))}
     *             (Hairer recommends at most 0.1; 0.04 is his DOPRI5 default)
     * @return the controller
     * @throws IllegalArgumentException if {@code beta} is negative, at least 0.2, or not finite
     */
    static StepController stabilized(double beta) {
        if (!(beta >= 0 && beta < 0.2)) {
            throw new IllegalArgumentException("stabilized: beta must be in [0, 0.2), got " + beta);
        }
        // one exp and two logs instead of two pow calls (a pow is about a log and an exp)
        return (ratio, previousRatio, q) -> Math.exp(beta * Math.log(previousRatio)
                - (1.0 / (q + 1) - 0.75 * beta) * Math.log(ratio));
    }

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
