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
     * @param lr     the learning rate, positive
     */
    protected Optimizer(List<Parameter> params, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate " + lr);
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": empty parameter list");
        }
        this.params = new ArrayList<>(params);
        this.lr = lr;
    }

    /**
     * Updates every parameter once from its gradient, then increments {@link #steps()}.
     */
    public final void step() {
        steps++;
        for (Parameter p : params) {
            update(p, p.value().data, p.grad().data, steps);
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
     * @param lr the new learning rate, non-negative
     */
    public final void setLr(double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate " + lr);
        }
        this.lr = lr;
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
