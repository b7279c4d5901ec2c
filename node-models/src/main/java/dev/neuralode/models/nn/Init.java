package dev.neuralode.models.nn;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * Weight initialisation schemes for a {@code fanOut × fanIn} weight matrix, each drawing from a
 * caller-supplied seeded {@link Random} (so a model built twice with the same seed is identical).
 *
 * <ul>
 *   <li>{@link #normal(double)}: {@code N(0, std²)};</li>
 *   <li>{@link #xavierUniform()} / {@link #xavierNormal()} (Glorot &amp; Bengio 2010):
 *       {@code U(±√(6/(fanIn+fanOut)))} / {@code N(0, 2/(fanIn+fanOut))};</li>
 *   <li>{@link #kaimingUniform()} / {@link #kaimingNormal()} (He et al. 2015, ReLU gain √2):
 *       {@code U(±√(6/fanIn))} / {@code N(0, 2/fanIn)};</li>
 *   <li>{@link #pytorchDefault()}: PyTorch's {@code nn.Linear} default, {@code U(±1/√fanIn)};</li>
 *   <li>{@link #zeros()}.</li>
 * </ul>
 */
@FunctionalInterface
public interface Init {

    /**
     * Fills a new {@code fanOut × fanIn} matrix.
     *
     * @param fanOut the number of rows (output features)
     * @param fanIn  the number of columns (input features)
     * @param rng    the random source. Modified (advanced).
     * @return the new matrix
     */
    DMatrixRMaj sample(int fanOut, int fanIn, Random rng);

    /**
     * Normal entries {@code N(0, std²)}.
     *
     * @param std the standard deviation
     * @return the scheme
     */
    static Init normal(double std) {
        return (o, i, rng) -> fill(o, i, () -> std * rng.nextGaussian());
    }

    /**
     * Uniform entries on {@code [-bound, bound]}.
     *
     * @param bound the half-width
     * @return the scheme
     */
    static Init uniform(double bound) {
        return (o, i, rng) -> fill(o, i, () -> bound * (2 * rng.nextDouble() - 1));
    }

    /**
     * Xavier/Glorot uniform: {@code U(-a, a)}, {@code a = √(6 / (fanIn + fanOut))}.
     *
     * @return the scheme
     */
    static Init xavierUniform() {
        return (o, i, rng) -> uniform(Math.sqrt(6.0 / (i + o))).sample(o, i, rng);
    }

    /**
     * Xavier/Glorot normal: {@code N(0, 2 / (fanIn + fanOut))}.
     *
     * @return the scheme
     */
    static Init xavierNormal() {
        return (o, i, rng) -> normal(Math.sqrt(2.0 / (i + o))).sample(o, i, rng);
    }

    /**
     * Kaiming/He uniform for ReLU: {@code U(-a, a)}, {@code a = √(6 / fanIn)}.
     *
     * @return the scheme
     */
    static Init kaimingUniform() {
        return (o, i, rng) -> uniform(Math.sqrt(6.0 / i)).sample(o, i, rng);
    }

    /**
     * Kaiming/He normal for ReLU: {@code N(0, 2 / fanIn)}.
     *
     * @return the scheme
     */
    static Init kaimingNormal() {
        return (o, i, rng) -> normal(Math.sqrt(2.0 / i)).sample(o, i, rng);
    }

    /**
     * PyTorch's default for {@code nn.Linear} weights and biases: {@code U(-1/√fanIn, 1/√fanIn)}.
     *
     * @return the scheme
     */
    static Init pytorchDefault() {
        return (o, i, rng) -> uniform(1.0 / Math.sqrt(i)).sample(o, i, rng);
    }

    /**
     * All zeros (draws nothing).
     *
     * @return the scheme
     */
    static Init zeros() {
        return (o, i, rng) -> new DMatrixRMaj(o, i);
    }

    private static DMatrixRMaj fill(int rows, int cols, java.util.function.DoubleSupplier s) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] = s.getAsDouble();
        }
        return m;
    }
}
