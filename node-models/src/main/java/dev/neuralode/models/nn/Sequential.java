package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Layers applied one after another; children are named {@code 0, 1, 2, ...}, so parameters are
 * called {@code 0.weight}, {@code 2.bias} and so on (as in PyTorch's {@code nn.Sequential}). Time
 * is threaded through every layer by {@link #forward(Tensor, Tensor)}.
 */
public final class Sequential extends Layer {

    private final List<Layer> layers = new ArrayList<>();

    /**
     * Creates a stack of layers.
     *
     * @param layers the layers, in order
     */
    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    /**
     * Appends a layer, named by its index.
     *
     * @param layer the layer
     * @return this
     */
    public Sequential add(Layer layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    /**
     * The layers in order.
     *
     * @return an unmodifiable list
     */
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * The layer at an index.
     *
     * @param i the index
     * @return the layer
     */
    public Layer get(int i) {
        return layers.get(i);
    }

    /**
     * The number of layers.
     *
     * @return the size
     */
    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Layer l : layers) {
            x = l.forward(x);
        }
        return x;
    }

    @Override
    public Tensor forward(Tensor t, Tensor x) {
        for (Layer l : layers) {
            x = l.forward(t, x);
        }
        return x;
    }
}
