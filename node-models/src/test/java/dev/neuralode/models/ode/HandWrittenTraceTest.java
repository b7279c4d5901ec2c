package dev.neuralode.models.ode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.Dynamics;
import dev.neuralode.adjoint.GradientMethod;
import dev.neuralode.adjoint.OdeSolve;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.models.GradientChecks;
import dev.neuralode.models.loss.LossFunctions;
import dev.neuralode.models.nn.Layer;
import dev.neuralode.models.nn.Mlp;
import dev.neuralode.solvers.SolverOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 4: an exact-trace CNF written by hand, as a {@link Dynamics} that calls
 * {@code tape.gradients(..., createGraph = true, z)} inside {@code apply}, gives the same loss and
 * the same parameter gradients as the library's {@link ContinuousNormalizingFlow} with
 * {@link ContinuousNormalizingFlow.TraceEstimator#EXACT}, and both match central differences of
 * the loss. Before the fix the solver's forward pass evaluated the dynamics on a no-grad scratch
 * tape, where those gradients came back as zeros: the trace term vanished silently.
 */
class HandWrittenTraceTest {

    static final double[][] DATA = {{0.3, -0.2}, {-0.5, 0.4}, {0.1, 0.9}, {1.1, -0.7}};
    static final SolverOptions DOPRI = SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).build();

    /** {@code d[z, Δ]/dt = [f(t, z), -tr ∂f/∂z]}, the trace by one create-graph sweep per dimension. */
    static Dynamics handWritten(Layer net, List<Parameter> ps) {
        return new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                Tape tape = h.tape();
                Tensor z = h.sliceCols(0, 2);
                Tensor f = net.forward(t, z);
                Tensor tr = null;
                for (int i = 0; i < 2; i++) {
                    Tensor gi = tape.gradients(f.sliceCols(i, i + 1).sum(), null, true, z)[0];
                    tr = tr == null ? gi.sliceCols(i, i + 1) : tr.add(gi.sliceCols(i, i + 1));
                }
                return Tensor.concatCols(f, tr.neg());
            }

            @Override
            public List<Parameter> parameters() {
                return ps;
            }
        };
    }

    /** The negative mean log-likelihood of {@link #DATA} under the hand-written flow. */
    static Tensor handWrittenLoss(Tape tape, Dynamics f, GradientMethod m) {
        Tensor x = tape.constant(DATA);
        Tensor s0 = Tensor.concatCols(x, tape.full(x.rows(), 1, 0.0));
        Tensor s = OdeSolve.solve(f, s0, new double[]{0.0, 1.0}, DOPRI, m).at(1);
        return LossFunctions.standardNormalLogProb(s.sliceCols(0, 2)).sub(s.sliceCols(2, 3)).mean().neg();
    }

    static double[] grads(List<Parameter> ps) {
        double[] g = new double[ps.stream().mapToInt(Parameter::size).sum()];
        int k = 0;
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                g[k++] = p.grad().data[i];
            }
        }
        return g;
    }

    static double maxAbs(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void handWrittenExactTraceMatchesTheBuiltInFlowAndFiniteDifferences() {
        for (GradientMethod m : List.of(GradientMethod.direct(), GradientMethod.adjoint(),
                GradientMethod.checkpointed())) {
            Layer net = Mlp.builder(2).hidden(4).out(2).time(Mlp.TimeMode.CONCAT_SQUASH).seed(3).build();
            ContinuousNormalizingFlow flow = new ContinuousNormalizingFlow(2, net, 1.0, DOPRI, m,
                    ContinuousNormalizingFlow.TraceEstimator.EXACT);
            List<Parameter> ps = flow.parameters();
            Dynamics mine = handWritten(net, ps);

            flow.zeroGrad();
            double builtIn;
            try (Tape tape = new Tape()) {
                Tensor l = flow.logProb(tape.constant(DATA), new Random(0)).mean().neg();
                builtIn = l.item();
                tape.backward(l);
            }
            double[] gBuiltIn = grads(ps);

            flow.zeroGrad();
            double hand;
            try (Tape tape = new Tape()) {
                Tensor l = handWrittenLoss(tape, mine, m);
                hand = l.item();
                tape.backward(l);
            }
            double[] gHand = grads(ps);

            double[] fd = GradientChecks.centralDifferences(ps, 1e-5, () -> {
                try (Tape tape = new Tape()) {
                    return handWrittenLoss(tape, mine, m).item();
                }
            });
            double scale = 0;
            for (double d : fd) {
                scale = Math.max(scale, Math.abs(d));
            }
            System.out.printf("%s: loss built-in %.12f hand-written %.12f; max |g_hand - g_builtin| %.2e, "
                    + "max |g_hand - fd| %.2e (max |fd| %.3f)%n", m.name(), builtIn, hand, maxAbs(gHand, gBuiltIn),
                    maxAbs(gHand, fd), scale);
            assertThat(hand).as("loss, %s", m.name()).isCloseTo(builtIn, org.assertj.core.api.Assertions.within(1e-9));
            assertThat(maxAbs(gHand, gBuiltIn)).as("gradient vs built-in, %s", m.name()).isLessThan(1e-7 * scale);
            assertThat(maxAbs(gHand, fd)).as("gradient vs finite differences, %s", m.name()).isLessThan(1e-6 * scale);
        }
    }
}
