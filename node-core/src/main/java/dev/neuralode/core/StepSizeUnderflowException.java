package dev.neuralode.core;

/**
 * Thrown when an adaptive solver's step size becomes too small relative to the time, which
 * signals stiffness, a singularity, or a tolerance the method cannot meet in double precision.
 */
public class StepSizeUnderflowException extends OdeSolveException {

    private static final long serialVersionUID = 1L;

    private final int component;

    /**
     * Creates the exception with a message naming the time, the step and the component.
     *
     * @param time      the time reached
     * @param stepSize  the rejected step size
     * @param component the component with the largest error contribution, or -1 if unknown
     */
    public StepSizeUnderflowException(double time, double stepSize, int component) {
        super("step size underflow at t=" + time + ": h=" + stepSize
                + " is below the resolution of t"
                + (component >= 0 ? " (largest error in component " + component + ")" : "")
                + "; the problem may be stiff or singular there, or rtol/atol too tight",
                time, stepSize);
        this.component = component;
    }

    /**
     * The component with the largest weighted error on the last rejected step.
     *
     * @return the index, or -1 if unknown
     */
    public int component() {
        return component;
    }
}
