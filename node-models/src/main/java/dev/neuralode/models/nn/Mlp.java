package dev.neuralode.models.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A builder of multilayer perceptrons as {@link Sequential} stacks:
 * <pre>{@code
 * Sequential f = Mlp.builder(2).hidden(50).hidden(50).out(2)
 *         .activation(Activation::tanh).init(Init.xavierUniform()).seed(0).build();
 * // children 0 (Linear 2->50), 1 (tanh), 2 (Linear 50->50), 3 (tanh), 4 (Linear 50->2)
 * }</pre>
 * With {@link #time(TimeMode)} the linear layers become {@link ConcatTime} or
 * {@link ConcatSquashLinear} layers, for time-dependent dynamics {@code f(t, h)}.
 */
public final class Mlp {

    /** How the MLP sees time. */
    public enum TimeMode {
        /** Time is ignored (autonomous dynamics): plain {@link Linear} layers. */
        NONE,
        /** Time appended to every linear layer's input: {@link ConcatTime}. */
        CONCAT,
        /** FFJORD's gated layers: {@link ConcatSquashLinear}. */
        CONCAT_SQUASH
    }

    private final int in;
    private final List<Integer> widths = new ArrayList<>();
    private Integer out;
    private Supplier<Activation> activation = Activation::tanh;
    private Init init = Init.pytorchDefault();
    private boolean zeroBias;
    private Random rng = new Random(0);
    private TimeMode time = TimeMode.NONE;
    private boolean finalActivation;

    private Mlp(int in) {
        this.in = in;
    }

    /**
     * Starts a builder.
     *
     * @param inputSize the input features
     * @return the builder
     */
    public static Mlp builder(int inputSize) {
        return new Mlp(inputSize);
    }

    /**
     * Adds a hidden layer.
     *
     * @param width its width
     * @return this
     */
    public Mlp hidden(int width) {
        widths.add(width);
        return this;
    }

    /**
     * Sets the output width (required).
     *
     * @param width the output features
     * @return this
     */
    public Mlp out(int width) {
        this.out = width;
        return this;
    }

    /**
     * The activation between layers (default tanh).
     *
     * @param factory makes one activation layer per use
     * @return this
     */
    public Mlp activation(Supplier<Activation> factory) {
        this.activation = factory;
        return this;
    }

    /**
     * Also applies the activation after the last layer (default: no).
     *
     * @param on whether to
     * @return this
     */
    public Mlp finalActivation(boolean on) {
        this.finalActivation = on;
        return this;
    }

    /**
     * The weight initialisation of plain and concat linear layers (default: PyTorch's).
     * Concat-squash layers always use PyTorch's default.
     *
     * @param init the scheme
     * @return this
     */
    public Mlp init(Init init) {
        this.init = init;
        return this;
    }

    /**
     * Makes the biases of plain linear layers zero (default: initialised as PyTorch does).
     *
     * @param on whether to
     * @return this
     */
    public Mlp zeroBias(boolean on) {
        this.zeroBias = on;
        return this;
    }

    /**
     * Seeds a new random source (default seed 0).
     *
     * @param seed the seed
     * @return this
     */
    public Mlp seed(long seed) {
        this.rng = new Random(seed);
        return this;
    }

    /**
     * Uses the given random source.
     *
     * @param rng the source. Modified when building.
     * @return this
     */
    public Mlp random(Random rng) {
        this.rng = rng;
        return this;
    }

    /**
     * How the layers see time (default {@link TimeMode#NONE}).
     *
     * @param mode the mode
     * @return this
     */
    public Mlp time(TimeMode mode) {
        this.time = mode;
        return this;
    }

    /**
     * Builds the network.
     *
     * @return a new {@link Sequential}
     * @throws IllegalStateException if no output width was set
     */
    public Sequential build() {
        if (out == null) {
            throw new IllegalStateException("Mlp: call out(width) before build()");
        }
        Sequential s = new Sequential();
        int prev = in;
        List<Integer> all = new ArrayList<>(widths);
        all.add(out);
        for (int i = 0; i < all.size(); i++) {
            int w = all.get(i);
            s.add(linear(prev, w));
            if (i < all.size() - 1 || finalActivation) {
                s.add(activation.get());
            }
            prev = w;
        }
        return s;
    }

    private Layer linear(int a, int b) {
        switch (time) {
            case CONCAT:
                return new ConcatTime(a, b, init, rng);
            case CONCAT_SQUASH:
                return new ConcatSquashLinear(a, b, rng);
            default:
                return zeroBias ? new Linear(a, b, true, init, rng)
                        : new Linear(a, b, true, init, Init.pytorchDefault(), rng);
        }
    }
}
