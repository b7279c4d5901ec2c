package dev.neuralode.solvers.composite;

import dev.neuralode.core.EventOccurrence;
import dev.neuralode.core.MaxStepsExceededException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.core.SolverStats;
import dev.neuralode.solvers.DenseSolution;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import dev.neuralode.solvers.events.Event;
import dev.neuralode.solvers.explicit.Tableaus;
import dev.neuralode.solvers.implicit.ImplicitMethods;
import dev.neuralode.solvers.step.Integrator;
import dev.neuralode.solvers.step.StepHandler;
import dev.neuralode.solvers.step.Stepper;
import dev.neuralode.solvers.step.Tolerance;
import dev.neuralode.solvers.testkit.MethodContract;
import dev.neuralode.solvers.testkit.TestProblems;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The switching method {@code auto} (tsit5 / rodas5p): on non-stiff problems it is tsit5 bit for bit;
 * on a problem stiff in part of the interval it switches there and back, against the exact solution;
 * every option works across the switches; the bad inputs of the factory. ROBER, HIRES, Van der Pol and
 * OREGO against the stored references are in {@code StiffProblemsTest}.
 */
class AutoSwitchTest {

    /** Lotka–Volterra, (α, β, γ, δ) = (1.5, 1, 3, 1), y(0) = (1, 1): periodic, not stiff. */
    static final OdeSystem LOTKA_VOLTERRA = (t, y, d) -> {
        d[0] = 1.5 * y[0] - y[0] * y[1];
        d[1] = -3 * y[1] + y[0] * y[1];
    };

    /** The stiffness of {@link #ON_OFF}: 1 outside [3, 7], up to 1 + 1e5 at t = 5. */
    static double lambda(double t) {
        double s = (t - 5) / 1.2;
        double s2 = s * s;
        return 1 + 1e5 * Math.exp(-s2 * s2 * s2);
    }

    /**
     * A Prothero–Robinson component whose stiffness turns on and off, {@code y0' = −λ(t)(y0 − cos t) − sin t},
     * next to a harmonic oscillator {@code y1' = y2, y2' = −y1}; from (1, 1, 0) the exact solution is
     * {@code (cos t, cos t, −sin t)}.
     */
    static final OdeSystem ON_OFF = (t, y, d) -> {
        d[0] = -lambda(t) * (y[0] - Math.cos(t)) - Math.sin(t);
        d[1] = y[2];
        d[2] = -y[1];
    };

    /** Van der Pol in the scaled form with ε = 1e-6 (μ = 1e3): stiff on the slow branches only. */
    static final OdeSystem VDP = (t, y, d) -> {
        d[0] = y[1];
        d[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / 1e-6;
    };

    private static SolverOptions.Builder opts(String method, double tol) {
        return SolverOptions.builder().method(method).rtol(tol).atol(tol * 1e-2).maxSteps(500_000);
    }

    private static double[] grid(double t0, double t1, int m) {
        double[] ts = new double[m];
        for (int i = 0; i < m; i++) {
            ts[i] = t0 + (t1 - t0) * i / (m - 1);
        }
        return ts;
    }

    @Test
    void onNonStiffProblemsItNeverSwitchesAndIsTsit5BitForBit() {
        record Case(OdeSystem f, double[] y0, double t1) { }
        List<Case> cases = List.of(new Case(LOTKA_VOLTERRA, new double[] {1, 1}, 15),
                new Case(TestProblems.ARENSTORF.system(), TestProblems.ARENSTORF.y0(), TestProblems.ARENSTORF_PERIOD),
                new Case(TestProblems.HARMONIC.system(), new double[] {1, 0}, -20));
        for (Case c : cases) {
            for (double tol : new double[] {1e-4, 1e-8}) {
                double[] times = grid(0, c.t1(), 57);
                OdeSolution a = OdeSolvers.solve(c.f(), c.y0(), times, opts("auto", tol).build());
                OdeSolution b = OdeSolvers.solve(c.f(), c.y0(), times, opts("tsit5", tol).build());
                for (int i = 0; i < times.length; i++) {
                    assertThat(a.state(i)).as("t=%s tol %s", times[i], tol).isEqualTo(b.state(i));
                }
                SolverStats sa = a.stats();
                SolverStats sb = b.stats();
                assertThat(sa.methodSwitches()).isZero();
                assertThat(sa.stiffSteps()).isZero();
                assertThat(sa.jacobianEvaluations()).isZero();
                assertThat(sa.functionEvaluations()).isEqualTo(sb.functionEvaluations());
                assertThat(sa.acceptedSteps()).isEqualTo(sb.acceptedSteps());
                assertThat(sa.rejectedSteps()).isEqualTo(sb.rejectedSteps());
                assertThat(sa.acceptedSteps()).isGreaterThan(20);
            }
        }
        // dense output and fixed steps too
        DenseSolution da = OdeSolvers.solveDense(LOTKA_VOLTERRA, new double[] {1, 1}, 0, 10, opts("auto", 1e-6).build());
        DenseSolution db = OdeSolvers.solveDense(LOTKA_VOLTERRA, new double[] {1, 1}, 0, 10, opts("tsit5", 1e-6).build());
        double[] ya = new double[2];
        double[] yb = new double[2];
        for (double t : grid(0, 10, 333)) {
            da.evaluate(t, ya);
            db.evaluate(t, yb);
            assertThat(ya).as("dense at t=%s", t).isEqualTo(yb);
        }
        double[] times = {0, 2, 5};
        assertThat(OdeSolvers.solve(LOTKA_VOLTERRA, new double[] {1, 1}, times,
                SolverOptions.builder().method("auto").stepSize(0.01).build()).state(2))
                .isEqualTo(OdeSolvers.solve(LOTKA_VOLTERRA, new double[] {1, 1}, times,
                        SolverOptions.builder().method("tsit5").stepSize(0.01).build()).state(2));
    }

    /** Runs auto through the driver directly, recording which method took each accepted step. */
    private static List<double[]> stepsOf(AutoSwitch m, OdeSystem f, double[] y0, double t1, SolverOptions o,
                                          long[] switches) {
        AutoSwitchStepper stepper = (AutoSwitchStepper) m.newStepper(f, y0.length);
        List<double[]> steps = new ArrayList<>();   // {start, end, |h|, stiff ? 1 : 0}
        StepHandler rec = step -> {
            steps.add(new double[] {step.startTime(), step.endTime(), Math.abs(step.stepSize()),
                stepper.lastStepStiff ? 1 : 0});
            return true;
        };
        Integrator in = new Integrator(stepper, o, OdeSolvers.tolerance(o, y0.length), rec);
        in.integrate(0, y0, t1);
        switches[0] = in.stats().methodSwitches();
        assertThat(in.stats().stiffSteps()).isEqualTo(steps.stream().filter(s -> s[3] == 1).count());
        return steps;
    }

    @Test
    void onAProblemStiffInTheMiddleItSwitchesThereAndBack() {
        double tol = 1e-7;
        double[] y0 = {1, 1, 0};
        double[] times = grid(0, 10, 41);
        OdeSolution a = OdeSolvers.solve(ON_OFF, y0, times, opts("auto", tol).build());
        OdeSolution e = OdeSolvers.solve(ON_OFF, y0, times, opts("tsit5", tol).build());
        for (int i = 0; i < times.length; i++) {
            double t = times[i];
            double[] exact = {Math.cos(t), Math.cos(t), -Math.sin(t)};
            for (int k = 0; k < 3; k++) {
                assertThat(Math.abs(a.state(i)[k] - exact[k])).as("auto at t=%s, component %d", t, k).isLessThan(2e-6);
            }
        }
        SolverStats st = a.stats();
        assertThat(st.methodSwitches()).as("%s", st).isEqualTo(2);
        assertThat(st.functionEvaluations()).as("auto %s vs tsit5 %s", st, e.stats())
                .isLessThan(e.stats().functionEvaluations() / 10);

        long[] sw = new long[1];
        List<double[]> steps = stepsOf(AutoSwitch.AUTO, ON_OFF, y0, 10, opts("auto", tol).build(), sw);
        assertThat(sw[0]).isEqualTo(2);
        double firstStiff = steps.stream().filter(s -> s[3] == 1).mapToDouble(s -> s[0]).min().orElseThrow();
        double lastStiff = steps.stream().filter(s -> s[3] == 1).mapToDouble(s -> s[1]).max().orElseThrow();
        // the stiff phase covers the stiff part (λ h > 3.5 for tsit5's steps) and ends after it
        assertThat(firstStiff).isBetween(2.5, 4.0);
        assertThat(lastStiff).isBetween(6.0, 8.0);
        for (double[] s : steps) {
            double mid = 0.5 * (s[0] + s[1]);
            if (s[3] == 0) {
                // tsit5's steps stay inside its stability region: h·λ below its limit (3.5) plus slack
                assertThat(s[2] * lambda(mid)).as("tsit5 step at t=%s", mid).isLessThan(5.0);
            }
        }
        // where λ ≈ 1e5 the stiff method's steps are hundreds of times tsit5's stable step
        double maxStiffStep = steps.stream().filter(s -> s[3] == 1 && s[0] > 4.5 && s[1] < 5.5)
                .mapToDouble(s -> s[2]).max().orElseThrow();
        assertThat(maxStiffStep * lambda(5)).isGreaterThan(300);
        // after the stiff part, tsit5 again
        assertThat(steps.get(steps.size() - 1)[3]).isZero();
    }

    @Test
    void onVanDerPolItSwitchesAtEachRelaxationJumpAndBack() {
        long[] sw = new long[1];
        List<double[]> steps = stepsOf(AutoSwitch.AUTO, VDP, new double[] {2, -2.0 / 3}, 3,
                opts("auto", 1e-6).atol(1e-6).build(), sw);
        assertThat(sw[0]).isGreaterThanOrEqualTo(4);
        long stiff = steps.stream().filter(s -> s[3] == 1).count();
        assertThat(stiff).isPositive().isLessThan(steps.size());
        // phases alternate: the method changes exactly sw[0] times along the steps
        int changes = 0;
        for (int i = 1; i < steps.size(); i++) {
            changes += steps.get(i)[3] != steps.get(i - 1)[3] ? 1 : 0;
        }
        assertThat(changes).isEqualTo((int) sw[0]);
    }

    @Test
    void everyOptionWorksAcrossTheSwitches() {
        double[] y0 = {2, -2.0 / 3};
        double[] times = grid(0, 3, 301);
        SolverOptions o = opts("auto", 1e-8).atol(1e-8).build();
        OdeSolution s = OdeSolvers.solve(VDP, y0, times, o);
        OdeSolution ref = OdeSolvers.solve(VDP, y0, times, opts("radau5", 1e-11).atol(1e-11).build());
        assertThat(s.stats().methodSwitches()).isGreaterThanOrEqualTo(4);
        DenseSolution d = OdeSolvers.solveDense(VDP, y0, 0, 3, o);
        assertThat(d.stats()).isEqualTo(s.stats());
        double[] y = new double[2];
        for (int i = 0; i < times.length; i++) {
            d.evaluate(times[i], y);
            // outputs at requested times come from the same interpolants as the dense solution
            assertThat(y[0]).isCloseTo(s.state(i)[0], org.assertj.core.data.Offset.offset(1e-12));
            // and follow the reference (Van der Pol's fast jumps make y1 sensitive; y0 stays within 1e-4)
            assertThat(Math.abs(s.state(i)[0] - ref.state(i)[0])).as("t=%s", times[i]).isLessThan(1e-4);
        }
        // dense output is continuous across every step boundary, switches included
        List<Double> ends = new ArrayList<>();
        OdeSolvers.solve(VDP, y0, new double[] {0, 3}, o, step -> ends.add(step.endTime()));
        double[] left = new double[2];
        double[] right = new double[2];
        for (double te : ends.subList(0, ends.size() - 1)) {
            d.evaluate(Math.nextDown(te), left);
            d.evaluate(Math.nextUp(te), right);
            assertThat(Math.abs(left[0] - right[0])).as("jump at %s", te).isLessThan(1e-9 * (1 + Math.abs(left[0])));
        }
        // events: the zero crossings of y0 against radau5's
        Event cross = Event.when((t, yy) -> yy[0]);
        OdeSolution ea = OdeSolvers.solve(VDP, y0, new double[] {0, 3}, o.toBuilder().events(cross).build());
        OdeSolution er = OdeSolvers.solve(VDP, y0, new double[] {0, 3},
                opts("radau5", 1e-11).atol(1e-11).events(cross).build());
        assertThat(ea.events()).hasSameSizeAs(er.events()).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < ea.events().size(); i++) {
            EventOccurrence x = ea.events().get(i);
            assertThat(x.time()).isCloseTo(er.events().get(i).time(), org.assertj.core.data.Offset.offset(1e-6));
        }
        // a terminal event and a stopping handler end the solve where they say
        OdeSolution term = OdeSolvers.solve(VDP, y0, new double[] {0, 3},
                o.toBuilder().events(Event.when((t, yy) -> t - 1.234).terminal()).build());
        assertThat(term.terminated()).isTrue();
        assertThat(term.times()[term.times().length - 1]).isCloseTo(1.234, org.assertj.core.data.Offset.offset(1e-10));
        int[] seen = new int[1];
        OdeSolution stop = OdeSolvers.solve(VDP, y0, new double[] {0, 3}, o, step -> ++seen[0] < 100);
        assertThat(seen[0]).isEqualTo(100);
        assertThat(stop.stats().acceptedSteps()).isEqualTo(100);
        // the step budget holds
        assertThatThrownBy(() -> OdeSolvers.solve(VDP, y0, new double[] {0, 3}, o.toBuilder().maxSteps(50).build()))
                .isInstanceOf(MaxStepsExceededException.class).hasMessageContaining("50");
        // jump and step times: hit exactly, the running method restarted
        OdeSolution j = OdeSolvers.solve(VDP, y0, new double[] {0, 3},
                o.toBuilder().jumpTimes(0.5, 1.5).stepTimes(2.5).build());
        assertThat(Math.abs(j.state(1)[0] - ref.state(times.length - 1)[0])).isLessThan(1e-4);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void allocatesNothingPerStepAcrossSwitches() {
        double[] y0 = {2, -2.0 / 3};
        SolverOptions few = opts("auto", 1e-4).atol(1e-4).build();
        SolverOptions many = opts("auto", 1e-8).atol(1e-8).build();
        double[] times = {0, 3};
        for (int i = 0; i < 5; i++) {
            OdeSolvers.solve(VDP, y0, times, few);
            OdeSolvers.solve(VDP, y0, times, many);
        }
        long a0 = allocatedBytes();
        OdeSolution s1 = OdeSolvers.solve(VDP, y0, times, few);
        long a1 = allocatedBytes();
        OdeSolution s2 = OdeSolvers.solve(VDP, y0, times, many);
        long a2 = allocatedBytes();
        long extra = s2.stats().totalSteps() - s1.stats().totalSteps();
        assertThat(extra).isGreaterThan(1000);
        assertThat(s2.stats().methodSwitches()).isGreaterThanOrEqualTo(4);
        assertThat((a2 - a1) - (a1 - a0)).as("bytes for %d extra steps, %s", extra, s2.stats())
                .isLessThan(extra / 2);
    }

    @Test
    void startingStiffItSwitchesToTheExplicitMethodOnANonStiffProblem() {
        AutoSwitch m = AutoSwitch.of("auto_stiff_first", Tableaus.TSIT5, ImplicitMethods.RODAS5P, 10, 3, 0.9, 0.9, 5,
                true);
        OdeSolution s = OdeSolvers.solve(LOTKA_VOLTERRA, new double[] {1, 1}, new double[] {0, 15},
                SolverOptions.builder().method(m).rtol(1e-8).atol(1e-10).build());
        OdeSolution r = OdeSolvers.solve(LOTKA_VOLTERRA, new double[] {1, 1}, new double[] {0, 15},
                SolverOptions.builder().method("dopri8").rtol(1e-12).atol(1e-14).build());
        assertThat(s.stats().methodSwitches()).isEqualTo(1);
        assertThat(s.stats().stiffSteps()).isEqualTo(m.maxNonstiffSteps());
        assertThat(Math.abs(s.state(1)[0] - r.state(1)[0])).isLessThan(1e-6);
    }

    @Test
    void aSolveThatKeepsSwitchingStaysStiff() {
        // thresholds that contradict each other on Lotka–Volterra (tsit5's steps look stiff above h·ρ = 0.035,
        // rodas5p's look non-stiff below 35): every phase lasts one step, shorter than 1 + 1; the third switch in
        // a row exceeds maxSuccessiveSwitches = 2, so auto goes to the stiff method and stays there
        AutoSwitch m = AutoSwitch.of("auto_nervous", Tableaus.TSIT5, ImplicitMethods.RODAS5P, 1, 1, 0.01, 10, 2,
                false);
        long[] sw = new long[1];
        List<double[]> steps = stepsOf(m, LOTKA_VOLTERRA, new double[] {1, 1}, 15, opts("auto", 1e-6).build(), sw);
        assertThat(sw[0]).isEqualTo(3);
        int last = 0;
        int changes = 0;
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i)[3] != steps.get(i - 1)[3]) {
                changes++;
                last = i;
            }
        }
        assertThat(changes).isEqualTo(3);
        // the two middle phases were one step each; from the third switch on, the stiff method only
        assertThat(steps.get(last - 1)[3]).isZero();
        assertThat(steps.get(last - 2)[3]).isEqualTo(1);
        assertThat(steps.subList(last, steps.size())).allSatisfy(st -> assertThat(st[3]).isEqualTo(1));
        assertThat(steps.size() - last).isGreaterThan(10);
    }

    @Test
    void theScaledStiffnessEstimateIsHTimesLambdaAndSeesRobertsonsSmallFastComponent() {
        // scalar y' = −λ y: the last two stages of tsit5 are both at t + h, so the ratio is exactly h·λ
        double lam = 250;
        Stepper st = Tableaus.TSIT5.newStepper((t, y, d) -> d[0] = -lam * y[0], 1);
        Tolerance tol = new Tolerance(1e-6, new double[] {1e-9}, dev.neuralode.solvers.ErrorNorm.RMS);
        st.reset(0, new double[] {1}, 0);
        st.attempt(0.01, 0.01, false);
        assertThat(st.stiffnessEstimate()).isCloseTo(0.01 * lam, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(st.stiffnessEstimate(tol)).isCloseTo(0.01 * lam, org.assertj.core.data.Offset.offset(1e-9));
        // unit weights (atol 1, rtol 1e-300: w = 1 exactly) give the unscaled estimate exactly
        Stepper lv = Tableaus.TSIT5.newStepper(LOTKA_VOLTERRA, 2);
        lv.reset(0, new double[] {1, 1}, 0);
        lv.attempt(0.1, 0.1, false);
        lv.accept();
        assertThat(lv.stiffnessEstimate(new Tolerance(1e-300, new double[] {1, 1}, dev.neuralode.solvers.ErrorNorm.RMS)))
                .isEqualTo(lv.stiffnessEstimate());
        // Robertson at rtol 1e-8: tsit5's steps are bounded by stability (nearly constant h) while the unscaled
        // ratio, dominated by y1 and y3, stays far below the limit; the scaled one sees y2's fast mode
        OdeSystem rober = (t, y, d) -> {
            d[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
            d[2] = 3e7 * y[1] * y[1];
            d[1] = -d[0] - d[2];
        };
        Stepper rs = Tableaus.TSIT5.newStepper(rober, 3);
        SolverOptions o = SolverOptions.builder().method("tsit5").rtol(1e-8).atol(1e-14).maxSteps(10_000).build();
        Tolerance rt = OdeSolvers.tolerance(o, 3);
        double[][] est = new double[3000][];
        int[] k = {0};
        StepHandler h = step -> {
            est[k[0]++] = new double[] {rs.stiffnessEstimate(), rs.stiffnessEstimate(rt)};
            return k[0] < 3000;
        };
        new Integrator(rs, o, rt, h).integrate(0, new double[] {1, 0, 0}, 1e5);
        double limit = rs.stabilityLimit();
        int plain = 0;
        int scaled = 0;
        for (int i = 2000; i < 3000; i++) {
            plain += est[i][0] > 0.9 * limit ? 1 : 0;
            scaled += est[i][1] > 0.9 * limit ? 1 : 0;
        }
        assertThat(plain).isZero();
        assertThat(scaled).isGreaterThan(500);
    }

    @Test
    void passesThePublishedMethodContractIncludingTheStiffProblems() {
        // the same checks the registry-wide tests run (orders, dense output, analytic and stiff problems)
        MethodContract.checkAll(AutoSwitch.AUTO);
        MethodContract.checkRegistered(AutoSwitch.AUTO);
        // and a user-made pair, unregistered
        MethodContract.checkAll(AutoSwitch.of("dopri5_radau5", Tableaus.DOPRI5, ImplicitMethods.RADAU5));
    }

    @Test
    void badInputIsNamed() {
        var tsit5 = Tableaus.TSIT5;
        var rodas = ImplicitMethods.RODAS5P;
        assertThatThrownBy(() -> AutoSwitch.of("x", rodas, rodas)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-stiff method must be explicit").hasMessageContaining("rodas5p");
        assertThatThrownBy(() -> AutoSwitch.of("x", tsit5, Tableaus.DOPRI5))
                .hasMessageContaining("stiff method must be implicit").hasMessageContaining("dopri5");
        assertThatThrownBy(() -> AutoSwitch.of("x", null, rodas)).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> AutoSwitch.of("Auto", tsit5, rodas)).hasMessageContaining("lower case");
        assertThatThrownBy(() -> AutoSwitch.of("x", Tableaus.RK4, rodas))
                .hasMessageContaining("both methods must be adaptive or both fixed-step");
        assertThatThrownBy(() -> AutoSwitch.of("x", tsit5, rodas, 0, 3, 0.9, 0.9, 5, false))
                .hasMessageContaining("at least 1, got 0, 3, 5");
        assertThatThrownBy(() -> AutoSwitch.of("x", tsit5, rodas, 10, 3, Double.NaN, 0.9, 5, false))
                .hasMessageContaining("(0, 10]").hasMessageContaining("NaN");
        assertThatThrownBy(() -> AutoSwitch.AUTO.newStepper(null, 2)).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> AutoSwitch.AUTO.newStepper(VDP, 0)).hasMessageContaining("got 0");
        assertThat(OdeSolvers.method("AUTO")).isSameAs(AutoSwitch.AUTO);
        assertThat(AutoSwitch.AUTO.nonstiffMethod()).isSameAs(tsit5);
        assertThat(AutoSwitch.AUTO.stiffMethod()).isSameAs(rodas);
        assertThat(AutoSwitch.AUTO.order()).isEqualTo(5);
        assertThat(AutoSwitch.AUTO.controlOrder()).isEqualTo(4);
        assertThat(AutoSwitch.AUTO.isImplicit()).isTrue();
    }
}
