package dev.neuralode.core;

/**
 * Thrown when the state or the derivative becomes NaN or infinite during a solve.
 */
public class NonFiniteStateException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final int component;
    private final double value;

    /**
     * Creates the exception with a message naming what became non-finite, where and when.
     *
     * @param what      what was non-finite, for example {@code "derivative"} or
     *                  {@code "adjoint state in the backward pass"}
     * @param time      the time at which it was detected
     * @param stepSize  the step size in use, or {@code NaN}
     * @param component the offending component index
     * @param value     the offending value (NaN or ±infinity)
     */
    public NonFiniteStateException(String what, double time, double stepSize, int component,
                                   double value) {
        super(what + " is not finite at t=" + time + ": component " + component + " = " + value
                + (Double.isNaN(stepSize) ? "" : " (step size h=" + stepSize + ")"),
                time, stepSize);
        this.component = component;
        this.value = value;
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
