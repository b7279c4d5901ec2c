package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralode.adjoint.testkit.GradientProblems;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.solvers.SolverOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What each method stores, counted (not timed), as the number of steps grows. */
class MemoryTest {

    static GradientStats run(GradientMethod method, int steps) {
        GradientProblems.Mlp f = new GradientProblems.Mlp(2, 4, 1, false);
        SolverOptions o = SolverOptions.builder().method("rk4").stepSize(1.0 / steps).build();
        Tape tape = new Tape();
        OdeSolveResult r = OdeSolve.solve(f, tape.variable(GradientProblems.random(3, 2, 0.5, new Random(1))),
                new double[] {0, 1}, o, method);
        tape.backward(r.at(1).sum());
        return r.stats();
    }

    @Test
    void backsolveStorageDoesNotGrowWithSteps() {
        GradientStats s100 = run(GradientMethod.adjoint(), 100);
        GradientStats s3000 = run(GradientMethod.adjoint(), 3000);
        assertThat(s3000.forwardSteps()).isEqualTo(3000);
        assertThat(s3000.storedDoubles()).isEqualTo(s100.storedDoubles());
        assertThat(s3000.peakStoredDoubles()).isEqualTo(s100.peakStoredDoubles());
    }

    @Test
    void directStorageGrowsLinearlyCheckpointedWithCheckpoints() {
        GradientStats d100 = run(GradientMethod.direct(0), 100);
        GradientStats d1000 = run(GradientMethod.direct(0), 1000);
        int n = 6;
        // the step trace: per step the start state, start and end time, size, error ratio and flags,
        // and the ordinals of rk4's five extended stages (four, then f(t + h, y1))
        int perStep = n + 4 + 5;
        assertThat(d1000.storedDoubles() - d100.storedDoubles()).isEqualTo(900L * perStep);
        // with recorded forward evaluations: they stop at the heap budget, then storage grows per step
        long budget = 400_000;
        GradientStats r1000 = run(GradientMethod.direct(budget), 1000);
        GradientStats r3000 = run(GradientMethod.direct(budget), 3000);
        assertThat(r1000.backwardEvaluations()).isLessThan(d1000.backwardEvaluations());
        long recordedPart = r1000.storedDoubles() - d1000.storedDoubles();
        assertThat(recordedPart).isPositive().isLessThanOrEqualTo(budget / 8);
        long perStep3000 = r3000.storedDoubles() - r1000.storedDoubles();
        assertThat(perStep3000).isBetween(2000L * perStep - budget / 8, 2000L * perStep + budget / 8);
        GradientStats c100 = run(GradientMethod.checkpointed(100), 100);
        GradientStats c1000 = run(GradientMethod.checkpointed(100), 1000);
        // nine more checkpoints (time + state each)
        assertThat(c1000.storedDoubles() - c100.storedDoubles()).isEqualTo(9L * (n + 1));
        assertThat(c1000.peakStoredDoubles()).isLessThan(d1000.peakStoredDoubles() / 4);
    }
}
