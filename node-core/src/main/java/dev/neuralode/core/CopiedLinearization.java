package dev.neuralode.core;

/**
 * The default {@link Linearization}: a copy of the point {@code (t, y)}; each product is one call
 * of {@link DifferentiableOdeSystem#vectorJacobianProduct} there (package-private).
 */
final class CopiedLinearization implements Linearization {

    private final DifferentiableOdeSystem system;
    private final double t;
    private double[] y;
    private double[] value;

    CopiedLinearization(DifferentiableOdeSystem system, double t, double[] y, double[] value) {
        this.system = system;
        this.t = t;
        this.y = y.clone();
        this.value = value.clone();
    }

    @Override
    public double[] value() {
        if (value == null) {
            throw new IllegalStateException("value: this linearization at t=" + t + " was released");
        }
        return value;
    }

    @Override
    public void vectorJacobianProduct(double[] a, double[] aDy, double[] aDtheta, double[] aDt) {
        if (y == null) {
            throw new IllegalStateException("vectorJacobianProduct: this linearization at t=" + t
                    + " was released");
        }
        system.vectorJacobianProduct(t, y, a, null, aDy, aDtheta, aDt);
    }

    @Override
    public void release() {
        y = null;
        value = null;
    }

    @Override
    public long sizeBytes() {
        return y == null ? 0 : 8L * (y.length + value.length + 1);
    }
}
