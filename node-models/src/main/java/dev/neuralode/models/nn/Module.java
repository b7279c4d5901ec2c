package dev.neuralode.models.nn;

import dev.neuralode.autodiff.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * A component of a model that owns named {@link Parameter}s and child modules, like PyTorch's
 * {@code nn.Module}.
 *
 * <p>Names are hierarchical: a parameter {@code weight} of a child registered as {@code 0} of a
 * child registered as {@code encoder} is called {@code encoder.0.weight}, both in
 * {@link #namedParameters()} and in {@link Parameter#name()}. To make the second true, attaching a
 * child ({@link #registerModule}) re-creates the child's parameters under their full names (same
 * values, gradients reset). Therefore: <b>read parameters from the finished model</b>
 * ({@link #parameters()}, {@link #namedParameters()}), not from a layer before it was attached; a
 * layer reads its own parameters with {@link #param(String)}, which always returns the current one.
 *
 * <p>A module is not thread-safe; share one between threads only for reading.
 */
public abstract class Module {

    private final LinkedHashMap<String, Parameter> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private String path = "";

    /** Creates a module with no parameters and no children. */
    protected Module() {
    }

    /**
     * Registers a parameter owned directly by this module.
     *
     * @param localName the name within this module, such as {@code "weight"}; no dots
     * @param initial   the initial value. Not modified (copied).
     * @return the new parameter, named {@code path + "." + localName}
     * @throws IllegalArgumentException if the name is empty, contains a dot, or is taken
     */
    protected final Parameter registerParameter(String localName, DMatrixRMaj initial) {
        checkLocalName(localName);
        Parameter p = new Parameter(qualify(path, localName), initial);
        params.put(localName, p);
        return p;
    }

    /**
     * Registers a child module; its parameters are renamed under {@code path.localName}.
     *
     * @param localName the child's name within this module (for example {@code "0"} or
     *                  {@code "encoder"}); no dots
     * @param child     the child module
     * @param <M>       the child's type
     * @return {@code child}, for chaining
     * @throws IllegalArgumentException if the name is empty, contains a dot, or is taken, or if
     *                                  the child is already registered in some module (a module
     *                                  has one parent, so its parameters have one name)
     */
    protected final <M extends Module> M registerModule(String localName, M child) {
        checkLocalName(localName);
        Objects.requireNonNull(child, "child");
        if (child == this || !((Module) child).path.isEmpty()) {
            throw new IllegalArgumentException("module " + describe() + ": cannot register " + child.describe()
                    + " as '" + localName + "': it is already part of a model (a module has one parent; "
                    + "create a new one instead of sharing it)");
        }
        children.put(localName, child);
        ((Module) child).rename(qualify(path, localName));
        return child;
    }

    private void checkLocalName(String localName) {
        if (localName == null || localName.isEmpty() || localName.contains(".")) {
            throw new IllegalArgumentException("module " + describe() + ": invalid name '" + localName
                    + "' (must be non-empty and contain no '.')");
        }
        if (params.containsKey(localName) || children.containsKey(localName)) {
            throw new IllegalArgumentException("module " + describe() + ": name '" + localName
                    + "' is already registered");
        }
    }

    private void rename(String newPath) {
        this.path = newPath;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter old = e.getValue();
            e.setValue(new Parameter(qualify(newPath, e.getKey()), old.value()));
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().rename(qualify(newPath, e.getKey()));
        }
    }

    private static String qualify(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /**
     * This module's own parameter by local name (the current object, after any renaming).
     *
     * @param localName the name given to {@link #registerParameter}
     * @return the parameter
     * @throws IllegalArgumentException if there is no such parameter
     */
    public final Parameter param(String localName) {
        Parameter p = params.get(localName);
        if (p == null) {
            throw new IllegalArgumentException("module " + describe() + " has no parameter '" + localName
                    + "'; it has " + params.keySet());
        }
        return p;
    }

    /**
     * A direct child by local name.
     *
     * @param localName the child's name
     * @return the child
     * @throws IllegalArgumentException if there is no such child
     */
    public final Module child(String localName) {
        Module m = children.get(localName);
        if (m == null) {
            throw new IllegalArgumentException("module " + describe() + " has no child '" + localName
                    + "'; it has " + children.keySet());
        }
        return m;
    }

    /**
     * The direct children in registration order.
     *
     * @return an unmodifiable view keyed by local name
     */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Every parameter of this module and its descendants by full hierarchical name, in
     * registration order (own parameters first, then each child's). A parameter shared by two
     * children appears once.
     *
     * @return a new insertion-ordered map
     */
    public final Map<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collect(out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collect(Map<String, Parameter> out, java.util.Set<Parameter> seen) {
        for (Parameter p : params.values()) {
            if (seen.add(p)) {
                out.put(p.name(), p);
            }
        }
        for (Module c : children.values()) {
            c.collect(out, seen);
        }
    }

    /**
     * Every parameter of this module and its descendants, in {@link #namedParameters()} order.
     *
     * @return a new list
     */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * The total number of trainable scalars.
     *
     * @return the sum of {@link Parameter#size()} over {@link #parameters()}
     */
    public final int parameterCount() {
        int n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    /** Zeroes the gradient of every parameter ({@link Parameter#zeroGrad()}). */
    public final void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /**
     * This module's hierarchical path, such as {@code "encoder.0"}; empty for a root module.
     *
     * @return the path
     */
    public final String path() {
        return path;
    }

    /**
     * A short description for messages: the class name, and the path when attached.
     *
     * @return for example {@code "'encoder.0' (Linear 2->50)"}
     */
    public final String describe() {
        String kind = kind();
        return path.isEmpty() ? kind : "'" + path + "' (" + kind + ")";
    }

    /**
     * The kind of module for messages; subclasses may add their sizes.
     *
     * @return by default the simple class name, for example {@code "Linear 2->50"} for a linear layer
     */
    protected String kind() {
        return getClass().getSimpleName();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        toString(sb, "");
        return sb.toString();
    }

    private void toString(StringBuilder sb, String indent) {
        sb.append(getClass().getSimpleName());
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            DMatrixRMaj v = e.getValue().value();
            sb.append('\n').append(indent).append("  ").append(e.getKey()).append(": ")
                    .append(v.numRows).append('x').append(v.numCols);
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            sb.append('\n').append(indent).append("  (").append(e.getKey()).append("): ");
            e.getValue().toString(sb, indent + "  ");
        }
    }
}
