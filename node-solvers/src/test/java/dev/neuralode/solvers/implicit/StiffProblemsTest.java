package dev.neuralode.solvers.implicit;

import dev.neuralode.core.MaxStepsExceededException;
import dev.neuralode.core.OdeSolution;
import dev.neuralode.core.OdeSystem;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The classic stiff problems solved by the implicit methods, against references computed by two
 * independent solvers (scipy's Radau IIA and LSODA) at rtol 1e-12 that agree with each other to the
 * stated mixed difference: {@code python3 node-solvers/scripts/stiff_references.py} (scipy 1.17.1;
 * the values below are its Radau column).
 */
class StiffProblemsTest {

    /** ROBER at t = 1e5: Radau/LSODA agree to 7.0e-13 (atol 1e-20). */
    static final double[] ROBER_1E5 = {0.017865921142100068, 7.274751468436588e-08, 0.9821340061103828};
    /** ROBER at t = 1e11: Radau/LSODA agree to 6.3e-15. */
    static final double[] ROBER_1E11 = {2.0833401497003455e-08, 8.333360770331014e-14, 0.9999999791665122};
    /** HIRES at t = 321.8122: agree to 1.4e-13 (and with the IVP test set's published values to 1e-15). */
    static final double[] HIRES_END = {0.0007371312573325646, 0.00014424857263161805, 5.8887297409675386e-05,
        0.0011756513432831447, 0.0023863561988312775, 0.006238968252742645, 0.0028499983951857325,
        0.0028500016048142547};
    /** Van der Pol ε = 1e-6 (μ = 1e3), y(0) = (2, −2/3), t = 2: agree to 1.0e-11. */
    static final double[] VDP_END = {1.7061674345671218, -0.8928100197382782};
    /** OREGO at t = 360: agree to 2.5e-10. */
    static final double[] OREGO_END = {1.0008148703185227, 1228.178521549886, 132.0554942846542};

    /**
     * E5 at t = 1e5: scipy's LSODA at rtol 1e-12, atol 1e-30 ({@code python3
     * node-solvers/scripts/stiff_references.py E5} prints it; its Radau does not finish in minutes), which our
     * radau5 at rtol 1e-6 matches to 8.0 digits. (To t = 1e13, where y1 underflows to 1e-290, none of the
     * methods is accurate yet.)
     */
    static final double[] E5_1E5 = {0.0016939143143015433, 3.439129906691535e-14, 3.439073194200175e-14,
        5.670836144022169e-19};

    private static OdeSolution solve(OdeSystem f, double[] y0, double t1, String method, double rtol, double atol) {
        return OdeSolvers.solve(f, y0, new double[] {0, t1},
                SolverOptions.builder().method(method).rtol(rtol).atol(atol).maxSteps(200_000).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf"})
    void robertsonToOneE5(String method) {
        OdeSolution s = solve(StiffProblems.ROBER, new double[] {1, 0, 0}, 1e5, method, 1e-6, 1e-12);
        double[] y = s.state(1);
        assertThat(StiffProblems.digits(y, ROBER_1E5)).as("%s digits %s", method, s.stats()).isGreaterThan(
                method.equals("rosenbrock23") ? 4.0 : method.equals("kvaerno5") || method.equals("bdf") ? 5.5 : 6.0);
        assertThat(y[0] + y[1] + y[2]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.stats().jacobianEvaluations()).isPositive();
        assertThat(s.stats().factorizations()).isGreaterThanOrEqualTo(s.stats().jacobianEvaluations());
        assertThat(s.stats().acceptedSteps()).isLessThan(method.equals("rosenbrock23") ? 5000 : 600);
        if (method.equals("kvaerno5") || method.equals("radau5") || method.equals("bdf")) {
            // Newton keeps its Jacobian across steps; Rosenbrock methods form one per step
            assertThat(s.stats().newtonIterations()).isPositive();
            assertThat(s.stats().jacobianEvaluations()).isLessThan(s.stats().acceptedSteps());
        } else {
            // one Jacobian per point the solve stood on, kept across that point's rejected attempts
            assertThat(s.stats().jacobianEvaluations()).isEqualTo(s.stats().acceptedSteps());
        }
    }

    @Test
    void autoSwitchesToRodas5pOnRobertsonWhereTsit5RunsOutOfSteps() {
        OdeSolution s = solve(StiffProblems.ROBER, new double[] {1, 0, 0}, 1e5, "auto", 1e-6, 1e-12);
        assertThat(StiffProblems.digits(s.state(1), ROBER_1E5)).as("%s", s.stats()).isGreaterThan(6.0);
        assertThat(s.stats().methodSwitches()).isEqualTo(1);
        // after the switch every step is rodas5p's, with one Jacobian per point
        assertThat(s.stats().stiffSteps()).isPositive().isLessThan(s.stats().acceptedSteps());
        assertThat(s.stats().jacobianEvaluations()).isEqualTo(s.stats().stiffSteps());
        assertThat(s.stats().functionEvaluations()).isLessThan(3000);
        // tsit5 alone exhausts 200,000 steps (1.2 million evaluations) before t = 300
        assertThatThrownBy(() -> solve(StiffProblems.ROBER, new double[] {1, 0, 0}, 1e5, "tsit5", 1e-6, 1e-12))
                .isInstanceOfSatisfying(MaxStepsExceededException.class, e -> assertThat(e.looksStiff()).isTrue());
    }

    @Test
    void autoOnVanDerPolSwitchesThereAndBackWithFewerEvaluationsThanEitherMethod() {
        OdeSolution a = solve(StiffProblems.vanDerPol(1e-6), new double[] {2, -2.0 / 3}, 2, "auto", 1e-7, 1e-7);
        OdeSolution r = solve(StiffProblems.vanDerPol(1e-6), new double[] {2, -2.0 / 3}, 2, "rodas5p", 1e-7, 1e-7);
        assertThat(StiffProblems.digits(a.state(1), VDP_END)).as("%s", a.stats()).isGreaterThan(6.0);
        assertThat(a.stats().methodSwitches()).isGreaterThanOrEqualTo(3);
        assertThat(a.stats().functionEvaluations()).as("auto %s, rodas5p %s", a.stats(), r.stats())
                .isLessThan(r.stats().functionEvaluations());
        // tsit5 needs about a million steps here (μ = 1e3: h·|λ| ≤ 3.5 on the slow branches, |λ| ≈ 1e6)
        assertThatThrownBy(() -> solve(StiffProblems.vanDerPol(1e-6), new double[] {2, -2.0 / 3}, 2, "tsit5", 1e-7,
                1e-7)).isInstanceOf(MaxStepsExceededException.class);
        assertThat(a.stats().acceptedSteps()).isLessThan(2000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rodas5p", "bdf"})
    void robertsonToOneE11(String method) {
        OdeSolution s = solve(StiffProblems.ROBER, new double[] {1, 0, 0}, 1e11, method, 1e-8, 1e-20);
        assertThat(StiffProblems.digits(s.state(1), ROBER_1E11)).as("%s digits, %s", method, s.stats())
                .isGreaterThan(6.0);
    }

    @Test
    void radau5AtTightToleranceConfirmsTheScipyReferences() {
        // our own Radau IIA at rtol 1e-10 as the second independent check of the stored references
        OdeSolution r = solve(StiffProblems.ROBER, new double[] {1, 0, 0}, 1e5, "radau5", 1e-10, 1e-16);
        assertThat(StiffProblems.digits(r.state(1), ROBER_1E5)).isGreaterThan(12.0);
        OdeSolution v = solve(StiffProblems.vanDerPol(1e-6), new double[] {2, -2.0 / 3}, 2, "radau5", 1e-10, 1e-12);
        assertThat(StiffProblems.digits(v.state(1), VDP_END)).isGreaterThan(12.0);
    }

    @Test
    void rodas5pAtTightToleranceAgreesWithTheReferenceTo1e10() {
        OdeSolution s = solve(StiffProblems.ROBER, new double[] {1, 0, 0}, 1e5, "rodas5p", 1e-12, 1e-20);
        assertThat(StiffProblems.mixedError(s.state(1), ROBER_1E5)).isLessThan(1e-10);
        OdeSolution h = solve(StiffProblems.HIRES, StiffProblems.HIRES_Y0, 321.8122, "rodas5p", 1e-12, 1e-16);
        assertThat(StiffProblems.mixedError(h.state(1), HIRES_END)).isLessThan(1e-11);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf", "auto"})
    void hires(String method) {
        OdeSolution s = solve(StiffProblems.HIRES, StiffProblems.HIRES_Y0, 321.8122, method, 1e-7, 1e-9);
        // bdf: 4.7 digits (CVODE's BDF: 4.5 at rtol 1e-6, docs/REFERENCE.md)
        assertThat(StiffProblems.digits(s.state(1), HIRES_END)).as("%s %s", method, s.stats())
                .isGreaterThan(method.equals("rosenbrock23") ? 3.0 : method.equals("bdf") ? 4.5 : 5.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf", "auto"})
    void vanDerPolMu1e3(String method) {
        OdeSolution s = solve(StiffProblems.vanDerPol(1e-6), new double[] {2, -2.0 / 3}, 2, method, 1e-7, 1e-7);
        assertThat(StiffProblems.digits(s.state(1), VDP_END)).as("%s %s", method, s.stats())
                .isGreaterThan(method.equals("rosenbrock23") ? 3.0 : 5.0);
    }

    @Test
    void vanDerPolMu1e6RunsThroughTheRelaxationJumps() {
        // ε = 1e-12: no reference from scipy (both of its solvers fail at rtol 1e-12); rodas5p at two tolerances agrees
        OdeSolution a = solve(StiffProblems.vanDerPol(1e-12), new double[] {2, -2.0 / 3}, 2, "rodas5p", 1e-6, 1e-6);
        OdeSolution b = solve(StiffProblems.vanDerPol(1e-12), new double[] {2, -2.0 / 3}, 2, "rodas5p", 1e-9, 1e-9);
        assertThat(Math.abs(a.state(1)[0] - b.state(1)[0])).as("%s vs %s", a.stats(), b.stats()).isLessThan(1e-4);
        assertThat(b.state(1)[0]).isBetween(1.0, 2.0);
        // bdf, a multistep method, is a second independent solver here
        OdeSolution c = solve(StiffProblems.vanDerPol(1e-12), new double[] {2, -2.0 / 3}, 2, "bdf", 1e-9, 1e-9);
        assertThat(Math.abs(c.state(1)[0] - b.state(1)[0])).as("%s vs %s", c.stats(), b.stats()).isLessThan(1e-6);
        assertThat(Math.abs(c.state(1)[1] - b.state(1)[1])).isLessThan(1e-6);
        assertThat(c.stats().jacobianEvaluations()).isLessThan(b.stats().jacobianEvaluations() / 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rosenbrock23", "rodas5p", "kvaerno5", "radau5", "bdf", "auto"})
    void oregonator(String method) {
        OdeSolution s = solve(StiffProblems.OREGO, new double[] {1, 2, 3}, 360, method, 1e-7, 1e-9);
        assertThat(StiffProblems.digits(s.state(1), OREGO_END)).as("%s %s", method, s.stats())
                .isGreaterThan(method.equals("rosenbrock23") ? 2.5 : 4.5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rodas5p", "radau5", "bdf"})
    void e5ToOneE5(String method) {
        // bdf, a multistep method of orders 1-5, needs rtol 1e-8 for the 7 digits (5.8 at 1e-6)
        OdeSolution s = solve(StiffProblems.E5, new double[] {1.76e-3, 0, 0, 0}, 1e5, method,
                method.equals("bdf") ? 1e-8 : 1e-6, 1e-24);
        assertThat(StiffProblems.digits(s.state(1), E5_1E5)).as("%s %s", method, s.stats()).isGreaterThan(7.0);
        // y2 = y3 + y4 holds for the exact solution (y2 − y3 − y4 is conserved and starts at 0)
        double[] y = s.state(1);
        assertThat(Math.abs(y[1] - y[2] - y[3])).isLessThan(1e-6 * y[1]);
    }

    @Test
    void bdfIsTheCheapestInJacobiansAndFactorizationsAtRtol1e6() {
        // issue 14: the multistep method reuses its Jacobian and LU across steps; on every problem it needs
        // fewer Jacobians and fewer factorizations than each one-step method at the same tolerance
        record P(String name, OdeSystem f, double[] y0, double t1, double atol) { }
        P[] problems = {
            new P("ROBER", StiffProblems.ROBER, new double[] {1, 0, 0}, 1e5, 1e-12),
            new P("HIRES", StiffProblems.HIRES, StiffProblems.HIRES_Y0, 321.8122, 1e-9),
            new P("VDP", StiffProblems.vanDerPol(1e-6), new double[] {2, -2.0 / 3}, 2, 1e-6),
            new P("OREGO", StiffProblems.OREGO, new double[] {1, 2, 3}, 360, 1e-9),
        };
        for (P p : problems) {
            var bdf = solve(p.f(), p.y0(), p.t1(), "bdf", 1e-6, p.atol()).stats();
            for (String other : new String[] {"rosenbrock23", "rodas5p", "kvaerno5", "radau5"}) {
                var o = solve(p.f(), p.y0(), p.t1(), other, 1e-6, p.atol()).stats();
                assertThat(bdf.factorizations()).as("%s: bdf %s vs %s %s", p.name(), bdf, other, o)
                        .isLessThan(o.factorizations());
                assertThat(bdf.jacobianEvaluations()).as("%s: bdf %s vs %s %s", p.name(), bdf, other, o)
                        .isLessThanOrEqualTo(o.jacobianEvaluations());
            }
        }
    }

    @Test
    void anExplicitMethodOnRobertsonSaysTheProblemLooksStiff() {
        // issue 13 item 9: dopri5 stops near t = 640 of 1e5; the message names the stiff methods
        assertThatThrownBy(() -> OdeSolvers.solve(StiffProblems.ROBER, new double[] {1, 0, 0}, new double[] {0, 1e5},
                SolverOptions.builder().method("dopri5").rtol(1e-6).atol(1e-10).maxSteps(100_000).build()))
                .isInstanceOfSatisfying(MaxStepsExceededException.class, e -> {
                    assertThat(e.looksStiff()).isTrue();
                    assertThat(e.getMessage()).contains("looks stiff", "rosenbrock23", "rodas5p", "kvaerno5", "radau5", "dopri5's stability limit")
                            .doesNotContain("raise maxSteps");
                });
    }

    @Test
    void anExplicitMethodOnANonStiffProblemStillAdvisesARaisedBudget() {
        OdeSystem harmonic = (t, y, d) -> {
            d[0] = y[1];
            d[1] = -y[0];
        };
        assertThatThrownBy(() -> OdeSolvers.solve(harmonic, new double[] {1, 0}, new double[] {0, 1000},
                SolverOptions.builder().method("dopri5").rtol(1e-10).atol(1e-12).maxSteps(500).build()))
                .isInstanceOfSatisfying(MaxStepsExceededException.class, e -> {
                    assertThat(e.looksStiff()).isFalse();
                    assertThat(e.getMessage()).contains("raise maxSteps");
                });
    }
}
