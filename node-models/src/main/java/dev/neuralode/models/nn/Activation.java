package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.function.UnaryOperator;

/**
 * A parameter-free elementwise activation layer. Instances are cheap; create one per use (a
 * module can have only one parent path).
 */
public final class Activation extends Layer {

    private final String name;
    private final UnaryOperator<Tensor> f;

    private Activation(String name, UnaryOperator<Tensor> f) {
        this.name = name;
        this.f = f;
    }

    /**
     * A custom activation.
     *
     * @param name a short name for messages
     * @param f    the elementwise function, written with tensor ops
     * @return the layer
     */
    public static Activation of(String name, UnaryOperator<Tensor> f) {
        return new Activation(name, f);
    }

    /**
     * Hyperbolic tangent.
     *
     * @return a new tanh layer
     */
    public static Activation tanh() {
        return new Activation("tanh", Tensor::tanh);
    }

    /**
     * Rectified linear unit {@code max(0, x)}.
     *
     * @return a new ReLU layer
     */
    public static Activation relu() {
        return new Activation("relu", Tensor::relu);
    }

    /**
     * Leaky ReLU.
     *
     * @param slope the negative-side slope (PyTorch's default 0.01)
     * @return a new leaky-ReLU layer
     */
    public static Activation leakyRelu(double slope) {
        return new Activation("leaky_relu", x -> x.leakyRelu(slope));
    }

    /**
     * Logistic sigmoid {@code 1 / (1 + e^-x)}.
     *
     * @return a new sigmoid layer
     */
    public static Activation sigmoid() {
        return new Activation("sigmoid", Tensor::sigmoid);
    }

    /**
     * Softplus {@code ln(1 + e^x)} (smooth, used by FFJORD's dynamics).
     *
     * @return a new softplus layer
     */
    public static Activation softplus() {
        return new Activation("softplus", Tensor::softplus);
    }

    /**
     * Exponential linear unit with {@code alpha = 1}.
     *
     * @return a new ELU layer
     */
    public static Activation elu() {
        return new Activation("elu", x -> x.elu(1.0));
    }

    /**
     * Identity.
     *
     * @return a new identity layer
     */
    public static Activation identity() {
        return new Activation("identity", x -> x);
    }

    /**
     * The activation's name.
     *
     * @return for example {@code "tanh"}
     */
    public String name() {
        return name;
    }

    @Override
    public Tensor forward(Tensor x) {
        return f.apply(x);
    }

    @Override
    protected String kind() {
        return "Activation " + name;
    }
}
