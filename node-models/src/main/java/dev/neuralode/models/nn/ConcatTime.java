package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.Random;

/**
 * A linear layer on the input with time appended as an extra feature,
 * {@code y = [x, t] Wᵀ + b} with {@code W} of shape {@code out × (in + 1)}; this makes dynamics
 * time-dependent, {@code f(t, h)}. This is the {@code ConcatLinear} layer of FFJORD's
 * code except for the column order: there time is the <i>first</i> input column, here the last,
 * so moving weights between the two means moving the weight's last column to the front.
 * Parameters: {@code weight}, {@code bias}.
 */
public final class ConcatTime extends TimeLayer {

    private final int in;
    private final int out;

    /**
     * Creates the layer with PyTorch's default initialisation over {@code in + 1} inputs.
     *
     * @param in  input features (without time)
     * @param out output features
     * @param rng the random source. Modified.
     */
    public ConcatTime(int in, int out, Random rng) {
        this(in, out, Init.pytorchDefault(), rng);
    }

    /**
     * Creates the layer with the given weight initialisation (bias: PyTorch's default).
     *
     * @param in   input features (without time)
     * @param out  output features
     * @param init the weight initialisation (fan-in {@code in + 1})
     * @param rng  the random source. Modified.
     */
    public ConcatTime(int in, int out, Init init, Random rng) {
        this.in = in;
        this.out = out;
        registerParameter("weight", init.sample(out, in + 1, rng));
        registerParameter("bias", rowOf(Init.pytorchDefault().sample(out, in + 1, rng)));
    }

    private static org.ejml.data.DMatrixRMaj rowOf(org.ejml.data.DMatrixRMaj m) {
        org.ejml.data.DMatrixRMaj row = new org.ejml.data.DMatrixRMaj(1, m.numRows);
        for (int k = 0; k < m.numRows; k++) {
            row.data[k] = m.get(k, 0);
        }
        return row;
    }

    /**
     * {@inheritDoc}
     *
     * @param t 1×1 time
     * @param x {@code batch × in}
     * @return {@code batch × out}
     */
    @Override
    public Tensor forward(Tensor t, Tensor x) {
        checkInput(x, in);
        Tensor tt = t.expand(x.rows(), 1);
        Tensor xt = Tensor.concatCols(x, tt);
        return xt.matmulTransB(x.tape().param(param("weight"))).add(x.tape().param(param("bias")));
    }

    @Override
    protected String kind() {
        return "ConcatTime " + in + "(+t)->" + out;
    }
}
