package dev.neuralode.solvers;

import dev.neuralode.core.EventOccurrence;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.step.StepHandler;
import dev.neuralode.solvers.step.StepInterpolator;

import java.util.Arrays;
import java.util.List;

/**
 * The continuous solution of an ODE solve over {@code [t0, t1]} (or {@code [t1, t0]} when
 * integrating backwards): the accepted step boundaries and, for each step, the coefficients of
 * the method's interpolant in the power basis, {@code y(t_k + θh_k) = Σ_q θ^q P_{k,q}}, so the
 * state can be evaluated at any time inside the interval.
 *
 * <p>The interpolants are the methods' own ({@link dev.neuralode.solvers.step.StepInterpolator}):
 * dopri5's order-4 continuous extension (Shampine 1986; Hairer, Nørsett, Wanner I, §II.6), tsit5's
 * order-4 one (Tsitouras 2011), DOP853's order-7 dense output (§II.10), a user tableau's own
 * {@link dev.neuralode.solvers.explicit.ContinuousExtension}, cubic Hermite otherwise; steps may have
 * different degrees. At a step boundary the value is the solver's state there (exactly at
 * {@code t0} and {@code t1}).
 *
 * <p>Immutable and thread-safe. {@link #evaluate(double, double[])} allocates nothing, so it may
 * be called repeatedly in a hot loop; lookup is a binary search over the steps.
 */
public final class DenseSolution {

    private final double t0;
    private final double t1;
    private final double direction;
    private final int n;
    private final int steps;
    private final double[] bounds;
    private final int[] offsets;
    private final double[] coeffs;
    private final double[] y0;
    private final double[] yEnd;
    private final SolverStats stats;
    private List<EventOccurrence> events = List.of();

    private DenseSolution(double t0, double t1, int n, int steps, double[] bounds, int[] offsets,
                          double[] coeffs, double[] y0, double[] yEnd, SolverStats stats) {
        this.t0 = t0;
        this.t1 = t1;
        this.direction = Math.signum(t1 - t0);
        this.n = n;
        this.steps = steps;
        this.bounds = bounds;
        this.offsets = offsets;
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
        int off = offsets[lo];
        int d = (offsets[lo + 1] - off) / n - 1;
        for (int m = 0; m < n; m++) {
            double acc = coeffs[off + d * n + m];
            for (int q = d - 1; q >= 0; q--) {
                acc = coeffs[off + q * n + m] + theta * acc;
            }
            out[m] = acc;
        }
    }

    /**
     * Evaluates the solution at {@code t} like {@link #evaluate(double, double[])}, and beyond
     * either end of the interval by extending the polynomial of the first or last step
     * ({@code θ < 0} or {@code θ > 1} in {@code y(t_k + θh_k) = Σ_q c_q θ^q}). For a solve that reads
     * this solution at the stage times of another method whose nodes may lie outside its step (the
     * ESDIRK {@code kvaerno5} has {@code c_3 ≈ 1.23}): the gradient methods' backward solves
     * against a re-solved forward segment. Without allocating.
     *
     * @param t   a finite time
     * @param out receives the state, length at least {@code n}. Modified (first {@code n} entries).
     * @throws IllegalArgumentException if {@code t} is not finite or {@code out} is shorter than the state
     */
    public void evaluateExtended(double t, double[] out) {
        if (direction * (t - t0) >= 0 && direction * (t - t1) <= 0) {
            evaluate(t, out);
            return;
        }
        if (!Double.isFinite(t)) {
            throw new IllegalArgumentException("evaluateExtended: t=" + t + " is not finite");
        }
        if (out == null || out.length < n) {
            throw new IllegalArgumentException("evaluateExtended: output buffer needs length " + n
                    + ", got " + (out == null ? "null" : out.length));
        }
        if (steps == 0) {
            System.arraycopy(y0, 0, out, 0, n);
            return;
        }
        int k = direction * (t - t0) < 0 ? 0 : steps - 1;
        double ts = bounds[k];
        double theta = (t - ts) / (bounds[k + 1] - ts);
        int off = offsets[k];
        int d = (offsets[k + 1] - off) / n - 1;
        for (int m = 0; m < n; m++) {
            double acc = coeffs[off + d * n + m];
            for (int q = d - 1; q >= 0; q--) {
                acc = coeffs[off + q * n + m] + theta * acc;
            }
            out[m] = acc;
        }
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
     * The final time reached (the requested end unless a handler stopped the solve).
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
        return Arrays.copyOf(bounds, steps + 1);
    }

    /**
     * The number of doubles the solution holds (boundaries and interpolant coefficients), for
     * memory accounting.
     *
     * @return the count
     */
    public long storedDoubles() {
        return steps + 1L + offsets[steps] + 2L * n;
    }

    /**
     * The work counters of the solve (including the extra stages an interpolant needs).
     *
     * @return the statistics
     */
    public SolverStats stats() {
        return stats;
    }

    /**
     * The event occurrences of the solve in time order (see {@link SolverOptions.Builder#events}).
     * At a reset time {@code t*} the solution is discontinuous: {@link #evaluate} there returns
     * the state after the reset (the step that starts at {@code t*}).
     *
     * @return an unmodifiable list, empty without events
     */
    public List<EventOccurrence> events() {
        return events;
    }

    /**
     * Whether a terminal event ended the solve ({@link #t1()} is then its time).
     *
     * @return the flag
     */
    public boolean terminated() {
        return !events.isEmpty() && events.get(events.size() - 1).terminal();
    }

    @Override
    public String toString() {
        return "DenseSolution[" + t0 + " -> " + t1 + ", dim=" + n + ", steps=" + steps + ", "
                + stats + "]";
    }

    /** The step handler that stores every step's interpolant (package-private). */
    static final class Recorder implements StepHandler {
        private final double t0;
        private final double[] y0;
        private final int n;
        private double[] bounds = new double[64];
        private int[] offsets = new int[64];
        private double[] coeffs;
        private double[] last;
        private int steps;

        Recorder(double t0, double[] y0) {
            this.t0 = t0;
            this.y0 = y0.clone();
            this.n = y0.length;
            this.coeffs = new double[64 * 5 * n];
            bounds[0] = t0;
            last = this.y0;
        }

        @Override
        public boolean handleStep(StepInterpolator step) {
            if (steps + 2 > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            int size = (step.degree() + 1) * n;
            int off = offsets[steps];
            if (off + size > coeffs.length) {
                coeffs = Arrays.copyOf(coeffs, Math.max(coeffs.length * 2, off + size));
            }
            step.coefficients(coeffs, off);
            steps++;
            offsets[steps] = off + size;
            bounds[steps] = step.endTime();
            return true;
        }

        @Override
        public void finish(double t, double[] y) {
            last = y.clone();
        }

        DenseSolution build(double reached, SolverStats stats) {
            return new DenseSolution(t0, reached, n, steps, bounds, offsets, coeffs, y0, last, stats);
        }

        DenseSolution build(double reached, SolverStats stats, List<EventOccurrence> events) {
            DenseSolution d = build(reached, stats);
            d.events = List.copyOf(events);
            return d;
        }
    }
}
