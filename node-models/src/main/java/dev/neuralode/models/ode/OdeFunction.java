package dev.neuralode.models.ode;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.nn.Module;

/**
 * The right-hand side of a neural ODE, {@code dh/dt = f(t, h, θ)}: a module (its parameters are
 * θ, named hierarchically) that is also the {@link Dynamics} of a differentiable ODE solve
 * (Chen et al., "Neural Ordinary Differential Equations", NeurIPS 2018).
 *
 * <p>Every evaluation is counted ({@link #nfe()}), whichever gradient method calls it; the
 * {@link dev.neuralode.models.train.Trainer} splits the count into forward and backward
 * evaluations. The counter is the only mutable state; evaluation itself allocates tensors on the
 * input's tape.
 */
public abstract class OdeFunction extends Module implements Dynamics {

    private long nfe;

    /** Creates a function. */
    protected OdeFunction() {
    }

    /**
     * Wraps a network as autonomous or time-dependent dynamics {@code f(t, h) = net(t, h)}; the
     * network is registered as child {@code net} (parameters {@code net.0.weight}, ...). Plain
     * layers ignore time; {@link dev.neuralode.models.nn.ConcatTime} and
     * {@link dev.neuralode.models.nn.ConcatSquashLinear} use it.
     *
     * @param net the network, mapping {@code batch × dim} to {@code batch × dim}
     * @return the ODE function
     */
    public static OdeFunction of(Layer net) {
        return new NetFunction(net);
    }

    /**
     * Evaluates the dynamics and counts the evaluation.
     *
     * @param t the time, 1×1
     * @param h the state, {@code batch × dim}
     * @return {@code dh/dt}, {@code batch × dim}, from tape ops on {@code h}'s tape
     */
    @Override
    public final Tensor apply(Tensor t, Tensor h) {
        nfe++;
        Tensor out = evaluate(t, h);
        if (out.rows() != h.rows() || out.cols() != h.cols()) {
            throw new IllegalArgumentException("ODE function " + describe() + ": dynamics of a state of shape "
                    + h.shapeString() + " returned shape " + out.shapeString() + " (must be equal)");
        }
        return out;
    }

    /**
     * Computes {@code dh/dt}.
     *
     * @param t the time, 1×1
     * @param h the state
     * @return the derivative, the shape of {@code h}
     */
    protected abstract Tensor evaluate(Tensor t, Tensor h);

    /**
     * The number of evaluations so far (a running total).
     *
     * @return the count
     */
    public final long nfe() {
        return nfe;
    }

    /** Resets {@link #nfe()} to zero. */
    public final void resetNfe() {
        nfe = 0;
    }

    /** {@code f(t, h) = net(t, h)}. */
    private static final class NetFunction extends OdeFunction {
        private final Layer net;

        NetFunction(Layer net) {
            this.net = registerModule("net", net);
        }

        @Override
        protected Tensor evaluate(Tensor t, Tensor h) {
            return net.forward(t, h);
        }
    }
}
