package dev.neuralode.solvers;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Step-size control details (initial step, maxStep, stepTimes backwards, the stabilised
 * controller) and resources (no allocation per step for every method, allocation-free dense
 * evaluation, concurrent solves of the hand-written kernels).
 */
class ControlAndResourcesTest {

    private static final OdeSystem DECAY = (t, y, d) -> d[0] = -y[0];
    private static final OdeSystem HARMONIC = (t, y, d) -> {
        d[0] = y[1];
        d[1] = -y[0];
    };

    static Stream<String> methods() {
        return OdeSolvers.methods().stream();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @ParameterizedTest
    @MethodSource("methods")
    void noAllocationPerStepForEveryMethod(String method) {
        boolean adaptive = OdeSolvers.method(method).isAdaptive();
        int p = OdeSolvers.method(method).order();
        double tight = p <= 2 ? 1e-7 : p == 3 ? 1e-9 : 1e-12;
        SolverOptions few = adaptive
                ? SolverOptions.builder().method(method).rtol(1e-4).atol(1e-4).build()
                : SolverOptions.builder().method(method).stepSize(1e-2).build();
        SolverOptions many = adaptive
                ? SolverOptions.builder().method(method).rtol(tight).atol(tight).build()
                : SolverOptions.builder().method(method).stepSize(1e-3).build();
        double[] y0 = Problems.LORENZ_Y0;
        double[] times = {0, 6};
        for (int i = 0; i < 5; i++) {   // warm up (class loading, JIT)
            OdeSolvers.solve(Problems.LORENZ, y0, times, few);
            OdeSolvers.solve(Problems.LORENZ, y0, times, many);
        }
        long a0 = allocatedBytes();
        OdeSolution s1 = OdeSolvers.solve(Problems.LORENZ, y0, times, few);
        long a1 = allocatedBytes();
        OdeSolution s2 = OdeSolvers.solve(Problems.LORENZ, y0, times, many);
        long a2 = allocatedBytes();
        long extraSteps = s2.stats().totalSteps() - s1.stats().totalSteps();
        assertThat(extraSteps).as("%s extra steps", method).isGreaterThan(200);
        // the two solves allocate the same buffers; nothing scales with the number of steps
        // (a generous bound: under half a byte per extra step)
        assertThat((a2 - a1) - (a1 - a0)).as("%s bytes for %d extra steps", method, extraSteps)
                .isLessThan(extraSteps / 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "tsit5", "dopri8", "bosh3"})
    void denseEvaluationAllocatesNothing(String method) {
        DenseSolution d = OdeSolvers.solveDense(Problems.LORENZ, Problems.LORENZ_Y0, 0, 2,
                SolverOptions.builder().method(method).rtol(1e-8).atol(1e-8).build());
        double[] out = new double[3];
        double sink = 0;
        for (int i = 0; i < 20_000; i++) {
            d.evaluate(2.0 * (i % 1000) / 1000, out);
            sink += out[0];
        }
        long a0 = allocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            d.evaluate(2.0 * (i % 997) / 997, out);
            sink += out[0];
        }
        long a1 = allocatedBytes();
        assertThat(Double.isFinite(sink)).isTrue();
        assertThat(a1 - a0).as("bytes for 20000 evaluations").isLessThan(2_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "dopri8", "bosh3", "tsit5"})
    void initialStepFollowsHairersFormula(String method) {
        // y' = -y, y(0) = 1 (HNW I, §II.4): sc = atol + rtol·|y0|, d0 = d1 = 1/sc,
        // h0 = 0.01·d0/d1 = 0.01, d2 = |f(h0, y0 + h0 f0) - f0| / sc / h0 = 1/sc,
        // h1 = (0.01 / max(d1, d2))^(1/(q+1)), h = min(100 h0, h1)
        double rtol = 1e-6;
        double atol = 1e-9;
        double sc = atol + rtol;
        int q = OdeSolvers.tableau(method).errorOrder();
        if (method.equals("dopri8")) {
            q = 7;   // DOP853 controls with its order-7 combined estimate
        }
        double expected = Math.min(1.0, Math.pow(0.01 * sc, 1.0 / (q + 1)));
        List<Double> hs = new ArrayList<>();
        OdeSolution s = OdeSolvers.solve(DECAY, new double[] {1}, new double[] {0, 1},
                SolverOptions.builder().method(method).rtol(rtol).atol(atol)
                        .handler(st -> hs.add(st.stepSize())).build());
        assertThat(s.stats().rejectedSteps()).isZero();
        assertThat(hs.get(0)).as("%s first step", method).isCloseTo(expected, within(1e-12));
    }

    @Test
    void maxStepBoundsEveryStep() {
        List<Double> hs = new ArrayList<>();
        OdeSolution s = OdeSolvers.solve(DECAY, new double[] {1}, new double[] {0, 10},
                SolverOptions.builder().rtol(1e-3).maxStep(0.05).handler(st -> hs.add(st.stepSize()))
                        .build());
        assertThat(hs).allSatisfy(h -> assertThat(h).isLessThanOrEqualTo(0.05 + 1e-15));
        assertThat(hs.size()).isGreaterThanOrEqualTo(200);
        assertThat(s.state(1)[0]).isCloseTo(Math.exp(-10), within(1e-7));
        // without the bound the same solve takes far fewer steps
        OdeSolution free = OdeSolvers.solve(DECAY, new double[] {1}, new double[] {0, 10},
                SolverOptions.builder().rtol(1e-3).build());
        assertThat(free.stats().acceptedSteps()).isLessThan(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dopri5", "dopri8", "rk4"})
    void stepTimesAreHitExactlyBackwardsInTime(String method) {
        List<Double> ends = new ArrayList<>();
        SolverOptions.Builder b = SolverOptions.builder().method(method).stepTimes(-0.3, -1.7, 0.5, -9)
                .handler(st -> {
                    assertThat(st.stepSize()).isNegative();
                    return ends.add(st.endTime());
                });
        if (method.equals("rk4")) {
            b.stepSize(0.25);
        }
        OdeSolution s = OdeSolvers.solve(HARMONIC, new double[] {1, 0}, new double[] {0, -1, -2},
                b.build());
        assertThat(ends).contains(-0.3, -1.7, -2.0).doesNotContain(0.5, -9.0);
        assertThat(ends.indexOf(-0.3)).isLessThan(ends.indexOf(-1.7));
        assertThat(s.state(2)[0]).isCloseTo(Math.cos(-2), within(1e-4));
        if (method.equals("rk4")) {
            assertThat(ends).startsWith(-0.25, -0.3, -0.55);
        }
    }

    @Test
    void stabilizedControllerIsTheIControllerForBetaZeroAndValidatesBeta() {
        StepController zero = StepController.stabilized(0);
        for (double r : new double[] {1e-6, 0.01, 0.3, 1.0}) {
            for (int q : new int[] {1, 4, 7}) {
                double expected = StepController.I.factor(r, 0.5, q);
                assertThat(zero.factor(r, 0.5, q)).isCloseTo(expected, within(1e-14 * expected));
            }
        }
        // Hairer's DOPRI5: FAC = ERR^(0.2 - 0.75 β) / FACOLD^β with β = 0.04
        assertThat(StepController.STABILIZED.factor(0.01, 0.5, 4))
                .isCloseTo(Math.pow(0.01, -0.17) * Math.pow(0.5, 0.04), within(1e-12));
        assertThatThrownBy(() -> StepController.stabilized(-0.01)).hasMessageContaining("beta");
        assertThatThrownBy(() -> StepController.stabilized(0.5)).hasMessageContaining("beta");
        assertThatThrownBy(() -> StepController.stabilized(Double.NaN)).hasMessageContaining("beta");
    }

    /** The heat equation u_t = u_xx on 40 interior points: dopri5 is limited by stability. */
    private static final OdeSystem HEAT = (t, y, d) -> {
        int n = y.length;
        double c = (n + 1) * (n + 1);
        for (int i = 0; i < n; i++) {
            double l = i == 0 ? 0 : y[i - 1];
            double r = i == n - 1 ? 0 : y[i + 1];
            d[i] = c * (l - 2 * y[i] + r);
        }
    };

    @Test
    void stabilizedControllerAvoidsRejectionCyclesWhereStabilityLimitsTheStep() {
        int n = 40;
        double[] y0 = new double[n];
        for (int i = 0; i < n; i++) {
            double x = (i + 1.0) / (n + 1);
            y0[i] = Math.sin(Math.PI * x) + 0.5 * Math.sin(3 * Math.PI * x);
        }
        double t1 = 0.5;
        double[] times = {0, t1};
        SolverOptions base = SolverOptions.builder().rtol(1e-8).atol(1e-8).build();
        OdeSolution plain = OdeSolvers.solve(HEAT, y0, times,
                base.toBuilder().controller(StepController.I).build());
        OdeSolution stab = OdeSolvers.solve(HEAT, y0, times, base);
        // exact solution of the semi-discrete system: each sine mode decays with its eigenvalue
        double c = (n + 1) * (n + 1);
        double l1 = -4 * c * Math.pow(Math.sin(Math.PI / (2 * (n + 1))), 2);
        double l3 = -4 * c * Math.pow(Math.sin(3 * Math.PI / (2 * (n + 1))), 2);
        double worstPlain = 0;
        double worstStab = 0;
        for (int i = 0; i < n; i++) {
            double x = (i + 1.0) / (n + 1);
            double exact = Math.exp(l1 * t1) * Math.sin(Math.PI * x)
                    + 0.5 * Math.exp(l3 * t1) * Math.sin(3 * Math.PI * x);
            worstPlain = Math.max(worstPlain, Math.abs(plain.state(1)[i] - exact));
            worstStab = Math.max(worstStab, Math.abs(stab.state(1)[i] - exact));
        }
        assertThat(worstStab).isLessThan(1e-7);
        assertThat(worstPlain).isLessThan(1e-7);
        assertThat(stab.stats().rejectedSteps()).as("rejections, stabilised vs I (%s)", plain.stats())
                .isLessThan(plain.stats().rejectedSteps() / 2);
        assertThat(stab.stats().functionEvaluations()).isLessThan(plain.stats().functionEvaluations());
    }

    @Test
    void concurrentSolvesOfTheKernelsAndDenseSolutionsAreIndependent() throws Exception {
        double[] times = {0, 0.5, 1, 2};
        List<SolverOptions> opts = List.of(
                SolverOptions.builder().method("dopri8").rtol(1e-10).build(),
                SolverOptions.builder().method("dopri5").rtol(1e-9).build());
        ExecutorService ex = Executors.newFixedThreadPool(3);
        try {
            for (SolverOptions o : opts) {
                OdeSolution expected = OdeSolvers.solve(Problems.LORENZ, Problems.LORENZ_Y0, times, o);
                double[] expectedDense = OdeSolvers.solveDense(Problems.LORENZ, Problems.LORENZ_Y0,
                        0, 2, o).evaluate(1.234);
                List<Future<OdeSolution>> fs = new ArrayList<>();
                List<Future<double[]>> ds = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    fs.add(ex.submit(() -> OdeSolvers.solve(Problems.LORENZ, Problems.LORENZ_Y0,
                            times, o)));
                    ds.add(ex.submit(() -> OdeSolvers.solveDense(Problems.LORENZ,
                            Problems.LORENZ_Y0, 0, 2, o).evaluate(1.234)));
                }
                for (Future<OdeSolution> f : fs) {
                    assertThat(f.get()).isEqualTo(expected);
                }
                for (Future<double[]> d : ds) {
                    assertThat(d.get()).containsExactly(expectedDense);
                }
            }
        } finally {
            ex.shutdown();
        }
    }
}
