package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * A fully connected layer {@code y = x Wᵀ + b}, with {@code W} ({@code weight}) of shape
 * {@code out × in} and {@code b} ({@code bias}) of shape {@code 1 × out}, PyTorch's layout (so
 * weights move to and from {@code torch.nn.Linear} unchanged; the bias is {@code 1 × out} here and
 * {@link dev.neuralode.models.io.Npz#save} writes it 1-D, {@code (out,)}, as a {@code state_dict} holds it).
 */
public final class Linear extends Layer {

    private final int in;
    private final int out;
    private final boolean hasBias;

    /**
     * A layer with PyTorch's default initialisation ({@code U(±1/√in)} for weight and bias).
     *
     * @param in  input features
     * @param out output features
     * @param rng the random source. Modified.
     */
    public Linear(int in, int out, Random rng) {
        this(in, out, true, Init.pytorchDefault(), Init.pytorchDefault(), rng);
    }

    /**
     * A layer with the given weight initialisation and a zero bias.
     *
     * @param in     input features
     * @param out    output features
     * @param bias   whether the layer has a bias
     * @param weight the weight initialisation
     * @param rng    the random source. Modified.
     */
    public Linear(int in, int out, boolean bias, Init weight, Random rng) {
        this(in, out, bias, weight, Init.zeros(), rng);
    }

    /**
     * A layer with the given weight and bias initialisations (the bias is drawn as an
     * {@code out × in} fan and its first column kept, so {@code pytorchDefault} uses {@code 1/√in}).
     *
     * @param in         input features, at least 1
     * @param out        output features, at least 1
     * @param bias       whether the layer has a bias
     * @param weightInit the weight initialisation
     * @param biasInit   the bias initialisation
     * @param rng        the random source. Modified.
     */
    public Linear(int in, int out, boolean bias, Init weightInit, Init biasInit, Random rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear: features must be positive, got " + in + "->" + out);
        }
        this.in = in;
        this.out = out;
        this.hasBias = bias;
        registerParameter("weight", weightInit.sample(out, in, rng));
        if (bias) {
            DMatrixRMaj b = biasInit.sample(out, in, rng);
            DMatrixRMaj row = new DMatrixRMaj(1, out);
            for (int k = 0; k < out; k++) {
                row.data[k] = b.get(k, 0);
            }
            registerParameter("bias", row);
        }
    }

    /**
     * The number of input features.
     *
     * @return in
     */
    public int inFeatures() {
        return in;
    }

    /**
     * The number of output features.
     *
     * @return out
     */
    public int outFeatures() {
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * @param x {@code batch × in}
     * @return {@code batch × out}
     */
    @Override
    public Tensor forward(Tensor x) {
        checkInput(x, in);
        Tensor w = x.tape().param(param("weight"));
        // one fused op x·Wᵀ + b: no separate broadcast add and no intermediate product
        return hasBias ? x.linear(w, x.tape().param(param("bias"))) : x.matmulTransB(w);
    }

    @Override
    protected String kind() {
        return "Linear " + in + "->" + out;
    }
}
