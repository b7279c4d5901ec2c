package dev.neuralode.models.optim;

import dev.neuralode.autodiff.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A first-order optimizer: {@link #step()} updates every parameter's value in place from its
 * accumulated gradient ({@link Parameter#grad()}); {@link #zeroGrad()} clears the gradients. The
 * update rules and defaults follow PyTorch's {@code torch.optim} so results can be compared.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3);
 * for (...) { opt.zeroGrad(); tape.backward(loss); opt.step(); }
 * }</pre>
 *
 * <p>Per-parameter state (moment buffers) is allocated on the first step. Not thread-safe.
 */
public abstract class Optimizer {

    private final List<Parameter> params;
    private final Map<Parameter, double[][]> state = new IdentityHashMap<>();
    private double lr;
    private long steps;

    /**
     * Creates an optimizer.
     *
     * @param params the parameters to update (the list is copied)
     * @param lr     the learning rate, finite and {@code >= 0}
     * @throws IllegalArgumentException if {@code lr} is NaN, infinite or negative, naming the value
     *                                  and the valid range, or if {@code params} is empty
     */
    protected Optimizer(List<Parameter> params, double lr) {
        checkLr(lr);
        if (params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": empty parameter list");
        }
        this.params = new ArrayList<>(params);
        this.lr = lr;
    }

    /**
     * Updates every parameter once from its gradient, then increments {@link #steps()}. Each
     * parameter's {@link Parameter#markModified()} is called, so that a tape that read the old
     * values refuses a later backward sweep instead of returning a wrong gradient.
     */
    public final void step() {
        steps++;
        for (Parameter p : params) {
            update(p, p.value().data, p.grad().data, steps);
            p.markModified();
        }
    }

    /**
     * Updates one parameter.
     *
     * @param p     the parameter
     * @param value its value, row-major. Modified.
     * @param grad  its gradient, row-major. Not modified.
     * @param t     the 1-based step count (for bias corrections)
     */
    protected abstract void update(Parameter p, double[] value, double[] grad, long t);

    /**
     * The state buffers of a parameter, allocated (zero) on first use.
     *
     * @param p     the parameter
     * @param count how many buffers of the parameter's size
     * @return the buffers
     */
    protected final double[][] state(Parameter p, int count) {
        return state.computeIfAbsent(p, k -> new double[count][k.size()]);
    }

    /** Zeroes every parameter's gradient. */
    public final void zeroGrad() {
        for (Parameter p : params) {
            p.zeroGrad();
        }
    }

    /**
     * The current learning rate.
     *
     * @return lr
     */
    public final double lr() {
        return lr;
    }

    /**
     * Sets the learning rate (used by {@link LrScheduler}).
     *
     * @param lr the new learning rate, finite and {@code >= 0}
     * @throws IllegalArgumentException if {@code lr} is NaN, infinite or negative (the rate is left
     *                                  unchanged), naming the value and the valid range
     */
    public final void setLr(double lr) {
        checkLr(lr);
        this.lr = lr;
    }

    private void checkLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate " + lr
                    + "; lr must be finite and >= 0");
        }
    }

    /**
     * Checks a hyper-parameter at construction: {@code lo <= value} (strictly {@code lo < value} when
     * {@code openLo}), {@code value < hi} (or {@code <= hi} when {@code closedHi}), and not NaN.
     *
     * @param setting  the setting's name, for the message (for example {@code "momentum"})
     * @param value    the value given
     * @param lo       the lower bound
     * @param openLo   whether the lower bound itself is excluded
     * @param hi       the upper bound ({@link Double#POSITIVE_INFINITY} for none)
     * @param closedHi whether the upper bound itself is allowed
     * @return {@code value}
     * @throws IllegalArgumentException naming the optimizer, the setting, the value and the valid range
     */
    protected final double checkRange(String setting, double value, double lo, boolean openLo, double hi,
                                      boolean closedHi) {
        boolean ok = (openLo ? value > lo : value >= lo) && (closedHi ? value <= hi : value < hi);
        if (!ok) {
            String range = (openLo ? "(" : "[") + number(lo) + ", "
                    + (Double.isInfinite(hi) ? "∞)" : number(hi) + (closedHi ? "]" : ")"));
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + setting + " = " + value
                    + " is invalid; it must lie in " + range);
        }
        return value;
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * The number of steps taken.
     *
     * @return the step count
     */
    public final long steps() {
        return steps;
    }

    /**
     * The parameters updated.
     *
     * @return an unmodifiable list
     */
    public final List<Parameter> parameters() {
        return Collections.unmodifiableList(params);
    }
}
