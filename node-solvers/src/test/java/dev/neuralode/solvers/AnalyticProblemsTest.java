package dev.neuralode.solvers;

import dev.neuralode.solvers.testkit.MethodContract;
import dev.neuralode.solvers.testkit.TestProblems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The classic problems with exact solutions (REFERENCE.md; {@link TestProblems#analytic()}), solved
 * by every registered method, forwards and backwards in time, with outputs at interior times
 * (dense output), through the published check {@link MethodContract#checkAnalyticProblem}.
 */
class AnalyticProblemsTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String m : OdeSolvers.methods()) {
            for (TestProblems.Problem p : TestProblems.analytic()) {
                out.add(Arguments.of(m, p, true));
                out.add(Arguments.of(m, p, false));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} forward={2}")
    @MethodSource("cases")
    void matchesTheExactSolution(String method, TestProblems.Problem p, boolean forward) {
        MethodContract.checkAnalyticProblem(OdeSolvers.method(method), p, forward);
    }
}
