package dev.neuralode.models.ode;

import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.solvers.SolverOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A second-order neural ODE for physical systems, {@code d²x/dt² = a(t, x, v)} with
 * {@code v = dx/dt}, integrated as the first-order system on {@code [x, v]}:
 * {@code dx/dt = v}, {@code dv/dt = a_θ(t, [x, v])} (the acceleration network sees position and
 * velocity; Norcliffe et al., "On Second Order Behaviour in Augmented Neural ODEs", NeurIPS 2020).
 * The kinematic part is exact, so the network only learns forces. Child: {@code ode} (its
 * function's network is {@code ode.func.accel}).
 */
public final class SecondOrderNeuralOde extends Layer {

    private final int dim;
    private final OdeBlock ode;

    /**
     * Creates the model.
     *
     * @param dim          d, the number of position coordinates
     * @param acceleration the network {@code 2d → d} giving {@code a(t, [x, v])}
     * @param t0           the start time
     * @param t1           the end time of {@link #forward(Tensor)}
     * @param options      the solver options
     * @param method       the gradient method
     */
    public SecondOrderNeuralOde(int dim, Layer acceleration, double t0, double t1, SolverOptions options,
            GradientMethod method) {
        this.dim = dim;
        this.ode = registerModule("ode", new OdeBlock(new Dynamics2(dim, acceleration), t0, t1, options, method));
    }

    /**
     * Integrates the state {@code [x, v]} from t0 to t1.
     *
     * @param state {@code batch × 2d}, positions then velocities
     * @return {@code [x(t1), v(t1)]}
     */
    @Override
    public Tensor forward(Tensor state) {
        checkInput(state, 2 * dim);
        return ode.forward(state);
    }

    /**
     * The positions at several times.
     *
     * @param x0    initial positions, {@code batch × d}
     * @param v0    initial velocities, {@code batch × d}
     * @param times output times, {@code times[0]} the initial time
     * @return one {@code batch × d} position tensor per time
     */
    public List<Tensor> positions(Tensor x0, Tensor v0, double[] times) {
        OdeSolveResult r = ode.trajectory(Tensor.concatCols(x0, v0), times);
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            out.add(r.at(i).sliceCols(0, dim));
        }
        return out;
    }

    /**
     * The ODE block on {@code [x, v]}.
     *
     * @return the block
     */
    public OdeBlock ode() {
        return ode;
    }

    /**
     * The dynamics' evaluation count.
     *
     * @return the count
     */
    public long nfe() {
        return ode.nfe();
    }

    /** {@code d[x, v]/dt = [v, a(t, [x, v])]}. */
    private static final class Dynamics2 extends OdeFunction {
        private final int dim;
        private final Layer accel;

        Dynamics2(int dim, Layer accel) {
            this.dim = dim;
            this.accel = registerModule("accel", accel);
        }

        @Override
        protected Tensor evaluate(Tensor t, Tensor h) {
            Tensor v = h.sliceCols(dim, 2 * dim);
            return Tensor.concatCols(v, accel.forward(t, h));
        }
    }
}
