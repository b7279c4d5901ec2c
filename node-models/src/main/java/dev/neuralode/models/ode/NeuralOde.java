package dev.neuralode.models.ode;

import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Layer;

/**
 * The three-step neural ODE of Chen et al. (NeurIPS 2018): encode the input to an initial hidden
 * state, integrate the hidden state over an interval, decode the final state,
 * {@code y = decoder(ODESolve(encoder(x), f, t0, t1, θ))}. Children: {@code encoder},
 * {@code ode} (an {@link OdeBlock}, parameters {@code ode.func....}), {@code decoder}.
 *
 * <pre>{@code
 * OdeFunction f = OdeFunction.of(Mlp.builder(2).hidden(32).out(2).seed(0).build());
 * NeuralOde model = new NeuralOde(new Linear(4, 2, rng),
 *         new OdeBlock(f, SolverOptions.builder().method("rk4").stepSize(0.1).build(), GradientMethod.adjoint()),
 *         new Linear(2, 3, rng));
 * Tensor logits = model.forward(tape.constant(x));
 * }</pre>
 */
public class NeuralOde extends Layer {

    private final Layer encoder;
    private final OdeBlock ode;
    private final Layer decoder;

    /**
     * Creates a model.
     *
     * @param encoder the encoder ({@link Activation#identity()} for none)
     * @param ode     the ODE block
     * @param decoder the decoder ({@link Activation#identity()} for none)
     */
    public NeuralOde(Layer encoder, OdeBlock ode, Layer decoder) {
        this.encoder = registerModule("encoder", encoder);
        this.ode = registerModule("ode", ode);
        this.decoder = registerModule("decoder", decoder);
    }

    /**
     * A model with no encoder or decoder: {@code y = h(t1)}.
     *
     * @param ode the ODE block
     * @return the model
     */
    public static NeuralOde of(OdeBlock ode) {
        return new NeuralOde(Activation.identity(), ode, Activation.identity());
    }

    /**
     * {@inheritDoc}
     *
     * @param x the input batch
     * @return {@code decoder(h(t1))}
     */
    @Override
    public Tensor forward(Tensor x) {
        return decoder.forward(ode.forward(encoder.forward(x)));
    }

    /**
     * The encoder.
     *
     * @return the encoder
     */
    public Layer encoder() {
        return encoder;
    }

    /**
     * The ODE block.
     *
     * @return the block
     */
    public OdeBlock ode() {
        return ode;
    }

    /**
     * The decoder.
     *
     * @return the decoder
     */
    public Layer decoder() {
        return decoder;
    }

    /**
     * The dynamics' evaluation count (a running total), for
     * {@link dev.neuralode.models.train.Trainer.Builder#nfe}.
     *
     * @return the count
     */
    public long nfe() {
        return ode.nfe();
    }
}
