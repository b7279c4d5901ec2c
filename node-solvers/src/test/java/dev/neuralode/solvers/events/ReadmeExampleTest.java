package dev.neuralode.solvers.events;

import dev.neuralode.core.EventOccurrence;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The events example of the module README, as written there. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRuns() {
        OdeSystem fall = (t, y, d) -> { d[0] = y[1]; d[1] = -9.81; };
        Event bounce = Event.when((t, y) -> y[0]).falling()
                .reset((t, y, yNew) -> { yNew[0] = 0; yNew[1] = -0.9 * y[1]; });
        Event apex = Event.when((t, y) -> y[1]).falling();              // recorded only
        Event stop = Event.when((t, y) -> t - 12).terminal();
        OdeSolution sol = OdeSolvers.solve(fall, new double[] {10, 0}, new double[] {0, 5, 10, 15},
                SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12)
                        .events(bounce, apex, stop).build());
        for (EventOccurrence e : sol.events()) {                          // in time order
            System.out.println(e.eventIndex() + " at t=" + e.time() + ": " + Arrays.toString(e.stateBefore())
                    + " -> " + Arrays.toString(e.stateAfter()));
        }
        assertThat(sol.times()).containsExactly(new double[] {0, 5, 10, 12}, within(1e-12));
        assertThat(sol.terminated()).isTrue();
        assertThat(sol.terminalEvent()).get().extracting(EventOccurrence::eventIndex).isEqualTo(2);
        // bounces at t1 = √(2h/g), then every 2·e^k·√(2gh)/g
        double v0 = Math.sqrt(2 * 9.81 * 10);
        assertThat(sol.events().get(0).time()).isCloseTo(v0 / 9.81, within(1e-11));
        assertThat(sol.events().get(1).eventIndex()).isEqualTo(1);
        assertThat(sol.events().get(1).stateBefore()[0]).isCloseTo(8.1, within(1e-9));
    }
}
