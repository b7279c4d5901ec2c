package dev.neuralode.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;

/**
 * Per-thread recycling of the arrays behind tape values and gradients: an arena that lives across
 * iterations and is sized by use.
 *
 * <p>A fresh Java array is zeroed by the JVM in memory that is not in cache yet: on the test
 * machine a new 1000-element array costs about 0.28 µs, against 0.07 µs to clear one that is
 * reused, which for the small networks of neural ODEs is a tenth of an op's time; and at batch
 * 1000 the values of one training iteration are hundreds of MB that the garbage collector would
 * otherwise reclaim every iteration. So the ops allocate their results with {@link #zeros} or
 * {@link #uninitialized} instead of {@code new DMatrixRMaj}: while a tape records or sweeps, the
 * arrays handed out are listed on that tape ({@link #enter}), and when its owner declares the
 * tape's values dead ({@link Tape#close()} or {@link Tape#recycle()}), they go back to a free list
 * of this thread, from which the next allocations of the same length are served. Arrays handed out
 * outside a tape's ops are plain new arrays, never recycled.
 *
 * <p><b>Sizing by use.</b> For every array length the arena counts the arrays of that length in
 * use at once (handed out, not yet released) and remembers the most of them during the current
 * <em>epoch</em> and the one before; an epoch ends each time every array handed out has come back
 * (typically: a training iteration's tape is closed). A released array is kept while the free
 * and in-use arrays of its length do not exceed that demand, and at the end of an epoch each length
 * is trimmed to it (a length nobody asked for in two epochs is dropped). So the arena holds what
 * the thread's tapes need at their peak — a latent ODE whose tape holds 200 MB per iteration is
 * served entirely from it from the second iteration on — and gives back what a workload stops
 * using. The free list never holds more than a quarter of the maximum heap
 * ({@code Runtime.maxMemory() / 4}), and at most {@link #MAX_KINDS} lengths are tracked (the least
 * recently used makes room for a new one, so a tape that is never closed, which ends no epoch,
 * cannot pin the table). Not thread-safe: one instance per thread ({@link #local()}).
 */
final class Buffers {

    /** The most distinct array lengths tracked (the search over them is linear). */
    static final int MAX_KINDS = 64;

    private static final ThreadLocal<Buffers> LOCAL = ThreadLocal.withInitial(Buffers::new);

    /** The list of the tape whose ops run now (arrays handed out are added to it), or null. */
    private ArrayList<double[]> active;

    /** Per length kind {@code i}: its length, its free arrays and how many there are. */
    private int[] lengths = new int[8];
    private double[][][] stacks = new double[8][][];
    private int[] counts = new int[8];
    /** Per kind: arrays in use now, the most in use in this epoch and in the previous one. */
    private int[] inUse = new int[8];
    private int[] peak = new int[8];
    private int[] peakLast = new int[8];
    /** Per kind: the value of {@link #clock} at its last allocation (least recently used goes first). */
    private long[] lastUse = new long[8];
    private long clock;
    private int kinds;
    private long freeBytes;

    /** The most bytes the free list may keep: a quarter of the maximum heap. */
    private final long maxFreeBytes;
    /** Arrays handed out to collecting tapes and not yet released (all kinds). */
    private long outstanding;
    private long epoch;

    private Buffers() {
        this(Runtime.getRuntime().maxMemory() / 4);
    }

    /**
     * An instance with a given bound on its free list (for tests).
     *
     * @param maxFreeBytes the most bytes the free list may ever keep
     */
    Buffers(long maxFreeBytes) {
        this.maxFreeBytes = maxFreeBytes;
    }

    /**
     * This thread's instance.
     *
     * @return the buffers of the current thread
     */
    static Buffers local() {
        return LOCAL.get();
    }

    /**
     * Makes {@code owner} the list that collects the arrays handed out from now on.
     *
     * @param owner the collecting list (a tape's), or null for none
     * @return the previous list, to be restored with {@link #exit}
     */
    ArrayList<double[]> enter(ArrayList<double[]> owner) {
        ArrayList<double[]> previous = active;
        active = owner;
        return previous;
    }

    /**
     * Restores the collecting list that {@link #enter} returned.
     *
     * @param previous the list to restore
     */
    void exit(ArrayList<double[]> previous) {
        active = previous;
    }

    /**
     * A {@code rows × cols} matrix of zeros: from this thread's free list when a tape is
     * collecting and an array of that length is free, else newly allocated.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @return a zero matrix
     */
    static DMatrixRMaj zeros(int rows, int cols) {
        return LOCAL.get().matrix(rows, cols, true);
    }

    /**
     * A {@code rows × cols} matrix whose elements the caller overwrites all before reading any
     * (so a recycled array is not cleared first).
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @return a matrix with arbitrary contents
     */
    static DMatrixRMaj uninitialized(int rows, int cols) {
        return LOCAL.get().matrix(rows, cols, false);
    }

    /**
     * A matrix for the collecting tape (recycled or new), or a plain new one when no tape collects.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param zero whether a recycled array is cleared
     * @return the matrix
     */
    DMatrixRMaj matrix(int rows, int cols, boolean zero) {
        ArrayList<double[]> owner = active;
        if (owner == null) {
            return new DMatrixRMaj(rows, cols);
        }
        int length = rows * cols;
        double[] data = null;
        int i = kindOf(length, true);
        if (i >= 0) {
            lastUse[i] = ++clock;
            int c = counts[i];
            if (c > 0) {
                data = stacks[i][--c];
                stacks[i][c] = null;
                counts[i] = c;
                freeBytes -= 8L * length;
            }
            int u = ++inUse[i];
            if (u > peak[i]) {
                peak[i] = u;
            }
        }
        if (data == null) {
            data = new double[length];
        } else if (zero) {
            Arrays.fill(data, 0.0);
        }
        outstanding++;
        owner.add(data);
        return DMatrixRMaj.wrap(rows, cols, data);
    }

    /**
     * A copy of {@code m} in a matrix of the collecting tape (a plain new one when none collects).
     *
     * @param m the matrix to copy. Not modified.
     * @return the copy
     */
    static DMatrixRMaj copy(DMatrixRMaj m) {
        DMatrixRMaj c = LOCAL.get().matrix(m.numRows, m.numCols, false);
        System.arraycopy(m.data, 0, c.data, 0, m.getNumElements());
        return c;
    }

    /** The kind of {@code length}, created if {@code create} and there is room; -1 otherwise. */
    private int kindOf(int length, boolean create) {
        for (int i = 0; i < kinds; i++) {
            if (lengths[i] == length) {
                return i;
            }
        }
        if (!create) {
            return -1;
        }
        if (kinds == MAX_KINDS) {
            // the least recently used length makes room (its arrays in use are then untracked and,
            // when they come back, left to the garbage collector): a tape that is never closed
            // cannot pin the table
            int lru = 0;
            for (int i = 1; i < kinds; i++) {
                if (lastUse[i] < lastUse[lru]) {
                    lru = i;
                }
            }
            dropKind(lru);
        }
        if (kinds == lengths.length) {
            int n = 2 * kinds;
            lengths = Arrays.copyOf(lengths, n);
            stacks = Arrays.copyOf(stacks, n);
            counts = Arrays.copyOf(counts, n);
            inUse = Arrays.copyOf(inUse, n);
            peak = Arrays.copyOf(peak, n);
            peakLast = Arrays.copyOf(peakLast, n);
            lastUse = Arrays.copyOf(lastUse, n);
        }
        int i = kinds++;
        lengths[i] = length;
        stacks[i] = new double[8][];
        counts[i] = 0;
        inUse[i] = 0;
        peak[i] = 0;
        peakLast[i] = 0;
        lastUse[i] = clock;
        return i;
    }

    /**
     * Returns arrays to this thread's free list and clears {@code arrays}. The caller guarantees
     * that nothing reads or writes them any more. An array is kept while its length's free and
     * in-use arrays stay within that length's demand (and the free list within its bound); when
     * every array handed out has come back, the epoch ends and each length is trimmed to its demand.
     *
     * @param arrays the arrays a tape collected
     */
    void release(ArrayList<double[]> arrays) {
        int last = -1;
        for (int k = 0, n = arrays.size(); k < n; k++) {
            double[] a = arrays.get(k);
            int length = a.length;
            int i = last >= 0 && lengths[last] == length ? last : kindOf(length, false);
            if (i < 0) {
                continue; // an untracked length (more than MAX_KINDS): left to the garbage collector
            }
            last = i;
            inUse[i] = Math.max(0, inUse[i] - 1);
            if (counts[i] + inUse[i] < demand(i) && freeBytes + 8L * length <= maxFreeBytes) {
                push(i, a);
            }
        }
        outstanding = Math.max(0, outstanding - arrays.size());
        arrays.clear();
        if (outstanding == 0) {
            endEpoch();
        }
    }

    /** The most arrays of kind {@code i} in use at once, in this epoch or the previous one. */
    private int demand(int i) {
        return Math.max(peak[i], peakLast[i]);
    }

    private void push(int i, double[] a) {
        if (counts[i] == stacks[i].length) {
            stacks[i] = Arrays.copyOf(stacks[i], 2 * counts[i]);
        }
        stacks[i][counts[i]++] = a;
        freeBytes += 8L * a.length;
    }

    private void endEpoch() {
        for (int i = kinds - 1; i >= 0; i--) {
            int keep = Math.max(0, demand(i) - inUse[i]);
            while (counts[i] > keep) {
                int c = --counts[i];
                freeBytes -= 8L * lengths[i];
                stacks[i][c] = null;
            }
            boolean unused = demand(i) == 0 && inUse[i] == 0;
            peakLast[i] = peak[i];
            peak[i] = inUse[i];
            if (unused) {
                dropKind(i);
            }
        }
        epoch++;
    }

    /** Removes kind {@code i} with its free arrays (left to the garbage collector). */
    private void dropKind(int i) {
        freeBytes -= 8L * lengths[i] * counts[i];
        int last = kinds - 1;
        lengths[i] = lengths[last];
        stacks[i] = stacks[last];
        counts[i] = counts[last];
        inUse[i] = inUse[last];
        peak[i] = peak[last];
        peakLast[i] = peakLast[last];
        lastUse[i] = lastUse[last];
        stacks[last] = null;
        counts[last] = 0;
        kinds = last;
    }

    /**
     * The bytes this thread's free list holds (for tests and diagnostics).
     *
     * @return the free bytes
     */
    long freeBytes() {
        return freeBytes;
    }

    /**
     * The bytes the arena is sized for now: each length times the most arrays of it in use at once
     * in this epoch or the previous one (for tests and diagnostics).
     *
     * @return the demand in bytes
     */
    long demandBytes() {
        long bytes = 0;
        for (int i = 0; i < kinds; i++) {
            bytes += 8L * lengths[i] * demand(i);
        }
        return bytes;
    }

    /**
     * The number of arrays handed out to collecting tapes and not yet released (for tests).
     *
     * @return the outstanding arrays
     */
    long outstandingArrays() {
        return outstanding;
    }

    /**
     * The number of epochs ended so far (for tests).
     *
     * @return the epoch count
     */
    long epochs() {
        return epoch;
    }
}
