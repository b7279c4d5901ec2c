package dev.neuralode.solvers;

import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.explicit.ButcherTableau;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written hot paths of {@code dopri5} and {@code dopri8} (the fused kernels of the
 * explicit package) against the generic tableau stepper running a copy of the same tableau:
 * every output, every count and every dense value must be bitwise identical, so the kernels
 * cannot drift from the tableau data the contract tests check.
 */
class KernelEquivalenceTest {

    /** The same coefficients as the registered method, as a distinct object (generic engine). */
    private static ButcherTableau genericCopy(String name) {
        ButcherTableau t = OdeSolvers.tableau(name);
        return new ButcherTableau(name + "-generic", t.order(), t.errorOrder(), t.controlOrder(),
                t.a(), t.b(), t.c(), t.errorWeights(), t.secondaryErrorWeights(), t.isFsal())
                .withContinuousExtension(t.continuousExtension());
    }

    @ParameterizedTest(name = "{0} {1} norm={2} t1={3}")
    @CsvSource({"dopri5,arenstorf,rms,17.0652165601579625588917206249",
        "dopri5,lorenz,rms,-0.6", "dopri5,lorenz,max,5", "dopri8,arenstorf,rms,17.0652165601579625588917206249",
        "dopri8,arenstorf,max,-4", "dopri8,lorenz,rms,10", "dopri8,lorenz,rms,-0.6"})
    void kernelMatchesTheGenericEngineBitwise(String method, String problem, String normName,
                                               double t1) {
        boolean arenstorf = problem.equals("arenstorf");
        OdeSystem f = arenstorf ? Problems.ARENSTORF : Problems.LORENZ;
        double[] y0 = arenstorf ? Problems.ARENSTORF_Y0 : Problems.LORENZ_Y0;
        ErrorNorm norm = normName.equals("max") ? ErrorNorm.MAX : ErrorNorm.RMS;
        double[] times = new double[41];
        for (int i = 0; i < times.length; i++) {
            times[i] = t1 * i / (times.length - 1);
        }
        SolverOptions fast = SolverOptions.builder().method(method).rtol(1e-9).atol(1e-9)
                .errorNorm(norm).build();
        SolverOptions generic = fast.toBuilder().method(genericCopy(method)).build();
        assertThat(fast.method()).isSameAs(OdeSolvers.tableau(method));
        assertThat(generic.method()).isNotSameAs(OdeSolvers.tableau(method));

        OdeSolution a = OdeSolvers.solve(f, y0, times, fast);
        OdeSolution b = OdeSolvers.solve(f, y0, times, generic);
        assertThat(a.stats()).isEqualTo(b.stats());
        assertThat(a.stats().rejectedSteps() + a.stats().acceptedSteps()).isGreaterThan(20);
        for (int i = 0; i < times.length; i++) {
            assertThat(a.state(i)).as("output %d", i).containsExactly(b.state(i));
        }

        DenseSolution da = OdeSolvers.solveDense(f, y0, 0, t1, fast);
        DenseSolution db = OdeSolvers.solveDense(f, y0, 0, t1, generic);
        for (int i = 0; i <= 200; i++) {
            double t = t1 * i / 200;
            assertThat(da.evaluate(t)).as("dense at %s", t).containsExactly(db.evaluate(t));
        }
    }
}
