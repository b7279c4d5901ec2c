package dev.neuralode.models.ode;

import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Activation;
import dev.neuralode.models.nn.Layer;

/**
 * An augmented neural ODE (Dupont, Doucet &amp; Teh, "Augmented Neural ODEs", NeurIPS 2019): the
 * input {@code x ∈ ℝ^d} is padded with {@code p} zeros, {@code h(0) = [x, 0]}, before the ODE, so
 * the flow acts in {@code ℝ^{d+p}}. A neural ODE's flow is a homeomorphism of the input space and
 * cannot change the order/topology of points (in 1-D it is monotone); the extra dimensions let
 * trajectories go around each other. Children: {@code encoder}, {@code ode}, {@code decoder}
 * (the ODE block's dynamics and the decoder work on {@code d + p} features).
 */
public final class AugmentedNeuralOde extends NeuralOde {

    private final int inputDim;
    private final int augmentDim;

    /**
     * Creates a model without an encoder.
     *
     * @param inputDim   d, the input features
     * @param augmentDim p ≥ 0, the number of zeros appended
     * @param ode        the ODE block on {@code d + p} features
     * @param decoder    the decoder from {@code d + p} features
     */
    public AugmentedNeuralOde(int inputDim, int augmentDim, OdeBlock ode, Layer decoder) {
        super(Activation.identity(), ode, decoder);
        if (inputDim < 1 || augmentDim < 0) {
            throw new IllegalArgumentException("AugmentedNeuralOde: invalid dimensions d=" + inputDim
                    + ", p=" + augmentDim);
        }
        this.inputDim = inputDim;
        this.augmentDim = augmentDim;
    }

    /**
     * Pads and integrates: {@code decoder(ODESolve([x, 0]))}.
     *
     * @param x {@code batch × d}
     * @return the decoder's output
     */
    @Override
    public Tensor forward(Tensor x) {
        checkInput(x, inputDim);
        Tensor h0 = augment(x);
        return decoder().forward(ode().forward(h0));
    }

    /**
     * The padded initial state {@code [x, 0]}.
     *
     * @param x {@code batch × d}
     * @return {@code batch × (d + p)}
     */
    public Tensor augment(Tensor x) {
        if (augmentDim == 0) {
            return x;
        }
        return Tensor.concatCols(x, x.tape().full(x.rows(), augmentDim, 0.0));
    }

    /**
     * The number of appended zeros.
     *
     * @return p
     */
    public int augmentDim() {
        return augmentDim;
    }

    @Override
    protected String kind() {
        return "AugmentedNeuralOde " + inputDim + "+" + augmentDim;
    }
}
