package dev.neuralode.solvers;

import dev.neuralode.solvers.explicit.ButcherTableau;
import dev.neuralode.core.OdeSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every registered tableau must pass: consistency, order conditions, empirical order.
 * A new method registered in {@link Tableaus} gets these checks for free.
 */
class TableauContractTest {

    static Stream<String> methods() {
        return OdeSolvers.methods().stream();
    }

    /** Rooted trees up to order 8, each as the list of its children's indices. */
    private static final List<int[]> TREES = new ArrayList<>();
    private static final List<Integer> ORDER = new ArrayList<>();
    private static final List<Double> GAMMA = new ArrayList<>();

    static {
        TREES.add(new int[0]);
        ORDER.add(1);
        GAMMA.add(1.0);
        for (int order = 2; order <= 8; order++) {
            addTrees(order, order - 1, 0, new ArrayList<>());
        }
    }

    private static void addTrees(int order, int remaining, int minIndex, List<Integer> children) {
        if (remaining == 0) {
            int[] ch = children.stream().mapToInt(Integer::intValue).toArray();
            double g = order;
            for (int c : ch) {
                g *= GAMMA.get(c);
            }
            TREES.add(ch);
            ORDER.add(order);
            GAMMA.add(g);
            return;
        }
        int count = TREES.size();
        for (int i = minIndex; i < count; i++) {
            int o = ORDER.get(i);
            if (o <= remaining && o < order) {
                children.add(i);
                addTrees(order, remaining - o, i, children);
                children.remove(children.size() - 1);
            }
            if (ORDER.get(i) >= order) {
                break;
            }
        }
    }

    /** Max |b·g_t - 1/γ(t)| over trees of order p. */
    private static double worstResidual(double[][] a, double[] b, int p) {
        int s = b.length;
        List<double[]> g = new ArrayList<>();
        double worst = 0;
        for (int t = 0; t < TREES.size() && ORDER.get(t) <= p; t++) {
            double[] v = new double[s];
            java.util.Arrays.fill(v, 1.0);
            for (int child : TREES.get(t)) {
                double[] gc = g.get(child);
                for (int i = 0; i < s; i++) {
                    double sum = 0;
                    for (int j = 0; j < s; j++) {
                        sum += a[i][j] * gc[j];
                    }
                    v[i] *= sum;
                }
            }
            g.add(v);
            double phi = 0;
            for (int i = 0; i < s; i++) {
                phi += b[i] * v[i];
            }
            if (ORDER.get(t) == p) {
                worst = Math.max(worst, Math.abs(phi - 1.0 / GAMMA.get(t)));
            }
        }
        return worst;
    }

    @ParameterizedTest
    @MethodSource("methods")
    void treeCountsAreRight(String ignored) {
        int[] expected = {0, 1, 1, 2, 4, 9, 20, 48, 115};
        for (int p = 1; p <= 8; p++) {
            int finalP = p;
            assertThat(ORDER.stream().filter(o -> o == finalP).count()).isEqualTo(expected[p]);
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void rowSumConditionHolds(String name) {
        ButcherTableau t = OdeSolvers.tableau(name);
        double[][] a = t.a();
        double[] c = t.c();
        for (int i = 0; i < t.stages(); i++) {
            double sum = 0;
            for (int j = 0; j < i; j++) {
                sum += a[i][j];
            }
            assertThat(sum).as("%s row %d", name, i).isCloseTo(c[i], within(1e-13));
            for (int j = i; j < t.stages(); j++) {
                assertThat(a[i][j]).isZero();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void solutionWeightsSatisfyOrderConditionsUpToStatedOrder(String name) {
        ButcherTableau t = OdeSolvers.tableau(name);
        for (int p = 1; p <= t.order(); p++) {
            assertThat(worstResidual(t.a(), t.b(), p)).as("%s order %d", name, p)
                    .isLessThan(1e-12);
        }
        if (t.order() < 8) {
            // the stated order is the true order: some condition of order p+1 fails
            assertThat(worstResidual(t.a(), t.b(), t.order() + 1)).as("%s order+1", name)
                    .isGreaterThan(1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void embeddedWeightsSatisfyOrderConditionsUpToErrorOrder(String name) {
        ButcherTableau t = OdeSolvers.tableau(name);
        if (!t.isAdaptive()) {
            assertThat(t.errorWeights()).isNull();
            return;
        }
        double[] b = t.b();
        List<double[]> estimators = new ArrayList<>();
        estimators.add(t.errorWeights());
        if (t.secondaryErrorWeights() != null) {
            estimators.add(t.secondaryErrorWeights());
        }
        int[] orders = {t.errorOrder(), 3};
        for (int e = 0; e < estimators.size(); e++) {
            double[] w = estimators.get(e);
            double[] bhat = new double[b.length];
            for (int i = 0; i < b.length; i++) {
                bhat[i] = b[i] - w[i];
            }
            for (int p = 1; p <= orders[e]; p++) {
                assertThat(worstResidual(t.a(), bhat, p)).as("%s embedded %d order %d", name, e, p)
                        .isLessThan(1e-12);
            }
            assertThat(worstResidual(t.a(), bhat, orders[e] + 1)).isGreaterThan(1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void fsalFlagMatchesTheTableauAndAccessorsCopy(String name) {
        ButcherTableau t = OdeSolvers.tableau(name);
        int s = t.stages();
        boolean lastIsY1 = t.c()[s - 1] == 1.0 && t.b()[s - 1] == 0.0;
        for (int j = 0; j < s - 1 && lastIsY1; j++) {
            lastIsY1 = t.a(s - 1, j) == t.b()[j];
        }
        assertThat(t.isFsal()).isEqualTo(lastIsY1 && s > 1);
        double[] b = t.b();
        b[0] = 42;
        assertThat(t.b()[0]).isNotEqualTo(42);
        assertThat(OdeSolvers.tableau(name.toUpperCase())).isSameAs(t);
    }

    /** y' = y cos t, y(0) = 1, exact exp(sin t): non-autonomous, nonlinear in t. */
    private static final OdeSystem TEST = (t, y, d) -> {
        d[0] = y[0] * Math.cos(t);
        d[1] = -y[1] * y[1];
    };

    private static double error(String name, int steps) {
        double t1 = 2.0;
        SolverOptions o = SolverOptions.builder().method(name).stepSize(t1 / steps).build();
        double[] y = OdeSolvers.solve(TEST, new double[] {1, 1}, new double[] {0, t1}, o).state(1);
        return Math.max(Math.abs(y[0] - Math.exp(Math.sin(t1))), Math.abs(y[1] - 1 / (1 + t1)));
    }

    @ParameterizedTest
    @MethodSource("methods")
    void empiricalConvergenceOrderMatchesStatedOrder(String name) {
        ButcherTableau t = OdeSolvers.tableau(name);
        int p = t.order();
        int base = p >= 7 ? 6 : p >= 5 ? 10 : 20;
        double e1 = error(name, base);
        double e2 = error(name, 2 * base);
        double observed = Math.log(e1 / e2) / Math.log(2);
        assertThat(observed).as("%s observed order (errors %s, %s)", name, e1, e2)
                .isBetween(p - 0.4, p + 1.5);
    }
}
