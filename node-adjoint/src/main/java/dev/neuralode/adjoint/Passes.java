package dev.neuralode.adjoint;

import dev.neuralode.core.DifferentiableOdeSystem;
import dev.neuralode.core.NonFiniteStateException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSolveException;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.DenseSolution;
import dev.neuralode.solvers.ErrorNorm;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.StepHandler;
import java.util.Arrays;

/** Shared plumbing of the gradient methods (package-private). */
final class Passes {

    private Passes() {
    }

    /**
     * Runs a solve with our own step handlers attached to this call only (the options, and the
     * user's handler in them, are left as they are), naming the pass in any failure.
     */
    static OdeSolution solve(OdeSystem f, double[] y0, double[] times, SolverOptions o, String pass,
                             StepHandler... handlers) {
        try {
            return OdeSolvers.solve(f, y0, times, o, handlers);
        } catch (NonFiniteStateException e) {
            throw e.inPass(pass);
        } catch (OdeSolveException e) {
            throw rethrow(e, pass);
        }
    }

    /**
     * Runs a solve writing the states at {@code times} row-major into {@code into}
     * ({@link OdeSolvers#solveInto}), with our own step handlers attached to this call only,
     * naming the pass in any failure.
     */
    static dev.neuralode.core.SolverStats solveInto(OdeSystem f, double[] y0, double[] times, SolverOptions o,
                                                    String pass, double[] into, StepHandler... handlers) {
        try {
            return OdeSolvers.solveInto(f, y0, times, o, into, handlers);
        } catch (NonFiniteStateException e) {
            throw e.inPass(pass);
        } catch (OdeSolveException e) {
            throw rethrow(e, pass);
        }
    }

    /** Runs a dense solve with our own step handlers, naming the pass in any failure. */
    static DenseSolution solveDense(OdeSystem f, double[] y0, double t0, double t1, SolverOptions o,
                                    String pass, StepHandler... handlers) {
        try {
            return OdeSolvers.solveDense(f, y0, t0, t1, o, handlers);
        } catch (NonFiniteStateException e) {
            throw e.inPass(pass);
        } catch (OdeSolveException e) {
            throw rethrow(e, pass);
        }
    }

    private static OdeSolveException rethrow(OdeSolveException e, String pass) {
        OdeSolveException r = new OdeSolveException(pass + ": " + e.getMessage(), e.time(), e.stepSize());
        r.initCause(e);
        return r;
    }

    /**
     * The forward options without the user's step handler, for the solves a gradient method runs on
     * its own behalf (re-solves in a backward pass): the user's handler sees the forward solve only.
     */
    static SolverOptions withoutUserHandler(SolverOptions o) {
        return o.handler() == null ? o : o.toBuilder().handler(null).build();
    }

    /**
     * The options of a backward solve over an augmented state whose first {@code lead} components
     * are {@code copies} blocks of the state's layout (length {@code n} each).
     */
    static SolverOptions backwardOptions(SolverOptions forward, AdjointOptions adj, int n, int copies,
                                         int total) {
        SolverOptions base = adj.solver() != null ? adj.solver() : forward;
        SolverOptions.Builder b = base.toBuilder().handler(null);
        double[] atolVec = base.atolVector();
        if (atolVec != null && atolVec.length != total) {
            if (atolVec.length != n) {
                throw new IllegalArgumentException("adjoint: the absolute tolerance vector has length "
                        + atolVec.length + "; expected the state's length " + n
                        + " or the augmented length " + total);
            }
            double[] full = new double[total];
            Arrays.fill(full, base.atol());
            for (int c = 0; c < copies; c++) {
                System.arraycopy(atolVec, 0, full, c * n, n);
            }
            b.atol(full);
        }
        if (adj.seminorm()) {
            b.errorNorm(ErrorNorm.rmsOfFirst(copies * n));
        }
        return b.build();
    }

    /** Validates output times: finite, strictly monotone. */
    static void checkTimes(double[] times) {
        if (times.length < 1) {
            throw new IllegalArgumentException("OdeSolve: at least one output time is needed");
        }
        for (int i = 0; i < times.length; i++) {
            if (!Double.isFinite(times[i])) {
                throw new IllegalArgumentException("OdeSolve: output time " + i + " is " + times[i]);
            }
        }
        if (times.length < 2) {
            return;
        }
        double dir = Math.signum(times[1] - times[0]);
        for (int i = 1; i < times.length; i++) {
            if (dir == 0 || Math.signum(times[i] - times[i - 1]) != dir) {
                throw new IllegalArgumentException("OdeSolve: output times must be strictly increasing or "
                        + "strictly decreasing; times[" + (i - 1) + "]=" + times[i - 1] + ", times[" + i + "]="
                        + times[i] + (dir == 0 ? " are equal" : " break the order set by times[0], times[1]"));
            }
        }
    }

    /** {@code g · f(t, y)} where f is evaluated into {@code buf}. */
    static double dotF(DifferentiableOdeSystem f, double t, double[] y, int yOff, double[] g, int gOff,
                       double[] ybuf, double[] buf) {
        int n = ybuf.length;
        System.arraycopy(y, yOff, ybuf, 0, n);
        f.derivative(t, ybuf, buf);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += g[gOff + i] * buf[i];
        }
        return s;
    }

    /**
     * Writes the adjoint equations' right-hand side {@code [-aᵀf_y, -aᵀf_θ, -aᵀf_t]} (lengths n, p,
     * 1) into {@code dz} from {@code off}: the part the backsolve and the checkpointed adjoint share.
     */
    static void negatedProducts(double[] aDy, double[] aDth, double aDt, double[] dz, int off) {
        int n = aDy.length;
        int p = aDth.length;
        for (int i = 0; i < n; i++) {
            dz[off + i] = -aDy[i];
        }
        for (int i = 0; i < p; i++) {
            dz[off + n + i] = -aDth[i];
        }
        dz[off + n + p] = -aDt;
    }

    /** Throws if {@code v} is not finite, naming the pass, the part and the time. */
    static void checkFinite(double[] v, int n, int p, boolean withY, double t, String pass) {
        // x·0 is 0 for every finite x and NaN for NaN or ±∞; four partial sums, so that the check
        // (twice per adjoint evaluation, over the 2n + p + 1 values of the backsolve adjoint or the
        // n + p + 1 of the checkpointed one) is not one long chain of additions
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int len = v.length;
        int i4 = 0;
        for (; i4 + 3 < len; i4 += 4) {
            s0 += v[i4] * 0.0;
            s1 += v[i4 + 1] * 0.0;
            s2 += v[i4 + 2] * 0.0;
            s3 += v[i4 + 3] * 0.0;
        }
        for (; i4 < len; i4++) {
            s0 += v[i4] * 0.0;
        }
        if ((s0 + s1) + (s2 + s3) == 0.0) {
            return;
        }
        int bad = NonFiniteStateException.firstNonFinite(v);
        if (bad < 0) {
            return;
        }
        String part;
        int i = bad;
        if (withY && i < n) {
            part = "reconstructed state y[" + i + "]";
        } else {
            i -= withY ? n : 0;
            if (i < n) {
                part = "adjoint state a[" + i + "]";
            } else if (i < n + p) {
                part = "parameter adjoint aθ[" + (i - n) + "]";
            } else {
                part = "time adjoint at";
            }
        }
        throw new NonFiniteStateException(pass, part, t, Double.NaN, bad, v[bad]);
    }

    /** Growable array of doubles. */
    static final class DoubleList {
        double[] data;
        int size;

        DoubleList(int capacity) {
            data = new double[Math.max(4, capacity)];
        }

        void add(double v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = v;
        }

        void addAll(double[] v, int len) {
            while (size + len > data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            System.arraycopy(v, 0, data, size, len);
            size += len;
        }
    }
}
