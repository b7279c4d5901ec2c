package dev.neuralode.solvers;

import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.testkit.MethodContract;
import dev.neuralode.solvers.testkit.TestProblems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every registered implicit method ({@link Method#isImplicit()}) solves the stiff problems with exact
 * solutions ({@link TestProblems#stiff()}) through the published check
 * {@link MethodContract#checkStiffProblem}; the other contract checks run for them in
 * {@link TableauContractTest} and {@link AnalyticProblemsTest} like for every method.
 */
class StiffContractTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String m : OdeSolvers.methods()) {
            if (OdeSolvers.method(m).isImplicit()) {
                for (TestProblems.Problem p : TestProblems.stiff()) {
                    out.add(Arguments.of(m, p));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void solvesTheStiffProblem(String method, TestProblems.Problem p) {
        MethodContract.checkStiffProblem(OdeSolvers.method(method), p);
    }
}
