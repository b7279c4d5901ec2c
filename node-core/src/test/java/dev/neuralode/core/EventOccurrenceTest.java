package dev.neuralode.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class EventOccurrenceTest {

    @Test
    void occurrencesAreImmutableCopies() {
        double[] before = {1, 2};
        double[] after = {0, -2};
        EventOccurrence e = new EventOccurrence(0.5, 1, before, after, false);
        before[0] = 9;
        e.stateAfter()[1] = 9;
        assertThat(e.stateBefore()).containsExactly(1, 2);
        assertThat(e.stateAfter()).containsExactly(0, -2);
        assertThat(e).isEqualTo(new EventOccurrence(0.5, 1, new double[] {1, 2}, new double[] {0, -2}, false));
        assertThatThrownBy(() -> new EventOccurrence(Double.NaN, 0, after, after, false))
                .hasMessageContaining("t=NaN");
        assertThatThrownBy(() -> new EventOccurrence(1, 0, new double[2], new double[3], false))
                .hasMessageContaining("lengths 2 and 3");
    }

    @Test
    void aSolutionKnowsItsEventsAndWhetherOneEndedIt() {
        EventOccurrence a = new EventOccurrence(0.2, 0, new double[1], new double[1], false);
        EventOccurrence b = new EventOccurrence(0.7, 1, new double[1], new double[1], true);
        OdeSolution s = OdeSolution.ofOwned(new double[] {0, 0.7}, new double[][] {{1}, {0}}, SolverStats.ZERO,
                List.of(a, b));
        assertThat(s.events()).containsExactly(a, b);
        assertThat(s.terminated()).isTrue();
        assertThat(s.terminalEvent()).contains(b);
        assertThat(s.toString()).contains("events=2 (terminated)");
        OdeSolution open = OdeSolution.ofOwned(new double[] {0, 1}, new double[][] {{1}, {0}}, SolverStats.ZERO,
                List.of(a));
        assertThat(open.terminated()).isFalse();
        assertThat(open.terminalEvent()).isEmpty();
        assertThatThrownBy(() -> OdeSolution.ofOwned(new double[] {0, 1}, new double[][] {{1}, {0}},
                SolverStats.ZERO, List.of(b, a))).hasMessageContaining("terminal event occurrence 0 is not the last");
        assertThatThrownBy(() -> OdeSolution.ofOwned(new double[] {0, 1}, new double[][] {{1}, {0}},
                SolverStats.ZERO, List.of(new EventOccurrence(0.7, 0, new double[1], new double[1], false), a)))
                .hasMessageContaining("out of time order");
    }
}
