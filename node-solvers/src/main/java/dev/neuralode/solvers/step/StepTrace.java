package dev.neuralode.solvers.step;

import java.util.Arrays;

/**
 * The record of a solve's accepted steps that a gradient method asks for, so that it never has to
 * re-derive what the solver did: each step's start and end time, its size, whether it was clipped
 * to a breakpoint (an output, step or jump time, whose position then moves the step's end), whether
 * it starts right after a jump time (a fresh first stage), its error ratio, the ordinals of its
 * stage evaluations and, if asked, its start state.
 *
 * <p>A trace is a {@link StepHandler}: pass it to the solve. It grows by doubling, so recording
 * costs no allocation on most steps. Not thread-safe; one trace per solve.
 */
public final class StepTrace implements StepHandler {

    private final boolean keepStates;
    private int size;
    private int n;
    private double[] start = new double[16];
    private double[] end = new double[16];
    private double[] h = new double[16];
    private double[] ratio = new double[16];
    private byte[] flags = new byte[16];
    private int stages = -1;
    private long[] calls = new long[0];
    private double[] states = new double[0];
    private double t0;

    private static final byte CLIPPED = 1;
    private static final byte AFTER_JUMP = 2;

    /**
     * A trace of times, sizes, flags and stage ordinals.
     *
     * @param keepStates whether to keep each step's start state as well ({@code n} doubles a step)
     */
    public StepTrace(boolean keepStates) {
        this.keepStates = keepStates;
    }

    @Override
    public void start(double t0, double[] y0, double tEnd) {
        this.t0 = t0;
        this.n = y0.length;
    }

    @Override
    public boolean handleStep(StepInterpolator step) {
        if (size == start.length) {
            int cap = size * 2;
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
            h = Arrays.copyOf(h, cap);
            ratio = Arrays.copyOf(ratio, cap);
            flags = Arrays.copyOf(flags, cap);
        }
        start[size] = step.startTime();
        end[size] = step.endTime();
        h[size] = step.stepSize();
        ratio[size] = step.errorRatio();
        flags[size] = (byte) ((step.clipped() ? CLIPPED : 0) | (step.afterJump() ? AFTER_JUMP : 0));
        int s = step.stageCount();
        if (stages < 0) {
            stages = s;
        }
        if (s > 0 && s == stages) {
            if ((size + 1) * s > calls.length) {
                calls = Arrays.copyOf(calls, Math.max(16 * s, calls.length * 2));
            }
            for (int i = 0; i < s; i++) {
                calls[size * s + i] = step.stageEvaluation(i);
            }
        }
        if (keepStates) {
            if ((size + 1) * n > states.length) {
                states = Arrays.copyOf(states, Math.max(16 * n, states.length * 2));
            }
            System.arraycopy(step.startState(), 0, states, size * n, n);
        }
        size++;
        return true;
    }

    /**
     * The number of accepted steps recorded.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    /**
     * The initial time of the solve.
     *
     * @return {@code t0}
     */
    public double initialTime() {
        return t0;
    }

    /**
     * The start time of step {@code k}.
     *
     * @param k the step, {@code 0 <= k < size()}
     * @return its start time
     */
    public double startTime(int k) {
        check(k);
        return start[k];
    }

    /**
     * The end time of step {@code k} (exactly the breakpoint when clipped).
     *
     * @param k the step
     * @return its end time
     */
    public double endTime(int k) {
        check(k);
        return end[k];
    }

    /**
     * The signed size of step {@code k} as its stages used it.
     *
     * @param k the step
     * @return {@code h}
     */
    public double stepSize(int k) {
        check(k);
        return h[k];
    }

    /**
     * Whether step {@code k} was clipped to end on a breakpoint (the final time, a step time or a
     * jump time), so that its size is {@code t_break - t} rather than the controller's choice.
     *
     * @param k the step
     * @return the flag
     */
    public boolean clipped(int k) {
        check(k);
        return (flags[k] & CLIPPED) != 0;
    }

    /**
     * Whether step {@code k} starts at a jump time (its first stage was evaluated afresh just past it).
     *
     * @param k the step
     * @return the flag
     */
    public boolean afterJump(int k) {
        check(k);
        return (flags[k] & AFTER_JUMP) != 0;
    }

    /**
     * Whether step {@code k} ends on a jump time (its stages with node 1 were evaluated at the last
     * double before it, see {@link dev.neuralode.solvers.explicit.ButcherTableau#stageTime}).
     *
     * @param k the step
     * @return the flag
     */
    public boolean endsAtJump(int k) {
        check(k);
        return k + 1 < size && (flags[k + 1] & AFTER_JUMP) != 0;
    }

    /**
     * The error ratio with which step {@code k} was accepted (0 for fixed-step integration).
     *
     * @param k the step
     * @return the ratio
     */
    public double errorRatio(int k) {
        check(k);
        return ratio[k];
    }

    /**
     * The number of stages per step whose evaluation ordinals are recorded.
     *
     * @return the count, 0 when the method exposes none
     */
    public int stageCount() {
        return Math.max(stages, 0);
    }

    /**
     * The ordinal of the evaluation that produced stage {@code i} of step {@code k} (see
     * {@link StepInterpolator#stageEvaluation(int)}), or -1 if it was not evaluated.
     *
     * @param k the step
     * @param i the stage, {@code 0 <= i < stageCount()}
     * @return the ordinal, or -1
     */
    public long stageEvaluation(int k, int i) {
        check(k);
        if (i < 0 || i >= stageCount()) {
            throw new IndexOutOfBoundsException("stage " + i + " of " + stageCount());
        }
        return calls[k * stages + i];
    }

    /**
     * Whether start states are kept.
     *
     * @return the flag given at construction
     */
    public boolean keepsStates() {
        return keepStates;
    }

    /**
     * Copies the start state of step {@code k} into {@code out}.
     *
     * @param k   the step
     * @param out receives the state, length at least {@code n}. Modified.
     * @throws IllegalStateException if the trace keeps no states
     */
    public void startState(int k, double[] out) {
        check(k);
        if (!keepStates) {
            throw new IllegalStateException("this StepTrace keeps no states: create it with new StepTrace(true)");
        }
        System.arraycopy(states, k * n, out, 0, n);
    }

    /**
     * The number of doubles the trace holds (times, sizes, ratios and states), for memory accounting.
     *
     * @return the count
     */
    public long storedDoubles() {
        return 4L * size + (keepStates ? (long) size * n : 0) + (stages > 0 ? (long) size * stages : 0);
    }

    private void check(int k) {
        if (k < 0 || k >= size) {
            throw new IndexOutOfBoundsException("step " + k + " of a trace of " + size + " steps");
        }
    }
}
