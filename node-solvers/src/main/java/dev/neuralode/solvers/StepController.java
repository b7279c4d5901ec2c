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
 * <p>Controllers are objects: {@link #I}, {@link #PI}, the default {@link #STABILIZED}, Söderlind's
 * PID family ({@link #pid(double, double, double)} in OrdinaryDiffEq's parametrisation,
 * {@link #pidCoefficients(double, double, double)} in Diffrax's) and the recommended filters
 * {@link #H211PI}, {@link #H312PID}, {@link #PI42}, {@link #PI33}, {@link #PI34}. A lambda of three
 * arguments is a controller too.
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
     * Söderlind's digital-filter (PID) controller as OrdinaryDiffEq.jl's {@code PIDController}
     * parametrises it: with {@code k = q + 1},
     * <pre>
     *   F = ratio^(-β1/k) · previousRatio^(-β2/k) · olderRatio^(-β3/k),     factor = 1 + atan(F - 1)
     * </pre>
     * the second step being Söderlind's limiter, which keeps the factor in about
     * {@code (0.21, 2.57)} and smooth (G. Söderlind, <i>Digital filters in adaptive time-stepping</i>,
     * ACM TOMS 29, 2003; Söderlind &amp; Wang, <i>Adaptive time-stepping and computational
     * stability</i>, JCAM 185, 2006). The driver then applies the safety factor and the
     * {@code [minFactor, maxFactor]} clamp; set {@code safety(1.0)} for OrdinaryDiffEq's exact rule.
     * {@code pid(1, 0, 0)} is the I controller with the limiter.
     *
     * @param beta1 the weight of the current error ratio (before division by k)
     * @param beta2 the weight of the previous one
     * @param beta3 the weight of the one before
     * @return the controller
     * @throws IllegalArgumentException if a coefficient is not finite or {@code beta1 <= 0}
     */
    static StepController pid(double beta1, double beta2, double beta3) {
        return new Pid(beta1, beta2, beta3, true, "pid(" + beta1 + ", " + beta2 + ", " + beta3 + ")");
    }

    /**
     * The PID controller in Diffrax's parametrisation ({@code PIDController(pcoeff, icoeff,
     * dcoeff)}): {@code β1 = p + i + d}, {@code β2 = -(p + 2d)}, {@code β3 = d}, each divided by
     * {@code k = q + 1}, without a limiter:
     * {@code factor = ratio^(-β1/k) · previousRatio^(-β2/k) · olderRatio^(-β3/k)}. Diffrax's
     * default {@code (0, 1, 0)} is the I controller; its documentation suggests {@code (0.4, 0.3, 0)}
     * or {@code (0.3, 0.3, 0)} for mildly stiff problems such as many neural ODEs.
     *
     * @param pcoeff the proportional coefficient
     * @param icoeff the integral coefficient
     * @param dcoeff the derivative coefficient
     * @return the controller
     * @throws IllegalArgumentException if a coefficient is not finite or {@code p + i + d <= 0}
     */
    static StepController pidCoefficients(double pcoeff, double icoeff, double dcoeff) {
        return new Pid(pcoeff + icoeff + dcoeff, -(pcoeff + 2 * dcoeff), dcoeff, false,
                "pidCoefficients(" + pcoeff + ", " + icoeff + ", " + dcoeff + ")");
    }

    /**
     * torchdiffeq's step-size rule (its {@code _optimal_step_size}), for users comparing results
     * with it: the I controller {@code ratio^(-1/(q+1))} (torchdiffeq's exponent {@code 1/order}
     * with its order {@code q + 1}), with two rules of its own — an accepted step never makes the
     * next one smaller (its {@code dfactor = 1} when the ratio is below 1), and a step may grow right
     * after a rejection. Use it with the default safety 0.9, minFactor 0.2 and maxFactor 10, which
     * are torchdiffeq's too; its initial step and error norm are this library's defaults already.
     * One difference remains: torchdiffeq steps past the final time and interpolates, where this
     * library's driver ends the last step exactly on it (at most one more, shorter, step).
     */
    StepController TORCHDIFFEQ = new StepController() {
        @Override
        public double factor(double ratio, double previousRatio, int q) {
            return Math.pow(ratio, -1.0 / (q + 1));
        }

        @Override
        public boolean shrinksAcceptedSteps() {
            return false;
        }

        @Override
        public boolean holdsAfterRejection() {
            return false;
        }

        @Override
        public String toString() {
            return "TORCHDIFFEQ";
        }
    };

    /**
     * Whether an accepted step may make the next step smaller than itself (a factor below 1 after
     * the safety factor). The default is {@code true}, as in Hairer's codes; torchdiffeq's rule
     * ({@link #TORCHDIFFEQ}) keeps the step instead.
     *
     * @return {@code true} to let accepted steps shrink the next one
     */
    default boolean shrinksAcceptedSteps() {
        return true;
    }

    /**
     * Whether the step right after a rejection may not grow (the factor is capped at 1), as in
     * Hairer's codes and scipy. The default is {@code true}; torchdiffeq does not hold.
     *
     * @return {@code true} to cap the factor at 1 right after a rejection
     */
    default boolean holdsAfterRejection() {
        return true;
    }

    /** Söderlind's H211PI filter, {@code pid(1/6, 1/6, 0)}: smooth steps for problems near stability limits. */
    StepController H211PI = pid(1.0 / 6, 1.0 / 6, 0);

    /** Söderlind's H312PID filter, {@code pid(1/18, 1/9, 1/18)}. */
    StepController H312PID = pid(1.0 / 18, 1.0 / 9, 1.0 / 18);

    /** The PI42 controller, {@code pid(0.6, -0.2, 0)} (Diffrax's {@code (0.2, 0.4, 0)}). */
    StepController PI42 = pid(0.6, -0.2, 0);

    /** The PI33 controller, {@code pid(2/3, -1/3, 0)}. */
    StepController PI33 = pid(2.0 / 3, -1.0 / 3, 0);

    /** The PI34 controller, {@code pid(0.7, -0.4, 0)} (Diffrax's {@code (0.4, 0.3, 0)}). */
    StepController PI34 = pid(0.7, -0.4, 0);

    /**
     * Proposes the growth factor of the next step from the last three error ratios; the driver
     * calls this one. By default it ignores {@code olderRatio} and calls the three-argument form.
     *
     * @param ratio         the error ratio of the step just accepted, in {@code (0, 1]}
     * @param previousRatio the error ratio of the previously accepted step, floored at
     *                      {@code 1e-4}; 1 before there is one
     * @param olderRatio    the one before that, floored likewise; 1 before there is one
     * @param q             the order of the error estimator
     * @return the proposed factor, positive
     */
    default double factor(double ratio, double previousRatio, double olderRatio, int q) {
        return factor(ratio, previousRatio, q);
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

    /** The PID family (see {@link #pid} and {@link #pidCoefficients}). */
    final class Pid implements StepController {
        private final double beta1;
        private final double beta2;
        private final double beta3;
        private final boolean limiter;
        private final String label;

        private Pid(double beta1, double beta2, double beta3, boolean limiter, String label) {
            if (!Double.isFinite(beta1) || !Double.isFinite(beta2) || !Double.isFinite(beta3) || !(beta1 > 0)) {
                throw new IllegalArgumentException(label + ": coefficients must be finite and the weight of the"
                        + " current error (beta1 = p + i + d) positive");
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.beta3 = beta3;
            this.limiter = limiter;
            this.label = label;
        }

        @Override
        public double factor(double ratio, double previousRatio, int q) {
            return factor(ratio, previousRatio, 1.0, q);
        }

        @Override
        public double factor(double ratio, double previousRatio, double olderRatio, int q) {
            double k = q + 1;
            double lf = -(beta1 * Math.log(ratio) + beta2 * Math.log(previousRatio) + beta3 * Math.log(olderRatio)) / k;
            double f = Math.exp(lf);
            return limiter ? 1.0 + Math.atan(f - 1.0) : f;
        }

        @Override
        public String toString() {
            return label;
        }
    }
}
