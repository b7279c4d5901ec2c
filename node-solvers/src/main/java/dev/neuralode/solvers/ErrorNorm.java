package dev.neuralode.solvers;

/**
 * The norm an adaptive solver applies to the scaled local error estimate to obtain the error
 * ratio of a step.
 *
 * <p>The engine first scales the error estimate {@code err} of a step from {@code y0} to
 * {@code y1} componentwise (the mixed absolute/relative error of Hairer, Nørsett and Wanner,
 * <i>Solving ODEs I</i>, §II.4):
 * <pre>
 *   s_i = err_i / (atol_i + rtol · max(|y0_i|, |y1_i|))
 * </pre>
 * and then accepts the step when {@code norm(s) <= 1}.
 *
 * <p>Implementations must be pure functions of their input and thread-safe. They are called once
 * per attempted step and must not allocate.
 */
@FunctionalInterface
public interface ErrorNorm {

    /**
     * The root mean square, {@code sqrt(Σ s_i² / n)}: the default, as in torchdiffeq, DOPRI5 and
     * commons-math3.
     */
    ErrorNorm RMS = (s, n) -> {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += s[i] * s[i];
        }
        return Math.sqrt(sum / n);
    };

    /** The maximum norm, {@code max_i |s_i|}. */
    ErrorNorm MAX = (s, n) -> {
        double m = 0.0;
        for (int i = 0; i < n; i++) {
            double v = Math.abs(s[i]);
            if (v > m || v != v) {
                m = v;
            }
        }
        return m;
    };

    /**
     * Computes the norm of the scaled error.
     *
     * @param scaledError the scaled error {@code s}; only the first {@code n} entries are valid.
     *                    Not modified.
     * @param n           the state dimension
     * @return the error ratio, non-negative (NaN if the input holds NaN)
     */
    double norm(double[] scaledError, int n);

    /**
     * A seminorm: the root mean square over components {@code 0..k-1} only,
     * {@code sqrt(Σ_{i<k} s_i² / k)}; components {@code k..n-1} do not take part in error control.
     *
     * <p>This is the seminorm of Kidger, Chen and Lyons, <i>"Hey, that's not an ODE": Faster ODE
     * Adjoints via Seminorms</i>, ICML 2021: in the adjoint pass the parameter-gradient
     * integrals are left out of step-size control.
     *
     * @param k the number of leading components to include, {@code k >= 1}
     * @return the seminorm; when {@code n < k} it uses the first {@code n} components
     * @throws IllegalArgumentException if {@code k < 1}
     */
    static ErrorNorm rmsOfFirst(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("rmsOfFirst: k must be at least 1, got " + k);
        }
        return (s, n) -> {
            int m = Math.min(k, n);
            double sum = 0.0;
            for (int i = 0; i < m; i++) {
                sum += s[i] * s[i];
            }
            return Math.sqrt(sum / m);
        };
    }
}
