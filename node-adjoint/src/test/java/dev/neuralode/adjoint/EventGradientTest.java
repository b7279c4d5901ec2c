package dev.neuralode.adjoint;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.core.EventOccurrence;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.events.Event;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Event times and event states on the tape: gradients against the bouncing ball's closed form and
 * against central finite differences of plain node-solvers event solves.
 */
class EventGradientTest {

    static final SolverOptions TIGHT = SolverOptions.builder().method("dopri5").rtol(1e-11).atol(1e-12).build();

    static Parameter scalar(String name, double v) {
        return new Parameter(name, new DMatrixRMaj(1, 1, true, v));
    }

    /** y = (height, velocity): dh/dt = v, dv/dt = -G - c v|v|. */
    static Dynamics ball(Parameter gravity, Parameter drag) {
        return new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                Tape tape = h.tape();
                Tensor v = h.sliceCols(1, 2);
                Tensor acc = tape.param(gravity).neg();
                if (drag != null) {
                    acc = acc.sub(v.mul(v.abs()).mul(tape.param(drag)));
                }
                return Tensor.concatCols(v, acc);
            }

            @Override
            public List<Parameter> parameters() {
                return drag == null ? List.of(gravity) : List.of(gravity, drag);
            }
        };
    }

    static StateReset bounce(Parameter restitution, Parameter floor) {
        return (t, y) -> Tensor.concatCols(floor == null ? y.tape().scalar(0) : y.tape().param(floor),
                y.sliceCols(1, 2).mul(y.tape().param(restitution)).neg());
    }

    static List<GradientMethod> methods() {
        return List.of(GradientMethod.direct(), GradientMethod.adjoint(), GradientMethod.checkpointed());
    }

    @ParameterizedTest
    @MethodSource("methods")
    void bounceTimesAndSpeedsHaveTheClosedFormGradients(GradientMethod method) {
        double h = 10, gr = 9.81, e = 0.8;
        Parameter ph = scalar("h", h);
        Parameter pg = scalar("gravity", gr);
        Parameter pe = scalar("restitution", e);
        Tape tape = new Tape();
        Tensor y0 = Tensor.concatCols(tape.param(ph), tape.scalar(0));
        List<TapeEvent> ev = OdeEvents.solveChain(ball(pg, null), y0, tape.scalar(0), (t, y) -> y.sliceCols(0, 1),
                Event.Direction.FALLING, bounce(pe, null), 3, 100, TIGHT, method);
        // L = t_3 + 0.05 t_1 + 0.1 v_3⁻
        Tensor loss = ev.get(2).time().add(ev.get(0).time().scale(0.05))
                .add(ev.get(2).state().sliceCols(1, 2).scale(0.1));
        tape.backward(loss);
        double s = Math.sqrt(2 * h / gr);
        double s3 = 1 + 2 * (e + e * e);                  // t_k = s (1 + 2 Σ_{j<k} e^j)
        double v3 = -e * e * Math.sqrt(2 * gr * h);
        assertThat(ev.get(0).time().item()).isCloseTo(s, within(1e-10));
        assertThat(ev.get(2).time().item()).isCloseTo(s * s3, within(1e-9));
        assertThat(ev.get(2).state().get(0, 1)).isCloseTo(v3, within(1e-8));
        double dh = s3 * s / (2 * h) + 0.05 * s / (2 * h) + 0.1 * v3 / (2 * h);
        double dg = -s3 * s / (2 * gr) - 0.05 * s / (2 * gr) + 0.1 * v3 / (2 * gr);
        double de = s * 2 * (1 + 2 * e) + 0.1 * 2 * v3 / e;
        assertThat(ph.grad().get(0)).as("dL/dh").isCloseTo(dh, within(1e-6 * Math.abs(dh)));
        assertThat(pg.grad().get(0)).as("dL/dG").isCloseTo(dg, within(1e-6 * Math.abs(dg)));
        assertThat(pe.grad().get(0)).as("dL/de").isCloseTo(de, within(1e-6 * Math.abs(de)));
    }

    /** The loss of the finite-difference test, from plain event solves (no tape). */
    static double plainLoss(double c, double gr, double e, double floor, double y00, double y01) {
        OdeSystem f = (t, y, d) -> {
            d[0] = y[1];
            d[1] = -gr - c * y[1] * Math.abs(y[1]);
        };
        Event b = Event.when((t, y) -> y[0] - floor).falling().reset((t, y, yn) -> {
            yn[0] = floor;
            yn[1] = -e * y[1];
        });
        Event stop = Event.when((t, y) -> y[0] - floor).falling().terminal();
        OdeSolution first = OdeSolvers.solve(f, new double[] {y00, y01}, new double[] {0.3, 50},
                TIGHT.toBuilder().events(stop).build());
        EventOccurrence o1 = first.terminalEvent().orElseThrow();
        OdeSolution second = OdeSolvers.solve(f, new double[] {floor, -e * o1.stateBefore()[1]},
                new double[] {o1.time(), 50}, TIGHT.toBuilder().events(stop).build());
        EventOccurrence o2 = second.terminalEvent().orElseThrow();
        assertThat(b).isNotNull();
        return o2.time() + 0.3 * o2.stateBefore()[1] + 0.2 * o1.time() + 0.1 * o1.stateBefore()[1];
    }

    @ParameterizedTest
    @MethodSource("methods")
    void dragBallGradientsMatchFiniteDifferences(GradientMethod method) {
        double c = 0.04, gr = 9.5, e = 0.85, floor = 0.7, y00 = 6.0, y01 = 1.5;
        Parameter pc = scalar("drag", c);
        Parameter pg = scalar("gravity", gr);
        Parameter pe = scalar("restitution", e);
        Parameter pf = scalar("floor", floor);
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, 2, true, y00, y01));
        EventCondition g = new EventCondition() {
            @Override
            public Tensor apply(Tensor t, Tensor y) {
                return y.sliceCols(0, 1).sub(y.tape().param(pf));
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(pf);
            }
        };
        List<TapeEvent> ev = OdeEvents.solveChain(ball(pg, pc), y0, tape.scalar(0.3), g, Event.Direction.FALLING,
                bounce(pe, pf), 2, 50, TIGHT, method);
        Tensor loss = ev.get(1).time().add(ev.get(1).state().sliceCols(1, 2).scale(0.3))
                .add(ev.get(0).time().scale(0.2)).add(ev.get(0).state().sliceCols(1, 2).scale(0.1));
        assertThat(loss.item()).isCloseTo(plainLoss(c, gr, e, floor, y00, y01), within(1e-8));
        tape.backward(loss);
        double eps = 1e-5;
        double[] fd = {
            (plainLoss(c + eps, gr, e, floor, y00, y01) - plainLoss(c - eps, gr, e, floor, y00, y01)) / (2 * eps),
            (plainLoss(c, gr + eps, e, floor, y00, y01) - plainLoss(c, gr - eps, e, floor, y00, y01)) / (2 * eps),
            (plainLoss(c, gr, e + eps, floor, y00, y01) - plainLoss(c, gr, e - eps, floor, y00, y01)) / (2 * eps),
            (plainLoss(c, gr, e, floor + eps, y00, y01) - plainLoss(c, gr, e, floor - eps, y00, y01)) / (2 * eps),
            (plainLoss(c, gr, e, floor, y00 + eps, y01) - plainLoss(c, gr, e, floor, y00 - eps, y01)) / (2 * eps),
            (plainLoss(c, gr, e, floor, y00, y01 + eps) - plainLoss(c, gr, e, floor, y00, y01 - eps)) / (2 * eps)};
        double[] ours = {pc.grad().get(0), pg.grad().get(0), pe.grad().get(0), pf.grad().get(0),
            y0.grad().get(0, 0), y0.grad().get(0, 1)};
        String[] names = {"drag", "gravity", "restitution", "floor (event function and reset)", "y0[0]", "y0[1]"};
        for (int i = 0; i < fd.length; i++) {
            assertThat(ours[i]).as("%s dL/d%s", method, names[i])
                    .isCloseTo(fd[i], within(1e-5 * Math.max(1, Math.abs(fd[i]))));
        }
    }

    @Test
    void theEventTimeMovesWithTheStartTime() {
        // dy/dt = 1, g = y - 2: t* = t0 + 2 - y0, so dt*/dt0 = 1 and dt*/dy0 = -1
        Dynamics clock = new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                return h.tape().full(1, 1, 1.0);
            }

            @Override
            public List<Parameter> parameters() {
                return List.of();
            }
        };
        for (GradientMethod m : methods()) {
            Tape tape = new Tape();
            Tensor t0 = tape.variable(new DMatrixRMaj(1, 1, true, 0.5));
            Tensor y0 = tape.variable(new DMatrixRMaj(1, 1, true, 0.25));
            TapeEvent e = OdeEvents.solveUntil(clock, y0, t0, (t, y) -> y.sub(y.tape().scalar(2)),
                    Event.Direction.RISING, 10, TIGHT, m);
            assertThat(e.time().item()).isCloseTo(2.25, within(1e-12));
            tape.backward(e.time());
            assertThat(t0.grad().item()).as("%s dt*/dt0", m).isCloseTo(1.0, within(1e-9));
            assertThat(y0.grad().item()).as("%s dt*/dy0", m).isCloseTo(-1.0, within(1e-9));
        }
    }

    @Test
    void badInputIsRefused() {
        Parameter pg = scalar("gravity", 9.81);
        Tape tape = new Tape();
        Tensor y0 = tape.constant(1, 2, 1.0, 0.0);
        EventCondition floor = (t, y) -> y.sliceCols(0, 1);
        assertThatThrownBy(() -> OdeSolve.solve(ball(pg, null), y0, new double[] {0, 1},
                TIGHT.toBuilder().events(Event.when((t, y) -> y[0])).build(), GradientMethod.direct()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use OdeEvents.solveUntil");
        assertThatThrownBy(() -> OdeEvents.solveUntil(ball(pg, null), y0, tape.scalar(0), floor,
                Event.Direction.FALLING, 0.1, TIGHT, GradientMethod.direct()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no falling crossing of the event function in segment 0 between t=0.0 and tMax=0.1");
        assertThatThrownBy(() -> OdeEvents.solveUntil(ball(pg, null), tape.constant(2, 2, 1, 0, 1, 0), tape.scalar(0),
                floor, Event.Direction.FALLING, 5, TIGHT, GradientMethod.direct()))
                .hasMessageContaining("y0 must be 1xn (one trajectory) and t0 1x1, got y0 2x2");
        assertThatThrownBy(() -> OdeEvents.solveChain(ball(pg, null), y0, tape.scalar(0), floor,
                Event.Direction.FALLING, (t, y) -> y.sliceCols(0, 1), 2, 5, TIGHT, GradientMethod.direct()))
                .hasMessageContaining("the reset of segment 0 must return 1x2, got 1x1");
    }
}
