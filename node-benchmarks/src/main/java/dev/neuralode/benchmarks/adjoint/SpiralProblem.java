package dev.neuralode.benchmarks.adjoint;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * The spiral model of the reference problem (torchdiffeq's ode_demo): {@code f(h) =
 * tanh(h³ W1 + b1) W2 + b2}, 2-50-2, weights N(0, 0.1); a batch of 20 initial states; 10 output
 * times on [0, 0.9]; loss the mean absolute error to fixed targets.
 */
public final class SpiralProblem implements Dynamics {

    final Parameter w1;
    final Parameter b1;
    final Parameter w2;
    final Parameter b2;
    final DMatrixRMaj y0;
    final DMatrixRMaj target;
    final double[] times;

    /** Creates the problem with fixed seeds (weights N(0, 0.1), output spacing 0.1). */
    public SpiralProblem() {
        this(0.1, 0.1);
    }

    /**
     * Creates the problem with fixed seeds.
     *
     * @param weightScale standard deviation of the weights
     * @param dt          spacing of the 10 output times
     */
    public SpiralProblem(double weightScale, double dt) {
        Random r = new Random(0);
        w1 = new Parameter("w1", gaussian(2, 50, weightScale, r));
        b1 = Parameter.zeros("b1", 1, 50);
        w2 = new Parameter("w2", gaussian(50, 2, weightScale, r));
        b2 = Parameter.zeros("b2", 1, 2);
        y0 = gaussian(20, 2, 1.0, r);
        target = gaussian(10 * 20, 2, 1.0, r);
        times = new double[10];
        for (int i = 0; i < 10; i++) {
            times[i] = dt * i;
        }
    }

    static DMatrixRMaj gaussian(int rows, int cols, double scale, Random r) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = scale * r.nextGaussian();
        }
        return m;
    }

    @Override
    public Tensor apply(Tensor t, Tensor h) {
        Tape tape = h.tape();
        return h.pow(3).matmul(tape.param(w1)).add(tape.param(b1)).tanh()
                .matmul(tape.param(w2)).add(tape.param(b2));
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(w1, b1, w2, b2);
    }

    /** Fixed-step rk4 options with {@code steps} steps over [0, 0.9]. */
    static SolverOptions rk4(int steps) {
        return SolverOptions.builder().method("rk4").stepSize(0.9 / steps).build();
    }

    /** One gradient: solve, loss, backward. Returns the solve result (for its statistics). */
    OdeSolveResult gradient(SolverOptions o, GradientMethod method) {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(this, tape.constant(y0), times, o, method);
        Tensor loss = r.stacked().sub(tape.constant(target)).abs().mean();
        tape.backward(loss);
        return r;
    }

    /** The loss without gradient. */
    double loss(SolverOptions o) {
        Tape tape = new Tape();
        try (Tape.Scope s = tape.noGrad()) {
            OdeSolveResult r = OdeSolve.solve(this, tape.constant(y0), times, o, GradientMethod.adjoint());
            return r.stacked().sub(tape.constant(target)).abs().mean().item();
        }
    }
}
