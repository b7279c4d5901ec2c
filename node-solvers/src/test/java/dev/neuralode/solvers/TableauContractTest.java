package dev.neuralode.solvers;

import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.solvers.step.Method;
import dev.neuralode.solvers.testkit.MethodContract;
import dev.neuralode.solvers.testkit.OrderConditions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every registered method must pass the published contract ({@link MethodContract}, node-solvers'
 * test-jar): consistency and order conditions of its tableau and interpolant, empirical
 * convergence and dense-output orders, registration. A method registered in {@link
 * dev.neuralode.solvers.explicit.Tableaus} (or with {@link OdeSolvers#register}) gets these checks
 * with no new test code.
 */
class TableauContractTest {

    static Stream<String> methods() {
        return OdeSolvers.methods().stream();
    }

    @Test
    void treeCountsAreRight() {
        int[] expected = {0, 1, 1, 2, 4, 9, 20, 48, 115};
        int total = 0;
        for (int p = 1; p <= 8; p++) {
            assertThat(OrderConditions.treeCount(p)).as("trees of order %d", p).isEqualTo(expected[p]);
            total += expected[p];
        }
        assertThat(OrderConditions.treeCount()).isEqualTo(total);
    }

    @ParameterizedTest
    @MethodSource("methods")
    void statedFactsAreConsistent(String name) {
        MethodContract.checkMethodFacts(OdeSolvers.method(name));
    }

    @ParameterizedTest
    @MethodSource("methods")
    void tableauSatisfiesConsistencyOrderAndFsalConditions(String name) {
        Method m = OdeSolvers.method(name);
        assumeTrue(m instanceof ButcherTableau, "not a tableau");
        MethodContract.checkTableau((ButcherTableau) m);
    }

    @ParameterizedTest
    @MethodSource("methods")
    void continuousExtensionIsContinuousAndOfItsStatedOrder(String name) {
        Method m = OdeSolvers.method(name);
        assumeTrue(m instanceof ButcherTableau, "not a tableau");
        MethodContract.checkContinuousExtension((ButcherTableau) m);
    }

    @ParameterizedTest
    @MethodSource("methods")
    void empiricalConvergenceOrderMatchesStatedOrder(String name) {
        MethodContract.checkConvergenceOrder(OdeSolvers.method(name));
    }

    @ParameterizedTest
    @MethodSource("methods")
    void denseOutputHasItsStatedLocalOrder(String name) {
        MethodContract.checkDenseOutputOrder(OdeSolvers.method(name));
    }

    @ParameterizedTest
    @MethodSource("methods")
    void registeredCaseInsensitively(String name) {
        MethodContract.checkRegistered(OdeSolvers.method(name));
    }
}
