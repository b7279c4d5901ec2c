package dev.neuralode.solvers;

import dev.neuralode.core.SolverStats;

/**
 * The continuous solution of an ODE solve over {@code [t0, t1]} (or {@code [t1, t0]} when
 * integrating backwards): the accepted step boundaries and, for each step, the coefficients of
 * the method's interpolant, so the state can be evaluated at any time inside the interval.
 *
 * <p>Interpolants: dopri5's order-4 continuous extension (Shampine 1986; Hairer, Nørsett,
 * Wanner I, §II.6), tsit5's own order-4 interpolant (Tsitouras 2011), DOP853's order-7 dense
 * output (§II.10), and cubic Hermite from the end states and derivatives for every other method.
 * At a step boundary the value is the solver's state there (exactly at {@code t0} and
 * {@code t1}).
 *
 * <p>Immutable and thread-safe. {@link #evaluate(double, double[])} allocates nothing, so it may
 * be called repeatedly in a hot loop; lookup is a binary search over the steps.
 */
public final class DenseSolution {

    private final double t0;
    private final double t1;
    private final double direction;
    private final int n;
    private final int nc;
    private final boolean powerBasis;
    private final int steps;
    private final double[] bounds;
    private final double[] coeffs;
    private final double[] y0;
    private final double[] yEnd;
    private final SolverStats stats;

    DenseSolution(double t0, double t1, int n, int nc, boolean powerBasis, int steps,
                  double[] bounds, double[] coeffs, double[] y0, double[] yEnd, SolverStats stats) {
        this.t0 = t0;
        this.t1 = t1;
        this.direction = Math.signum(t1 - t0);
        this.n = n;
        this.nc = nc;
        this.powerBasis = powerBasis;
        this.steps = steps;
        this.bounds = bounds;
        this.coeffs = coeffs;
        this.y0 = y0;
        this.yEnd = yEnd;
        this.stats = stats;
    }

    /**
     * Evaluates the solution at {@code t} into {@code out}, without allocating.
     *
     * @param t   a time inside the solved interval (either end included)
     * @param out receives the state, length at least {@code n}. Modified (first {@code n} entries).
     * @throws IllegalArgumentException if {@code t} is outside the interval or NaN, or
     *                                  {@code out} is shorter than the state
     */
    public void evaluate(double t, double[] out) {
        if (out == null || out.length < n) {
            throw new IllegalArgumentException("evaluate: output buffer needs length " + n
                    + ", got " + (out == null ? "null" : out.length));
        }
        if (!(direction * (t - t0) >= 0 && direction * (t - t1) <= 0)) {
            throw new IllegalArgumentException("evaluate: t=" + t + " is outside the solved"
                    + " interval [" + Math.min(t0, t1) + ", " + Math.max(t0, t1) + "]");
        }
        if (t == t1) {
            System.arraycopy(yEnd, 0, out, 0, n);
            return;
        }
        if (t == t0) {
            System.arraycopy(y0, 0, out, 0, n);
            return;
        }
        int lo = 0;
        int hi = steps - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (direction * (t - bounds[mid]) >= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        double ts = bounds[lo];
        double theta = (t - ts) / (bounds[lo + 1] - ts);
        Interpolation.evaluate(powerBasis, nc, coeffs, lo * nc * n, n, theta, out);
    }

    /**
     * Evaluates the solution at {@code t} into a new array.
     *
     * @param t a time inside the solved interval
     * @return the state, length {@code n}
     * @throws IllegalArgumentException if {@code t} is outside the interval or NaN
     */
    public double[] evaluate(double t) {
        double[] out = new double[n];
        evaluate(t, out);
        return out;
    }

    /**
     * The initial time.
     *
     * @return {@code t0}
     */
    public double t0() {
        return t0;
    }

    /**
     * The final time reached (the requested end unless a {@link StepObserver} stopped the solve).
     *
     * @return {@code t1}
     */
    public double t1() {
        return t1;
    }

    /**
     * The state dimension.
     *
     * @return {@code n}
     */
    public int dimension() {
        return n;
    }

    /**
     * The accepted step boundaries, from {@code t0} to {@code t1}.
     *
     * @return a copy, length (accepted steps + 1)
     */
    public double[] stepTimes() {
        double[] r = new double[steps + 1];
        System.arraycopy(bounds, 0, r, 0, steps + 1);
        return r;
    }

    /**
     * The work counters of the solve (including the extra stages DOP853's dense output needs).
     *
     * @return the statistics
     */
    public SolverStats stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "DenseSolution[" + t0 + " -> " + t1 + ", dim=" + n + ", steps=" + steps + ", "
                + stats + "]";
    }
}
