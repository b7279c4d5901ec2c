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
        double[][] s = state.get(p);
        if (s == null) {
            s = new double[count][p.size()];
            state.put(p, s);
        } else if (s.length != count) {
            throw new IllegalStateException(getClass().getSimpleName() + ": parameter '" + p.name() + "' has "
                    + s.length + " state buffers (restored with restoreState?), this optimizer keeps " + count);
        }
        return s;
    }

    /**
     * A copy of a parameter's state buffers (Adam's first and second moments {@code m, v} and, with
     * AMSGrad, {@code v̂}; SGD's momentum buffer; RMSprop's {@code v}, gradient average and momentum
     * buffer), as they are after the last step, for checkpoints.
     *
     * @param p one of {@link #parameters()}
     * @return the buffers (each of the parameter's size, row-major), or an empty array before the
     *         first step (or for a stateless update such as plain SGD)
     * @throws IllegalArgumentException if {@code p} is not one of this optimizer's parameters
     */
    public final double[][] stateOf(Parameter p) {
        requireOwn(p, "stateOf");
        double[][] s = state.get(p);
        if (s == null) {
            return new double[0][];
        }
        double[][] c = new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            c[i] = s[i].clone();
        }
        return c;
    }

    /**
     * Restores the state a checkpoint saved: the step count (Adam's bias corrections depend on it),
     * the learning rate and every parameter's buffers ({@link #stateOf}). The next {@link #step()}
     * then does exactly what it would have done in the run that saved the state. All or nothing:
     * everything is checked before anything changes.
     *
     * @param steps   the step count, {@code >= 0}
     * @param lr      the learning rate, finite and {@code >= 0}
     * @param buffers each parameter's buffers (copied); a parameter absent or mapped to an empty
     *                array has no state (as before its first step)
     * @throws IllegalArgumentException if the count or rate is invalid, a key is not one of this
     *                                  optimizer's parameters, or a buffer's length is not its
     *                                  parameter's size (naming the parameter)
     */
    public final void restoreState(long steps, double lr, Map<Parameter, double[][]> buffers) {
        if (steps < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".restoreState: steps = " + steps
                    + " is negative");
        }
        checkLr(lr);
        for (Map.Entry<Parameter, double[][]> e : buffers.entrySet()) {
            requireOwn(e.getKey(), "restoreState");
            for (double[] b : e.getValue()) {
                if (b == null || b.length != e.getKey().size()) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ".restoreState: a state buffer "
                            + "of parameter '" + e.getKey().name() + "' has " + (b == null ? "no" : b.length)
                            + " elements, the parameter has " + e.getKey().size());
                }
            }
        }
        state.clear();
        for (Map.Entry<Parameter, double[][]> e : buffers.entrySet()) {
            if (e.getValue().length > 0) {
                double[][] c = new double[e.getValue().length][];
                for (int i = 0; i < c.length; i++) {
                    c[i] = e.getValue()[i].clone();
                }
                state.put(e.getKey(), c);
            }
        }
        this.steps = steps;
        this.lr = lr;
    }

    private void requireOwn(Parameter p, String what) {
        for (Parameter q : params) {
            if (q == p) {
                return;
            }
        }
        throw new IllegalArgumentException(getClass().getSimpleName() + "." + what + ": parameter '"
                + (p == null ? "null" : p.name()) + "' is not one of this optimizer's parameters");
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
