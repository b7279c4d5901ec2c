package dev.neuralode.models.train;

import java.util.Random;

/**
 * A {@link Random} whose whole state can be read and restored, so a training run that draws noise
 * or mini-batches from it resumes from a checkpoint exactly where it stopped
 * ({@link Trainer.Builder#random}). It produces the same sequence as {@code new Random(seed)}
 * (tested draw for draw): the same 48-bit linear congruential generator (Knuth, TAOCP vol. 2,
 * §3.2.1; {@code seed ← (seed · 0x5DEECE66D + 0xB) mod 2⁴⁸}, as {@code java.util.Random} documents
 * it) and the same polar method for Gaussians (Marsaglia &amp; Bray 1964) with its cached second value.
 * {@code java.util.Random} hides that state; this class keeps it in its own fields.
 *
 * <p>Not thread-safe (unlike {@code Random}): use it from one thread.
 */
public class ResumableRandom extends Random {

    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xBL;
    private static final long MASK = (1L << 48) - 1;

    // no initialisers: Random's constructor calls setSeed before subclass fields are initialised
    /** The 48-bit generator state. */
    private long state;
    /** Whether the second Gaussian of the last polar-method pair is cached. */
    private boolean haveNextNextGaussian;
    /** The cached Gaussian. */
    private double nextNextGaussian;

    /**
     * A generator with the sequence of {@code new Random(seed)}.
     *
     * @param seed the seed
     */
    public ResumableRandom(long seed) {
        super(seed);
    }

    /**
     * Re-seeds as {@link Random#setSeed} does (scrambled seed, Gaussian cache cleared).
     *
     * @param seed the seed
     */
    @Override
    public void setSeed(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
        haveNextNextGaussian = false;
    }

    /**
     * The next {@code bits} random bits, as {@link Random#next}.
     *
     * @param bits 1 to 32
     * @return the bits
     */
    @Override
    protected int next(int bits) {
        state = (state * MULTIPLIER + ADDEND) & MASK;
        return (int) (state >>> (48 - bits));
    }

    /**
     * A standard normal draw by the polar method, as {@link Random#nextGaussian()} (which uses
     * {@link StrictMath}, so the values are the same on every platform).
     *
     * @return the draw
     */
    @Override
    public double nextGaussian() {
        if (haveNextNextGaussian) {
            haveNextNextGaussian = false;
            return nextNextGaussian;
        }
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextNextGaussian = v2 * multiplier;
        haveNextNextGaussian = true;
        return v1 * multiplier;
    }

    /**
     * The generator's whole state: the 48-bit LCG state, whether a Gaussian is cached (1 or 0), and
     * the cached Gaussian. Each is exactly representable as a double, so the state can be stored in
     * a float64 array.
     *
     * @return {@code {state, cached ? 1 : 0, cachedGaussian}}
     */
    public double[] state() {
        return new double[]{state, haveNextNextGaussian ? 1 : 0, nextNextGaussian};
    }

    /**
     * Restores a state from {@link #state()}: the following draws are those that followed it.
     *
     * @param s the state, three values
     * @throws IllegalArgumentException if {@code s} is not a state this class wrote (length, range)
     */
    public void setState(double[] s) {
        if (s == null || s.length != 3 || !(s[0] >= 0 && s[0] <= MASK && s[0] == Math.rint(s[0]))
                || !(s[1] == 0 || s[1] == 1)) {
            throw new IllegalArgumentException("ResumableRandom.setState: not a saved state "
                    + java.util.Arrays.toString(s) + " (expected {48-bit state, 0 or 1, cached Gaussian})");
        }
        state = (long) s[0];
        haveNextNextGaussian = s[1] == 1;
        nextNextGaussian = s[2];
    }
}
