package dev.neuralode.solvers.events;

import dev.neuralode.core.EventOccurrence;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.DenseSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.step.StepInterpolator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EventsTest {

    static final double G = 9.81;
    static final double E = 0.9;
    static final double H = 10.0;
    /** Free fall: y = (height, velocity). */
    static final OdeSystem FALL = (t, y, d) -> {
        d[0] = y[1];
        d[1] = -G;
    };

    static Event bounce(double e) {
        return Event.when((t, y) -> y[0]).falling()
                .reset((t, y, yNew) -> {
                    yNew[0] = 0;
                    yNew[1] = -e * y[1];
                });
    }

    /** The apex: the velocity falls through zero (a recorded, continuing event). */
    static Event apex() {
        return Event.when((t, y) -> y[1]).falling();
    }

    /** Closed form: the k-th impact time (k = 1, 2, ...) of a ball dropped from h at rest. */
    static double impact(int k, double h, double e) {
        double v0 = Math.sqrt(2 * G * h);
        double t = v0 / G;
        for (int j = 1; j < k; j++) {
            t += 2 * Math.pow(e, j) * v0 / G;
        }
        return t;
    }

    static List<EventOccurrence> of(List<EventOccurrence> all, int index) {
        List<EventOccurrence> r = new ArrayList<>();
        for (EventOccurrence o : all) {
            if (o.eventIndex() == index) {
                r.add(o);
            }
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "dopri8", "tsit5", "rkf45", "cash_karp", "bosh3"})
    void twentyBouncesAndApexHeightsMatchTheClosedForm(String method) {
        double t20 = impact(20, H, E);
        Event stop = Event.when((t, y) -> t - (t20 + 0.75 * (impact(21, H, E) - t20))).terminal();
        OdeSolution sol = OdeSolvers.solve(FALL, new double[] {H, 0}, new double[] {0, 100},
                SolverOptions.builder().method(method).rtol(1e-10).atol(1e-12)
                        .events(bounce(E), apex(), stop).build());
        List<EventOccurrence> bounces = of(sol.events(), 0);
        List<EventOccurrence> apexes = of(sol.events(), 1);
        assertThat(bounces).hasSize(20);
        for (int k = 1; k <= 20; k++) {
            EventOccurrence b = bounces.get(k - 1);
            assertThat(b.time()).as("%s bounce %d", method, k).isCloseTo(impact(k, H, E), within(1e-10));
            double vIn = Math.pow(E, k - 1) * Math.sqrt(2 * G * H);
            assertThat(b.stateBefore()[1]).isCloseTo(-vIn, within(1e-8));
            assertThat(b.stateAfter()[1]).isCloseTo(E * vIn, within(1e-8));
            assertThat(b.stateAfter()[0]).isEqualTo(0.0);
        }
        assertThat(apexes).hasSize(20);            // after each bounce; none at t0 (v = 0 there)
        for (int k = 1; k <= 20; k++) {
            assertThat(apexes.get(k - 1).stateBefore()[0]).as("%s apex %d", method, k)
                    .isCloseTo(Math.pow(E, 2 * k) * H, within(1e-9));
        }
        assertThat(sol.terminated()).isTrue();
        assertThat(sol.times()).hasSize(2);
    }

    @Test
    void everyRegisteredMethodLocatesBouncesInEveryOutputMode() {
        for (String name : OdeSolvers.methods()) {
            boolean fixed = !OdeSolvers.method(name).isAdaptive();
            SolverOptions.Builder b = SolverOptions.builder().method(name).rtol(1e-9).atol(1e-11)
                    .events(bounce(E));
            if (fixed) {
                b.stepSize(1e-3);
            }
            SolverOptions o = b.build();
            double tol = name.equals("euler") ? 1e-2 : 1e-7;     // euler: global error O(h), h = 1e-3
            double[] times = {0, 1, 2, 3, 4, 5, 6, 7};
            OdeSolution sol = OdeSolvers.solve(FALL, new double[] {H, 0}, times, o);
            List<EventOccurrence> ev = sol.events();
            assertThat(ev).as(name).hasSizeGreaterThanOrEqualTo(3);
            for (int k = 1; k <= 3; k++) {
                assertThat(ev.get(k - 1).time()).as("%s bounce %d", name, k).isCloseTo(impact(k, H, E), within(tol));
            }
            // requested outputs on the piecewise parabola
            for (int i = 0; i < times.length; i++) {
                assertThat(sol.state(i)[0]).as("%s y(%s)", name, times[i])
                        .isCloseTo(exactHeight(times[i]), within(name.equals("euler") ? 0.15 : 1e-6));
            }
            // dense output, across the resets
            DenseSolution d = OdeSolvers.solveDense(FALL, new double[] {H, 0}, 0, 7, o);
            assertThat(d.events()).hasSameSizeAs(ev);
            for (double t = 0.05; t < 7; t += 0.37) {
                assertThat(d.evaluate(t)[0]).as("%s dense y(%s)", name, t)
                        .isCloseTo(exactHeight(t), within(name.equals("euler") ? 0.15 : 1e-6));
            }
            // step handlers see the cut steps and the restart
            List<double[]> steps = new ArrayList<>();
            OdeSolvers.solve(FALL, new double[] {H, 0}, times, o, step -> {
                steps.add(new double[] {step.startTime(), step.endTime(), step.afterJump() ? 1 : 0,
                        step.endState()[0]});
                return true;
            });
            int cuts = 0;
            for (int i = 0; i + 1 < steps.size(); i++) {
                for (EventOccurrence e : ev) {
                    if (steps.get(i)[1] == e.time()) {
                        cuts++;
                        assertThat(steps.get(i + 1)[0]).isEqualTo(e.time());
                        assertThat(steps.get(i + 1)[2]).as("%s: the step after a reset restarts", name).isEqualTo(1.0);
                        assertThat(Math.abs(steps.get(i)[3])).isLessThan(1e-6);
                    }
                }
            }
            assertThat(cuts).as(name).isEqualTo(ev.size());
        }
    }

    @Test
    void everyRegisteredMethodStopsAtATerminalEventInEveryOutputMode() {
        double tStar = Math.sqrt(2 * 5.0 / G);                // the ball passes 5 m
        Event half = Event.when((t, y) -> y[0] - 5.0).falling().terminal();
        for (String name : OdeSolvers.methods()) {
            SolverOptions.Builder b = SolverOptions.builder().method(name).rtol(1e-9).atol(1e-11).events(half);
            if (!OdeSolvers.method(name).isAdaptive()) {
                b.stepSize(1e-3);
            }
            SolverOptions o = b.build();
            double tol = name.equals("euler") ? 1e-2 : 1e-8;
            OdeSolution sol = OdeSolvers.solve(FALL, new double[] {H, 0}, new double[] {0, 0.5, 1.5, 2}, o);
            assertThat(sol.terminated()).as(name).isTrue();
            assertThat(sol.size()).as(name).isEqualTo(3);
            assertThat(sol.times()[2]).as(name).isCloseTo(tStar, within(tol));
            assertThat(sol.state(2)[0]).as(name).isCloseTo(5.0, within(name.equals("euler") ? 1e-6 : 1e-8));
            DenseSolution d = OdeSolvers.solveDense(FALL, new double[] {H, 0}, 0, 2, o);
            assertThat(d.terminated()).isTrue();
            assertThat(d.t1()).as(name).isEqualTo(sol.times()[2]);
            double[] last = new double[1];
            OdeSolvers.solve(FALL, new double[] {H, 0}, new double[] {0, 2}, o, step -> {
                last[0] = step.endTime();
                return true;
            });
            assertThat(last[0]).as("%s: the last step a handler sees ends at the event", name)
                    .isEqualTo(sol.times()[2]);
        }
    }

    /** The height of the ball of twentyBounces (h = 10, e = 0.9) at t, from the closed form. */
    static double exactHeight(double t) {
        double v0 = Math.sqrt(2 * G * H);
        if (t <= impact(1, H, E)) {
            return H - 0.5 * G * t * t;
        }
        int k = 1;
        while (impact(k + 1, H, E) < t) {
            k++;
        }
        double s = t - impact(k, H, E);
        double v = Math.pow(E, k) * v0;
        return v * s - 0.5 * G * s * s;
    }

    @Test
    void aTerminalEventEndsTheSolutionAndSaysSo() {
        Event stop = Event.when((t, y) -> y[0] - 5.0).falling().terminal();
        double tStar = Math.sqrt(2 * 5.0 / G);
        OdeSolution sol = OdeSolvers.solve(FALL, new double[] {H, 0}, new double[] {0, 0.5, 1.0, 1.5, 2.0},
                SolverOptions.builder().rtol(1e-10).atol(1e-12).events(stop).build());
        assertThat(sol.terminated()).isTrue();
        assertThat(sol.times()).containsExactly(0, 0.5, 1.0, sol.times()[3]);
        assertThat(sol.times()[3]).isCloseTo(tStar, within(1e-11));
        assertThat(sol.state(3)[0]).isCloseTo(5.0, within(1e-10));
        assertThat(sol.terminalEvent()).get().extracting(EventOccurrence::eventIndex).isEqualTo(0);
        assertThat(sol.events()).hasSize(1);
        DenseSolution d = OdeSolvers.solveDense(FALL, new double[] {H, 0}, 0, 2,
                SolverOptions.builder().rtol(1e-10).atol(1e-12).events(stop).build());
        assertThat(d.terminated()).isTrue();
        assertThat(d.t1()).isEqualTo(sol.times()[3]);
        assertThat(d.evaluate(d.t1())[0]).isCloseTo(5.0, within(1e-10));
        assertThatThrownBy(() -> d.evaluate(1.5)).isInstanceOf(IllegalArgumentException.class);
        // without events the solution says it was not terminated
        OdeSolution plain = OdeSolvers.solve(FALL, new double[] {H, 0}, new double[] {0, 1},
                SolverOptions.defaults());
        assertThat(plain.terminated()).isFalse();
        assertThat(plain.events()).isEmpty();
        assertThat(plain.terminalEvent()).isEmpty();
    }

    /** dy/dt = 1 from 0: the step size grows tenfold per step, so late steps are long. */
    static final OdeSystem CLOCK = (t, y, d) -> d[0] = 1.0;

    @Test
    void twoCrossingsInOneLongStepAreFoundWithAMaxCheckIntervalAndMissedWithout() {
        EventFunction twoRoots = (t, y) -> (y[0] - 3.0) * (y[0] - 3.001);
        List<double[]> steps = new ArrayList<>();
        OdeSolution sol = OdeSolvers.solve(CLOCK, new double[] {0}, new double[] {0, 10},
                SolverOptions.builder().events(Event.when(twoRoots).maxCheckInterval(1e-4)).build(),
                step -> steps.add(new double[] {step.startTime(), step.endTime()}));
        assertThat(sol.events()).hasSize(2);
        assertThat(sol.events().get(0).time()).isCloseTo(3.0, within(1e-11));
        assertThat(sol.events().get(1).time()).isCloseTo(3.001, within(1e-11));
        boolean oneStep = false;
        for (double[] s : steps) {
            oneStep |= s[0] < 3.0 && s[1] > 3.001;
        }
        assertThat(oneStep).as("both crossings inside one accepted step").isTrue();
        OdeSolution blind = OdeSolvers.solve(CLOCK, new double[] {0}, new double[] {0, 10},
                SolverOptions.builder().events(Event.when(twoRoots)).build());
        assertThat(blind.events()).as("checks at the step ends only").isEmpty();
    }

    @Test
    void severalEventsInOneStepComeInTimeOrder() {
        Event a = Event.when((t, y) -> y[0] - 0.3);
        Event b = Event.when((t, y) -> y[0] - 0.1).rising();
        Event c = Event.when((t, y) -> y[0] - 0.2).falling();     // never: y rises
        Event d = Event.when((t, y) -> y[0] - 0.25);
        OdeSolution sol = OdeSolvers.solve(CLOCK, new double[] {0}, new double[] {0, 1},
                SolverOptions.builder().firstStep(0.9).events(a, b, c, d).build());
        assertThat(sol.stats().acceptedSteps()).as("one step over all crossings").isEqualTo(2);
        assertThat(sol.events()).extracting(EventOccurrence::eventIndex).containsExactly(1, 3, 0);
        assertThat(times(sol)).containsExactly(new double[] {0.1, 0.25, 0.3}, within(1e-12));
    }

    static double[] times(OdeSolution sol) {
        return sol.events().stream().mapToDouble(EventOccurrence::time).toArray();
    }

    @Test
    void eventsAtTheSameTimeAreAllRecordedBeforeTheOneThatStops() {
        Event stop = Event.when((t, y) -> y[0] - 0.5).terminal();
        Event mark = Event.when((t, y) -> y[0] - 0.5);
        OdeSolution sol = OdeSolvers.solve(CLOCK, new double[] {0}, new double[] {0, 1},
                SolverOptions.builder().events(stop, mark).build());
        assertThat(sol.events()).extracting(EventOccurrence::eventIndex).containsExactly(1, 0);
        assertThat(sol.events().get(0).time()).isEqualTo(sol.events().get(1).time());
        assertThat(sol.terminated()).isTrue();
    }

    @Test
    void noTriggerAtTheInitialTimeNorRightAfterAReset() {
        // starts on the floor going up: g = 0 at t0 does not count; the landing does
        Event either = Event.when((t, y) -> y[0]).reset((t, y, yNew) -> yNew[1] = -E * y[1]);  // y[0] not zeroed
        double v0 = 5.0;
        OdeSolution sol = OdeSolvers.solve(FALL, new double[] {0, v0}, new double[] {0, 2.5},
                SolverOptions.builder().rtol(1e-10).atol(1e-12).events(either).build());
        double t1 = 2 * v0 / G;
        double t2 = t1 + 2 * E * v0 / G;
        assertThat(times(sol)).containsExactly(new double[] {t1, t2}, within(1e-10));
    }

    @Test
    void theStepAfterAResetStartsWithAFreshEvaluationAtTheResetState() {
        List<double[]> calls = new ArrayList<>();
        OdeSystem f = (t, y, d) -> {
            calls.add(new double[] {t, y[0], y[1]});
            FALL.derivative(t, y, d);
        };
        OdeSolution sol = OdeSolvers.solve(f, new double[] {H, 0}, new double[] {0, 2},
                SolverOptions.builder().method("dopri5").events(bounce(E)).build());
        EventOccurrence b = sol.events().get(0);
        boolean fresh = false;
        for (double[] c : calls) {
            fresh |= c[0] == b.time() && c[1] == 0.0 && c[2] == b.stateAfter()[1];
        }
        assertThat(fresh).as("f evaluated at (t*, y+)").isTrue();
    }

    @Test
    void eventsWorkBackwardsInTime() {
        OdeSystem down = (t, y, d) -> d[0] = -1.0;      // y(t) = 1 + (2 - t) going back from t = 2
        OdeSolution sol = OdeSolvers.solve(down, new double[] {1}, new double[] {2, 0},
                SolverOptions.builder().events(Event.when((t, y) -> y[0] - 1.5).rising().terminal(),
                        Event.when((t, y) -> y[0] - 1.2).falling()).build());
        assertThat(sol.terminated()).isTrue();
        assertThat(sol.times()[sol.size() - 1]).isCloseTo(1.5, within(1e-12));
        assertThat(sol.events()).hasSize(1);
    }

    @Test
    void accumulatingEventsFailWithTheZenoError() {
        assertThatThrownBy(() -> OdeSolvers.solve(FALL, new double[] {1, 0}, new double[] {0, 10},
                SolverOptions.builder().events(bounce(0.5)).build()))
                .isInstanceOf(EventException.class)
                .hasMessageContaining("event 0").hasMessageContaining("Zeno")
                .hasMessageContaining("zenoLimit=100");
        assertThatThrownBy(() -> OdeSolvers.solve(FALL, new double[] {1, 0}, new double[] {0, 10},
                SolverOptions.builder().events(bounce(0.5).zenoLimit(5).named("floor")).build()))
                .isInstanceOf(EventException.class)
                .hasMessageContaining("event 0 'floor' accumulates (Zeno): 5 occurrences");
    }

    @Test
    void badEventsFailWithClearMessages() {
        SolverOptions.Builder b = SolverOptions.builder();
        double[] y0 = {H, 0};
        double[] ts = {0, 3};
        assertThatThrownBy(() -> OdeSolvers.solve(FALL, y0, ts, b.events(
                Event.when((t, y) -> y[0] < 5 ? Double.NaN : y[0])).build()))
                .isInstanceOf(EventException.class).hasMessageContaining("event 0: g(t, y) is not finite at t=")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> OdeSolvers.solve(FALL, y0, ts, b.events(apex(),
                Event.when((t, y) -> 0.0)).build()))
                .isInstanceOf(EventException.class).hasMessageContaining("event 1: g is identically zero");
        assertThatThrownBy(() -> OdeSolvers.solve(FALL, y0, ts, b.events(Event.when((t, y) -> y[0])
                .reset((t, y, yNew) -> yNew[2] = 0)).build()))
                .isInstanceOf(EventException.class).hasMessageContaining("wrote outside the state of 2 components");
        assertThatThrownBy(() -> OdeSolvers.solve(FALL, y0, ts, b.events(Event.when((t, y) -> y[0])
                .reset((t, y) -> new double[] {0, 1, 2})).build()))
                .isInstanceOf(EventException.class)
                .hasMessageContaining("returned a state of length 3, the state has 2 components");
        assertThatThrownBy(() -> OdeSolvers.solve(FALL, y0, ts, b.events(Event.when((t, y) -> y[0])
                .reset((t, y, yNew) -> yNew[1] = Double.POSITIVE_INFINITY)).build()))
                .isInstanceOf(EventException.class).hasMessageContaining("non-finite state: component 1 = Infinity");
        assertThatThrownBy(() -> Event.when(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be null");
        assertThatThrownBy(() -> apex().timeTolerance(-1)).hasMessageContaining("timeTolerance must be finite and > 0");
        assertThatThrownBy(() -> apex().maxCheckInterval(0)).hasMessageContaining("maxCheckInterval must be > 0");
        assertThatThrownBy(() -> apex().zenoLimit(1)).hasMessageContaining("zenoLimit must be >= 2");
        assertThatThrownBy(() -> apex().direction(null)).hasMessageContaining("RISING, FALLING, EITHER");
        assertThatThrownBy(() -> SolverOptions.builder().events(apex(), null))
                .hasMessageContaining("events[1] is null");
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "tsit5", "bosh3", "rk4"})
    void locatingEventsAllocatesNothingPerStep(String method) {
        OdeSystem osc = (t, y, d) -> {
            d[0] = y[1];
            d[1] = -y[0];
        };
        // the same 6 crossings (with resets) in both solves; the never-crossing event checks 10x per step
        Event flip = Event.when((t, y) -> y[0]).reset((t, y, yNew) -> yNew[1] = y[1]);
        Event never = Event.when((t, y) -> y[0] - 5).maxCheckInterval(1e-3);
        boolean fixed = method.equals("rk4");
        SolverOptions few = (fixed ? SolverOptions.builder().method(method).stepSize(1e-2)
                : SolverOptions.builder().method(method).rtol(1e-5).atol(1e-5)).events(flip, never).build();
        SolverOptions many = (fixed ? SolverOptions.builder().method(method).stepSize(1e-3)
                : SolverOptions.builder().method(method).rtol(1e-12).atol(1e-12)).events(flip, never).build();
        double[] y0 = {1, 0};
        double[] times = {0, 19};
        for (int i = 0; i < 5; i++) {
            OdeSolvers.solve(osc, y0, times, few);
            OdeSolvers.solve(osc, y0, times, many);
        }
        long a0 = allocatedBytes();
        OdeSolution s1 = OdeSolvers.solve(osc, y0, times, few);
        long a1 = allocatedBytes();
        OdeSolution s2 = OdeSolvers.solve(osc, y0, times, many);
        long a2 = allocatedBytes();
        assertThat(s1.events()).hasSize(6);
        assertThat(s2.events()).hasSize(6);
        long extraSteps = s2.stats().totalSteps() - s1.stats().totalSteps();
        assertThat(extraSteps).as("%s extra steps", method).isGreaterThan(200);
        assertThat((a2 - a1) - (a1 - a0)).as("%s bytes for %d extra steps", method, extraSteps)
                .isLessThan(extraSteps / 2);
    }

    @Test
    void eventsKeepTheStepsOfTheSolveWhenTheyOnlyRecord() {
        SolverOptions plain = SolverOptions.builder().rtol(1e-8).build();
        OdeSystem osc = (t, y, d) -> {
            d[0] = y[1];
            d[1] = -y[0];
        };
        OdeSolution a = OdeSolvers.solve(osc, new double[] {1, 0}, new double[] {0, 20}, plain);
        OdeSolution b = OdeSolvers.solve(osc, new double[] {1, 0}, new double[] {0, 20},
                plain.toBuilder().events(Event.when((t, y) -> y[0])).build());
        assertThat(b.stats()).isEqualTo(a.stats());
        assertThat(b.state(1)).containsExactly(a.state(1));
        assertThat(b.events()).hasSize(6);                     // zeros of cos at (k + 1/2)π < 20
        for (int k = 0; k < 6; k++) {
            assertThat(b.events().get(k).time()).isCloseTo((k + 0.5) * Math.PI, within(1e-7));
        }
    }
}
