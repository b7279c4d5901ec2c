package dev.neuralode.solvers.events;

import dev.neuralode.core.EventOccurrence;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import org.hipparchus.analysis.UnivariateFunction;
import org.hipparchus.analysis.solvers.BracketedUnivariateSolver;
import org.hipparchus.analysis.solvers.BracketingNthOrderBrentSolver;
import org.hipparchus.ode.ExpandableODE;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.ODEStateAndDerivative;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.events.Action;
import org.hipparchus.ode.events.AdaptableInterval;
import org.hipparchus.ode.events.ODEEventDetector;
import org.hipparchus.ode.events.ODEEventHandler;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Hipparchus 4.0.3 (DormandPrince853Integrator with its own event detectors and a Brent-type
 * bracketing solver) as an independent oracle on problems with several events and resets.
 */
class HipparchusOracleTest {

    /** One event of a test problem, described once and run by both libraries. */
    record Spec(EventFunction g, int direction, ResetFunction reset, boolean terminal) {
    }

    /** What both libraries report: time, event index, state before, state after. */
    record Hit(double t, int k, double[] before, double[] after) {
    }

    static final double C = 0.05;
    static final double G = 9.81;
    /** A ball with quadratic air drag: y = (height, velocity); no closed form. */
    static final OdeSystem DRAG = (t, y, d) -> {
        d[0] = y[1];
        d[1] = -G - C * y[1] * Math.abs(y[1]);
    };
    static final List<Spec> DRAG_EVENTS = List.of(
            new Spec((t, y) -> y[0], -1, (t, y) -> new double[] {0, -0.8 * y[1]}, false),   // bounce
            new Spec((t, y) -> y[1], -1, null, false),                                       // apex
            new Spec((t, y) -> y[0] - 3.0, 0, null, false));                                 // 3 m mark

    /**
     * A forced oscillator whose position jumps from 0.5 to -0.5 when rising through it (losing 10 %
     * of its speed), its turning points recorded, and a terminal event on {@code x + 0.3 t = 5}.
     */
    static final OdeSystem OSC = (t, y, d) -> {
        d[0] = y[1];
        d[1] = -y[0] + 0.1 * Math.sin(t);
    };
    static final List<Spec> OSC_EVENTS = List.of(
            new Spec((t, y) -> y[0] - 0.5, 1, (t, y) -> new double[] {-0.5, 0.9 * y[1]}, false),
            new Spec((t, y) -> y[1], 0, null, false),
            new Spec((t, y) -> y[0] + 0.3 * t - 5.0, 1, null, true));

    static List<Hit> ours(OdeSystem f, double[] y0, double t1, List<Spec> specs, String method) {
        List<Event> events = new ArrayList<>();
        for (Spec s : specs) {
            Event e = Event.when(s.g());
            e = s.direction() > 0 ? e.rising() : s.direction() < 0 ? e.falling() : e;
            if (s.reset() != null) {
                e = e.reset(s.reset());
            }
            events.add(s.terminal() ? e.terminal() : e);
        }
        OdeSolution sol = OdeSolvers.solve(f, y0, new double[] {0, t1},
                SolverOptions.builder().method(method).rtol(1e-11).atol(1e-13).events(events).build());
        List<Hit> hits = new ArrayList<>();
        for (EventOccurrence o : sol.events()) {
            hits.add(new Hit(o.time(), o.eventIndex(), o.stateBefore(), o.stateAfter()));
        }
        return hits;
    }

    static List<Hit> hipparchus(OdeSystem f, double[] y0, double t1, List<Spec> specs) {
        OrdinaryDifferentialEquation ode = new OrdinaryDifferentialEquation() {
            @Override
            public int getDimension() {
                return y0.length;
            }

            @Override
            public double[] computeDerivatives(double t, double[] y) {
                double[] d = new double[y.length];
                f.derivative(t, y, d);
                return d;
            }
        };
        DormandPrince853Integrator integ = new DormandPrince853Integrator(1e-12, 1.0, 1e-14, 1e-13);
        List<Hit> hits = new ArrayList<>();
        for (int k = 0; k < specs.size(); k++) {
            Spec s = specs.get(k);
            int index = k;
            ODEEventHandler handler = new ODEEventHandler() {
                @Override
                public Action eventOccurred(ODEStateAndDerivative st, ODEEventDetector d, boolean increasing) {
                    if (s.direction() != 0 && increasing != s.direction() > 0) {
                        return Action.CONTINUE;
                    }
                    double[] before = st.getPrimaryState();
                    double[] after = s.reset() == null ? before : s.reset().apply(st.getTime(), before);
                    hits.add(new Hit(st.getTime(), index, before, after));
                    return s.terminal() ? Action.STOP : s.reset() != null ? Action.RESET_STATE : Action.CONTINUE;
                }

                @Override
                public ODEState resetState(ODEEventDetector d, ODEStateAndDerivative st) {
                    return new ODEState(st.getTime(), s.reset().apply(st.getTime(), st.getPrimaryState()));
                }
            };
            BracketedUnivariateSolver<UnivariateFunction> solver = new BracketingNthOrderBrentSolver(1e-15, 1e-13, 1e-16, 5);
            integ.addEventDetector(new ODEEventDetector() {
                @Override
                public AdaptableInterval getMaxCheckInterval() {
                    return AdaptableInterval.of(0.05);
                }

                @Override
                public int getMaxIterationCount() {
                    return 200;
                }

                @Override
                public BracketedUnivariateSolver<UnivariateFunction> getSolver() {
                    return solver;
                }

                @Override
                public ODEEventHandler getHandler() {
                    return handler;
                }

                @Override
                public double g(ODEStateAndDerivative st) {
                    return s.g().value(st.getTime(), st.getPrimaryState());
                }
            });
        }
        integ.integrate(new ExpandableODE(ode), new ODEState(0, y0.clone()), t1);
        return hits;
    }

    static void compare(List<Hit> ours, List<Hit> ref, String what) {
        assertThat(ours).as("%s: number of events", what).hasSameSizeAs(ref);
        for (int i = 0; i < ref.size(); i++) {
            Hit a = ours.get(i);
            Hit b = ref.get(i);
            assertThat(a.k()).as("%s: event %d index", what, i).isEqualTo(b.k());
            assertThat(a.t()).as("%s: event %d time", what, i).isCloseTo(b.t(), within(1e-8));
            for (int c = 0; c < a.before().length; c++) {
                assertThat(a.before()[c]).as("%s: event %d state", what, i).isCloseTo(b.before()[c], within(1e-7));
                assertThat(a.after()[c]).as("%s: event %d reset state", what, i).isCloseTo(b.after()[c], within(1e-7));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "dopri8", "tsit5"})
    void ballWithDragAgreesWithHipparchus(String method) {
        double[] y0 = {10, 0};
        List<Hit> ref = hipparchus(DRAG, y0, 6, DRAG_EVENTS);
        List<Hit> mine = ours(DRAG, y0, 6, DRAG_EVENTS, method);
        assertThat(ref.size()).as("the problem has many events").isGreaterThan(8);
        compare(mine, ref, method + " drag ball");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "dopri8", "tsit5"})
    void oscillatorWithJumpsAndATerminalEventAgreesWithHipparchus(String method) {
        double[] y0 = {0, 1.2};
        List<Hit> ref = hipparchus(OSC, y0, 30, OSC_EVENTS);
        List<Hit> mine = ours(OSC, y0, 30, OSC_EVENTS, method);
        assertThat(ref.size()).isGreaterThan(10);
        assertThat(ref.get(ref.size() - 1).k()).as("ends with the terminal event").isEqualTo(2);
        compare(mine, ref, method + " oscillator");
    }
}
