package dev.neuralode.autodiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The per-thread arena ({@link Buffers}) is sized by use: each array length keeps as many arrays
 * as were in use at once in the last two epochs, so a working set of any size is recycled whole
 * from the second epoch on, a length whose demand grows is not starved by another's spare arrays,
 * a nested tape's release does not end the epoch, the heap bound caps the free list, and memory
 * no longer asked for is given back.
 */
class ArenaSizingTest {

    private static final int MB8 = 1 << 20; // doubles in 8 MiB

    /** Hands out {@code count} arrays of {@code length} to {@code owner}; returns them. */
    private static List<double[]> take(Buffers b, ArrayList<double[]> owner, int count, int length) {
        ArrayList<double[]> previous = b.enter(owner);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(b.matrix(1, length, false).data);
        }
        b.exit(previous);
        return out;
    }

    private static Set<double[]> identities(List<double[]> arrays) {
        Set<double[]> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(arrays);
        return s;
    }

    @Test
    void aLargeWorkingSetIsRecycledWholeFromTheSecondEpoch() {
        Buffers b = new Buffers(1L << 31);
        ArrayList<double[]> tape = new ArrayList<>();
        int count = 25; // 200 MiB
        Set<double[]> first = identities(take(b, tape, count, MB8));
        assertThat(b.outstandingArrays()).isEqualTo(count);
        b.release(tape);
        assertThat(b.outstandingArrays()).isZero();
        assertThat(b.epochs()).isEqualTo(1);
        assertThat(b.freeBytes()).as("everything the first epoch used is kept").isEqualTo(8L * count * MB8);
        assertThat(b.demandBytes()).isEqualTo(8L * count * MB8);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<double[]> again = take(b, tape, count, MB8);
            assertThat(first.containsAll(again)).as("epoch %d is served from the free list", epoch).isTrue();
            assertThat(b.freeBytes()).isZero();
            b.release(tape);
        }
    }

    @Test
    void aLengthWhoseDemandGrowsIsNotStarvedByAnothersSpareArrays() {
        Buffers b = new Buffers(1L << 31);
        ArrayList<double[]> tape = new ArrayList<>();
        int a = MB8;
        int c = MB8 / 2;
        take(b, tape, 10, a);
        take(b, tape, 2, c);
        b.release(tape);
        take(b, tape, 2, a);
        Set<double[]> second = identities(take(b, tape, 10, c));
        b.release(tape);
        List<double[]> third = take(b, tape, 10, c);
        assertThat(second.containsAll(third)).as("the grown demand is served from the free list").isTrue();
        b.release(tape);
    }

    @Test
    void theHeapBoundCapsTheFreeList() {
        long max = 80L << 20;
        Buffers b = new Buffers(max);
        ArrayList<double[]> tape = new ArrayList<>();
        take(b, tape, 13, MB8);
        b.release(tape);
        assertThat(b.freeBytes()).isEqualTo(10L * 8 * MB8);
    }

    @Test
    void aNestedTapesReleaseKeepsTheEpochOpenAndItsArraysForTheOuterOnes() {
        Buffers b = new Buffers(1L << 31);
        ArrayList<double[]> outer = new ArrayList<>();
        ArrayList<double[]> inner = new ArrayList<>();
        take(b, outer, 9, MB8);
        Set<double[]> innerFirst = identities(take(b, inner, 2, MB8));
        b.release(inner);
        assertThat(b.epochs()).as("the outer tape still holds arrays").isZero();
        assertThat(b.freeBytes()).isEqualTo(2L * 8 * MB8);
        List<double[]> innerAgain = take(b, inner, 2, MB8);
        assertThat(innerFirst.containsAll(innerAgain)).isTrue();
        b.release(inner);
        b.release(outer);
        assertThat(b.epochs()).isEqualTo(1);
        assertThat(b.freeBytes()).as("the most in use at once: 11 arrays").isEqualTo(11L * 8 * MB8);
    }

    @Test
    void memoryNoLongerAskedForIsGivenBackAfterTwoEpochs() {
        Buffers b = new Buffers(1L << 31);
        ArrayList<double[]> tape = new ArrayList<>();
        take(b, tape, 12, MB8);
        b.release(tape);
        assertThat(b.freeBytes()).isEqualTo(12L * 8 * MB8);
        take(b, tape, 3, MB8);
        take(b, tape, 4, 1000);
        b.release(tape);
        assertThat(b.freeBytes()).as("one epoch later the old peak still counts")
                .isEqualTo(12L * 8 * MB8 + 4L * 8 * 1000);
        take(b, tape, 3, MB8);
        take(b, tape, 4, 1000);
        b.release(tape);
        assertThat(b.freeBytes()).as("trimmed to the last two epochs' demand").isEqualTo(3L * 8 * MB8 + 4L * 8 * 1000);
        for (int epoch = 0; epoch < 2; epoch++) {
            take(b, tape, 4, 1000);
            b.release(tape);
        }
        assertThat(b.freeBytes()).as("only the small arrays remain").isEqualTo(4L * 8 * 1000);
        assertThat(b.demandBytes()).isEqualTo(4L * 8 * 1000);
    }
}
