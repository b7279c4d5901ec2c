package dev.neuralode.core;

/**
 * Thrown when the state or the derivative becomes NaN or infinite during a solve.
 *
 * <p>Besides the message, the exception carries what was non-finite ({@link #quantity()}), the
 * pass of a larger computation it happened in, if any ({@link #pass()}), the time, the step size,
 * the component and the value, so that callers act on fields instead of parsing the message. A
 * caller that runs a solve as one pass of its own (a gradient method's backward pass, say) names
 * that pass with {@link #inPass(String)}.
 */
public class NonFiniteStateException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final String pass;
    private final String quantity;
    private final int component;
    private final double value;

    /**
     * Creates the exception with a message naming what became non-finite, where and when:
     * {@code "<quantity> is not finite at t=<time>: component <c> = <value> (step size h=<h>)"}.
     *
     * @param quantity  what was non-finite, for example {@code "derivative"}, {@code "state"} or
     *                  {@code "adjoint state a[3]"}
     * @param time      the time at which it was detected
     * @param stepSize  the step size in use, or {@code NaN}
     * @param component the offending component index
     * @param value     the offending value (NaN or ±infinity)
     */
    public NonFiniteStateException(String quantity, double time, double stepSize, int component,
                                   double value) {
        this(null, quantity, time, stepSize, component, value);
    }

    /**
     * Creates the exception for a solve that is one pass of a larger computation; the message is
     * {@code "<pass>: <quantity> is not finite at t=<time>: component <c> = <value> (step size h=<h>)"}.
     *
     * @param pass      the pass, for example {@code "backward pass of the backsolve adjoint"}, or
     *                  {@code null} for none
     * @param quantity  what was non-finite
     * @param time      the time at which it was detected
     * @param stepSize  the step size in use, or {@code NaN}
     * @param component the offending component index
     * @param value     the offending value (NaN or ±infinity)
     */
    public NonFiniteStateException(String pass, String quantity, double time, double stepSize, int component,
                                   double value) {
        super((pass == null ? "" : pass + ": ") + quantity + " is not finite at t=" + time + ": component "
                + component + " = " + value + (Double.isNaN(stepSize) ? "" : " (step size h=" + stepSize + ")"),
                time, stepSize);
        this.pass = pass;
        this.quantity = quantity;
        this.component = component;
        this.value = value;
    }

    /**
     * A copy of this exception that names the pass it happened in (this exception is its cause);
     * this exception itself if it already names one.
     *
     * @param pass the pass, for example {@code "forward pass of the ODE solve"}
     * @return the exception to throw
     */
    public NonFiniteStateException inPass(String pass) {
        if (this.pass != null) {
            return this;
        }
        NonFiniteStateException r = new NonFiniteStateException(pass, quantity, time(), stepSize(), component,
                value);
        r.initCause(this);
        return r;
    }

    /**
     * What was non-finite.
     *
     * @return for example {@code "derivative"}, {@code "state"} or {@code "adjoint state a[3]"}
     */
    public String quantity() {
        return quantity;
    }

    /**
     * The pass of a larger computation the solve was, if named.
     *
     * @return the pass, or {@code null}
     */
    public String pass() {
        return pass;
    }

    /**
     * The offending component.
     *
     * @return the index of the first non-finite component
     */
    public int component() {
        return component;
    }

    /**
     * The offending value.
     *
     * @return NaN or an infinity
     */
    public double value() {
        return value;
    }

    /**
     * Returns the index of the first non-finite element of {@code v}, or -1 if all are finite.
     *
     * @param v the values. Not modified.
     * @return the first index {@code i} with {@code !Double.isFinite(v[i])}, or -1
     */
    public static int firstNonFinite(double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                return i;
            }
        }
        return -1;
    }
}
