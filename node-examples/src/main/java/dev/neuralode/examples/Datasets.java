package dev.neuralode.examples;

import java.util.Random;

/**
 * Small synthetic 2-D data sets of the neural-ODE literature, all drawn from a caller's seeded
 * {@link Random}: two moons, concentric circles (Dupont et al. 2019, the data a plain neural ODE
 * cannot separate in 2-D) and irregularly sampled noisy spirals (Chen et al. 2018, §5; torchdiffeq's
 * {@code latent_ode.py}).
 */
public final class Datasets {

    private Datasets() {
    }

    /**
     * Labelled 2-D points.
     *
     * @param x      points, {@code n × 2}
     * @param labels class of each point (0 or 1)
     */
    public record Labelled(double[][] x, int[] labels) {

        /**
         * The number of points.
         *
         * @return n
         */
        public int size() {
            return x.length;
        }

        /**
         * The coordinates of the points of one class.
         *
         * @param label the class
         * @param axis  0 for x, 1 for y
         * @return the coordinates
         */
        public double[] coords(int label, int axis) {
            return java.util.stream.IntStream.range(0, x.length).filter(i -> labels[i] == label)
                    .mapToDouble(i -> x[i][axis]).toArray();
        }
    }

    /**
     * Two interleaving half circles (scikit-learn's {@code make_moons}), centred at the origin:
     * the upper moon (label 0) is the unit half circle shifted by {@code (-0.5, -0.25)}, the lower
     * one (label 1) is {@code (1 - cos, 0.5 - sin)} shifted likewise, plus Gaussian noise.
     *
     * @param n     number of points (half per moon)
     * @param noise noise standard deviation
     * @param rng   the random source. Modified.
     * @return the points and their moon
     */
    public static Labelled twoMoons(int n, double noise, Random rng) {
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double a = Math.PI * rng.nextDouble();
            if (i % 2 == 0) {
                x[i][0] = Math.cos(a);
                x[i][1] = Math.sin(a);
            } else {
                x[i][0] = 1 - Math.cos(a);
                x[i][1] = 0.5 - Math.sin(a);
                y[i] = 1;
            }
            x[i][0] += -0.5 + noise * rng.nextGaussian();
            x[i][1] += -0.25 + noise * rng.nextGaussian();
        }
        return new Labelled(x, y);
    }

    /**
     * Concentric circles as in the augmented-ODE paper (Dupont et al. 2019): label 0 uniformly in
     * the disc of radius {@code r1}, label 1 uniformly in the annulus {@code r2 <= |x| <= r3}.
     *
     * @param n  number of points (half per class)
     * @param r1 inner disc radius (0.5)
     * @param r2 annulus inner radius (1.0)
     * @param r3 annulus outer radius (1.5)
     * @param rng the random source. Modified.
     * @return the points and their class
     */
    public static Labelled circles(int n, double r1, double r2, double r3, Random rng) {
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * rng.nextDouble();
            double r;
            if (i % 2 == 0) {
                r = r1 * Math.sqrt(rng.nextDouble());
            } else {
                r = Math.sqrt(r2 * r2 + (r3 * r3 - r2 * r2) * rng.nextDouble());
                y[i] = 1;
            }
            x[i][0] = r * Math.cos(a);
            x[i][1] = r * Math.sin(a);
        }
        return new Labelled(x, y);
    }

    /**
     * Points sampled from a 2-D density for the flow demos: {@code "moons"} (two moons with noise
     * 0.05, scaled by 1.6) or {@code "circles"} (two concentric rings of radii 1 and 2 with noise
     * 0.08).
     *
     * @param name the density, in any case
     * @param n    number of points
     * @param rng  the random source. Modified.
     * @return {@code n × 2} points
     * @throws IllegalArgumentException for an unknown name
     */
    public static double[][] density(String name, int n, Random rng) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "moons": {
                double[][] x = twoMoons(n, 0.05, rng).x();
                for (double[] p : x) {
                    p[0] *= 1.6;
                    p[1] *= 1.6;
                }
                return x;
            }
            case "circles": {
                double[][] x = new double[n][2];
                for (int i = 0; i < n; i++) {
                    double r = (i % 2 == 0 ? 1.0 : 2.0) + 0.08 * rng.nextGaussian();
                    double a = 2 * Math.PI * rng.nextDouble();
                    x[i][0] = r * Math.cos(a);
                    x[i][1] = r * Math.sin(a);
                }
                return x;
            }
            default:
                throw new IllegalArgumentException("unknown density '" + name + "'; valid: moons, circles");
        }
    }

    /**
     * Noisy spirals observed at irregular times: every spiral sees its own random subset of a
     * shared time grid.
     *
     * @param grid      the shared observation grid, {@code 0 .. window}
     * @param mask      {@code [spiral][k]}: whether spiral observes grid time k
     * @param obs       {@code [spiral][k] = {x, y}} noisy observation (zeros where not observed)
     * @param truthT    a dense grid from {@code -window/2} to {@code 1.5·window}, the same for all
     * @param truth     {@code [spiral][j]}: the noise-free curve on {@code truthT}
     * @param clockwise per spiral, its direction
     */
    public record Spirals(double[] grid, boolean[][] mask, double[][][] obs, double[] truthT, double[][][] truth,
            boolean[] clockwise) {

        /**
         * The number of spirals.
         *
         * @return the count
         */
        public int size() {
            return mask.length;
        }
    }

    /**
     * Irregularly sampled noisy 2-D spirals in the spirit of torchdiffeq's {@code latent_ode.py}
     * (Chen et al. 2018, §5.1): Archimedean spirals {@code r(t) = 0.25 + 0.08 t}, {@code t ∈ [0, 6π]},
     * half clockwise and half counter-clockwise, each observed over a window of {@code window}
     * starting at a random point of the curve, at {@code nObs} random times of a {@code gridSize}
     * grid, with Gaussian noise.
     *
     * @param nSpirals number of spirals
     * @param gridSize points of the shared time grid
     * @param nObs     observations per spiral ({@code <= gridSize})
     * @param window   the observed window's length (curve time)
     * @param noise    observation noise standard deviation
     * @param rng      the random source. Modified.
     * @return the spirals
     */
    public static Spirals spirals(int nSpirals, int gridSize, int nObs, double window, double noise, Random rng) {
        double stop = 6 * Math.PI;
        double[] grid = EulerDemo.linspace(0, window, gridSize);
        int dense = 160;
        double[] truthT = EulerDemo.linspace(-window / 2, 1.5 * window, dense);
        boolean[][] mask = new boolean[nSpirals][gridSize];
        double[][][] obs = new double[nSpirals][gridSize][2];
        double[][][] truth = new double[nSpirals][dense][];
        boolean[] cw = new boolean[nSpirals];
        int[] idx = new int[gridSize];
        for (int s = 0; s < nSpirals; s++) {
            cw[s] = s % 2 == 0;
            double t0 = window / 2 + (stop - 2 * window) * rng.nextDouble();
            for (int k = 0; k < gridSize; k++) {
                idx[k] = k;
            }
            for (int k = 0; k < nObs; k++) {
                int j = k + rng.nextInt(gridSize - k);
                int tmp = idx[k];
                idx[k] = idx[j];
                idx[j] = tmp;
                mask[s][idx[k]] = true;
            }
            for (int k = 0; k < gridSize; k++) {
                if (mask[s][k]) {
                    double[] p = spiralPoint(t0 + grid[k], cw[s]);
                    obs[s][k][0] = p[0] + noise * rng.nextGaussian();
                    obs[s][k][1] = p[1] + noise * rng.nextGaussian();
                }
            }
            for (int j = 0; j < dense; j++) {
                truth[s][j] = spiralPoint(t0 + truthT[j], cw[s]);
            }
        }
        return new Spirals(grid, mask, obs, truthT, truth, cw);
    }

    /** A point of the Archimedean spiral at curve time {@code t}. */
    static double[] spiralPoint(double t, boolean clockwise) {
        double r = 0.25 + 0.08 * t;
        return new double[] {r * Math.cos(t), (clockwise ? -1 : 1) * r * Math.sin(t)};
    }
}
