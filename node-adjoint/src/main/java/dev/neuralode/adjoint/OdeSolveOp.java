package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Op;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * The ODE-solve op: inputs {@code [y0 (batch×dim), times (1×m or m×1), θ_1, ..., θ_k]}, output
 * the states at the times stacked ({@code m·batch × dim}). One instance per application.
 */
final class OdeSolveOp implements Op {

    private final TapeOdeSystem system;
    private final GradientMethod method;
    private final SolverOptions options;
    private final boolean keep;
    private ForwardPass pass;
    private SolverStats forwardStats = SolverStats.ZERO;
    private BackwardResult last;

    OdeSolveOp(TapeOdeSystem system, GradientMethod method, SolverOptions options, boolean keep) {
        this.system = system;
        this.method = method;
        this.options = options;
        this.keep = keep;
    }

    @Override
    public String name() {
        return "odesolve[" + method.name() + "]";
    }

    @Override
    public DMatrixRMaj forward(DMatrixRMaj[] inputs) {
        int batch = system.batch();
        int dim = system.stateColumns();
        double[] y0 = java.util.Arrays.copyOf(inputs[0].data, batch * dim);
        double[] times = java.util.Arrays.copyOf(inputs[1].data, inputs[1].getNumElements());
        int m = times.length;
        // the output value comes from the tape's arena and the solve writes straight into it
        DMatrixRMaj out = Op.newValue(m * batch, dim);
        if (m == 1) {
            pass = new SinglePass(y0, system.parameterCount());
            System.arraycopy(y0, 0, out.data, 0, y0.length);
        } else {
            pass = method.forward(system, y0, times, options, keep, out.data);
        }
        forwardStats = pass.stats();
        return out;
    }

    @Override
    public Tensor[] backward(Tensor gradOutput, Tensor[] inputs, Tensor output, boolean[] needsGrad) {
        system.checkParameterShapes("backward pass of " + name());
        BackwardResult r = pass.backward(gradOutput.value().data);
        last = r;
        Tape tape = gradOutput.tape();
        Tensor[] grads = new Tensor[inputs.length];
        if (needsGrad[0]) {
            grads[0] = tape.constant(DMatrixRMaj.wrap(inputs[0].rows(), inputs[0].cols(), r.dy0()));
        }
        if (needsGrad[1]) {
            grads[1] = tape.constant(DMatrixRMaj.wrap(inputs[1].rows(), inputs[1].cols(), r.dtimes()));
        }
        List<Parameter> ps = system.parameters();
        if (r.dtheta().length != system.parameterCount()) {
            throw new IllegalStateException(name() + ": the gradient method returned " + r.dtheta().length
                    + " parameter gradients for " + system.parameterCount() + " parameters");
        }
        int off = 0;
        for (int i = 0; i < ps.size(); i++) {
            Tensor in = inputs[2 + i];
            Parameter p = ps.get(i);
            int size = in.rows() * in.cols();
            if (in.size() != p.size() || in.value() != p.value()) {
                throw new IllegalArgumentException(name() + ": parameter '" + p.name() + "' has shape "
                        + p.value().numRows + "x" + p.value().numCols + " but its leaf on the tape has shape "
                        + in.shapeString());
            }
            if (needsGrad[2 + i]) {
                double[] chunk = java.util.Arrays.copyOfRange(r.dtheta(), off, off + size);
                grads[2 + i] = tape.constant(DMatrixRMaj.wrap(in.rows(), in.cols(), chunk));
            }
            off += size;
        }
        return grads;
    }

    GradientStats stats() {
        BackwardResult r = last;
        long stored = pass == null ? 0 : pass.storedDoubles();
        if (r == null) {
            return new GradientStats(method.name(), forwardStats.functionEvaluations(),
                    forwardStats.acceptedSteps(), 0, 0, false, Double.NaN, Double.NaN, stored, stored);
        }
        return new GradientStats(method.name(), forwardStats.functionEvaluations(), forwardStats.acceptedSteps(),
                r.stats().functionEvaluations(), r.stats().acceptedSteps(), true, r.reconstructionError(),
                r.relativeReconstructionError(),
                stored, Math.max(stored, r.peakStoredDoubles()));
    }

    /** The trivial solve with one output time: the output is y0. */
    private static final class SinglePass implements ForwardPass {
        private final double[] y0;
        private final int p;

        SinglePass(double[] y0, int p) {
            this.y0 = y0;
            this.p = p;
        }

        @Override
        public double[] states() {
            return y0;
        }

        @Override
        public SolverStats stats() {
            return SolverStats.ZERO;
        }

        @Override
        public long storedDoubles() {
            return y0.length;
        }

        @Override
        public BackwardResult backward(double[] g) {
            return new BackwardResult(java.util.Arrays.copyOf(g, y0.length), new double[p], new double[1],
                    SolverStats.ZERO, Double.NaN, Double.NaN, y0.length);
        }
    }
}
