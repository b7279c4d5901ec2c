package dev.neuralode.examples;

import java.util.Random;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;

/**
 * The data of the spiral benchmark (torchdiffeq's {@code ode_demo.py}, see the project's
 * docs/REFERENCE.md): the true dynamics {@code dy/dt = (y³) A} with {@code A = [[-0.1, 2], [-2, -0.1]]}
 * (row vector times matrix, cube elementwise), {@code y(0) = [2, 0]}, observed at 1000 evenly
 * spaced times on {@code [0, 25]} by dopri5 at {@code rtol 1e-7, atol 1e-9}; and its mini-batches
 * of 20 random start indices drawn without replacement from {@code 0..989}, each a 10-point
 * window.
 *
 * <p>Immutable after construction; {@link #batch} draws from the caller's {@link Random}.
 */
public final class SpiralData {

    /** The true dynamics matrix {@code A} (row-major). */
    public static final double[][] A = {{-0.1, 2.0}, {-2.0, -0.1}};

    /** The true initial state. */
    public static final double[] Y0 = {2.0, 0.0};

    /** The true dynamics {@code dy/dt = (y³) A}. */
    public static final OdeSystem TRUE_DYNAMICS = (t, y, dydt) -> {
        double a = y[0] * y[0] * y[0];
        double b = y[1] * y[1] * y[1];
        dydt[0] = a * A[0][0] + b * A[1][0];
        dydt[1] = a * A[0][1] + b * A[1][1];
    };

    private final double[] t;
    private final double[][] y;
    private final int batchTime;
    private final int batchSize;

    /**
     * Generates the data.
     *
     * @param dataSize  number of time points (1000 in the benchmark)
     * @param tEnd      the last time (25 in the benchmark)
     * @param batchTime window length (10)
     * @param batchSize windows per batch (20)
     */
    public SpiralData(int dataSize, double tEnd, int batchTime, int batchSize) {
        if (dataSize - batchTime < batchSize) {
            throw new IllegalArgumentException("spiral data: " + dataSize + " points leave only "
                    + (dataSize - batchTime) + " start indices for a batch of " + batchSize);
        }
        this.t = EulerDemo.linspace(0, tEnd, dataSize);
        OdeSolution sol = OdeSolvers.solve(TRUE_DYNAMICS, Y0, t,
                SolverOptions.builder().method("dopri5").rtol(1e-7).atol(1e-9).build());
        this.y = sol.states();
        this.batchTime = batchTime;
        this.batchSize = batchSize;
    }

    /**
     * The benchmark's data: 1000 points on [0, 25], batch time 10, batch size 20.
     *
     * @return the data
     */
    public static SpiralData reference() {
        return new SpiralData(1000, 25.0, 10, 20);
    }

    /**
     * The observation times.
     *
     * @return a copy
     */
    public double[] times() {
        return t.clone();
    }

    /**
     * The true states, one row per time.
     *
     * @return a copy, {@code size() × 2}
     */
    public double[][] states() {
        double[][] c = new double[y.length][];
        for (int i = 0; i < y.length; i++) {
            c[i] = y[i].clone();
        }
        return c;
    }

    /**
     * The number of time points.
     *
     * @return the data size
     */
    public int size() {
        return t.length;
    }

    /**
     * The window length.
     *
     * @return the batch time
     */
    public int batchTime() {
        return batchTime;
    }

    /**
     * The windows per batch.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The batch times {@code t_0 .. t_{batchTime-1}} (every window starts at time 0).
     *
     * @return a new array
     */
    public double[] batchTimes() {
        return java.util.Arrays.copyOf(t, batchTime);
    }

    /**
     * Draws one mini-batch: {@code batchSize} distinct start indices from
     * {@code 0 .. size - batchTime - 1} (a partial Fisher–Yates shuffle, like
     * {@code np.random.choice(..., replace=False)}).
     *
     * @param rng the random source. Modified (advanced).
     * @return the batch
     */
    public Batch batch(Random rng) {
        int n = t.length - batchTime;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        int[] start = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int j = i + rng.nextInt(n - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
            start[i] = idx[i];
        }
        double[][] y0 = new double[batchSize][];
        double[][][] target = new double[batchTime][batchSize][];
        for (int b = 0; b < batchSize; b++) {
            y0[b] = y[start[b]].clone();
            for (int i = 0; i < batchTime; i++) {
                target[i][b] = y[start[b] + i].clone();
            }
        }
        return new Batch(start, y0, target);
    }

    /**
     * One mini-batch.
     *
     * @param start  the start indices
     * @param y0     the initial states, {@code batchSize × 2}
     * @param target the targets {@code [i][b]} = {@code y(t_{start[b] + i})}, {@code batchTime × batchSize × 2}
     */
    public record Batch(int[] start, double[][] y0, double[][][] target) {

        /**
         * The targets stacked time-major, row {@code i·batchSize + b} = {@code target[i][b]}: the
         * layout of a differentiable solve's stacked output.
         *
         * @return a new {@code (batchTime·batchSize) × 2} matrix
         */
        public org.ejml.data.DMatrixRMaj stackedTarget() {
            int bs = y0.length;
            org.ejml.data.DMatrixRMaj m = new org.ejml.data.DMatrixRMaj(target.length * bs, 2);
            for (int i = 0; i < target.length; i++) {
                for (int b = 0; b < bs; b++) {
                    m.set(i * bs + b, 0, target[i][b][0]);
                    m.set(i * bs + b, 1, target[i][b][1]);
                }
            }
            return m;
        }
    }
}
