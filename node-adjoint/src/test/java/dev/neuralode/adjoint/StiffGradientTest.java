package dev.neuralode.adjoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.autodiff.Tensor;
import dev.neuralode.solvers.SolverOptions;
import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients through stiff solves with the implicit methods (issue 15): the weights of a stiff 2-8-2 network and Robertson's rate constants
 * against central differences of tight solves, and a linear stiff system against the exact
 * gradient from its matrix exponential, for every gradient method that accepts implicit solvers.
 */
class StiffGradientTest {

    /** The gradient methods that accept an implicit solver, each with the stiff methods. */
    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String solver : new String[] {"rodas5p", "radau5", "kvaerno5", "rosenbrock23"}) {
            out.add(Arguments.of(GradientMethod.quadratureAdjoint(), solver));
            out.add(Arguments.of(GradientMethod.checkpointed(), solver));
            out.add(Arguments.of(GradientMethod.forwardSensitivity(), solver));
            out.add(Arguments.of(GradientMethod.forwardSensitivity(true), solver));
        }
        return out;
    }

    /**
     * Robertson's kinetics with multipliers θ on its three rate constants, {@code k = (0.04, 3e7, 1e4) ⊙ θ}:
     * {@code r = k ⊙ (y1, y2², y2·y3)}, {@code f = r·S} with the stoichiometry {@code S}.
     */
    static final class Robertson implements Dynamics {
        final Parameter theta = new Parameter("theta", new DMatrixRMaj(1, 3, true, 1, 1, 1));

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            Tensor pick = tape.constant(3, 3, 1, 0, 0, 0, 1, 1, 0, 0, 0);     // h·P = (y1, y2, y2)
            Tensor other = tape.constant(3, 3, 0, 0, 0, 0, 1, 0, 0, 0, 1);    // h·Q = (0, y2, y3)
            Tensor one = tape.constant(1, 3, 1, 0, 0);
            Tensor monomials = h.matmul(pick).mul(h.matmul(other).add(one));
            Tensor rates = tape.param(theta).mul(tape.constant(1, 3, 0.04, 3e7, 1e4));
            Tensor stoichiometry = tape.constant(3, 3, -1, 1, 0, 0, -1, 1, 1, -1, 0);
            return monomials.mul(rates).matmul(stoichiometry);
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(theta);
        }
    }

    private static final double[] ROBER_TIMES = {0, 0.4, 40, 4000};
    /** Output weights: y2 is about 1e-5 of the others. */
    private static final double[] ROBER_WEIGHTS = {1, 1e4, 1};

    /** L = Σ_i w ⊙ y(t_i), and its gradients with respect to θ and y0. */
    private static double[][] roberGradient(GradientMethod method, String solver, double rtol, double atol) {
        Robertson f = new Robertson();
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, 3, true, 1, 0, 0));
        SolverOptions o = SolverOptions.builder().method(solver).rtol(rtol).atol(atol).maxSteps(200_000).build();
        OdeSolveResult r = OdeSolve.solve(f, y0, ROBER_TIMES, o, method);
        Tensor w = tape.constant(1, 3, ROBER_WEIGHTS);
        Tensor loss = r.at(1).mul(w).sum();
        for (int i = 2; i < ROBER_TIMES.length; i++) {
            loss = loss.add(r.at(i).mul(w).sum());
        }
        tape.backward(loss);
        return new double[][] {f.theta.grad().data.clone(), y0.grad().value().data.clone(), {loss.value().get(0)}};
    }

    private static double roberLoss(double[] theta) {
        Robertson f = new Robertson();
        System.arraycopy(theta, 0, f.theta.value().data, 0, 3);
        Tape tape = new Tape();
        Tensor y0 = tape.constant(1, 3, 1, 0, 0);
        SolverOptions o = SolverOptions.builder().method("radau5").rtol(1e-12).atol(1e-20).maxSteps(200_000).build();
        OdeSolveResult r = OdeSolve.solve(f, y0, ROBER_TIMES, o, GradientMethod.checkpointed());
        double loss = 0;
        for (int i = 1; i < ROBER_TIMES.length; i++) {
            double[] y = r.at(i).value().data;
            for (int k = 0; k < 3; k++) {
                loss += ROBER_WEIGHTS[k] * y[k];
            }
        }
        return loss;
    }

    private static double[] roberFiniteDifferences;

    private static synchronized double[] roberReference() {
        if (roberFiniteDifferences == null) {
            double[] g = new double[3];
            double d = 1e-4;
            for (int k = 0; k < 3; k++) {
                double[] plus = {1, 1, 1};
                double[] minus = {1, 1, 1};
                plus[k] += d;
                minus[k] -= d;
                g[k] = (roberLoss(plus) - roberLoss(minus)) / (2 * d);
            }
            roberFiniteDifferences = g;
        }
        return roberFiniteDifferences;
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void robertsonRateConstantsMatchCentralDifferencesOfTightSolves(GradientMethod method, String solver) {
        double[] ref = roberReference();
        double[][] got = roberGradient(method, solver, 1e-9, 1e-15);
        for (int k = 0; k < 3; k++) {
            double scale = Math.max(Math.abs(ref[0]), Math.max(Math.abs(ref[1]), Math.abs(ref[2])));
            assertThat(Math.abs(got[0][k] - ref[k]) / scale)
                    .as("%s/%s dL/dθ[%d]: got %s, central differences %s", method.name(), solver, k, got[0][k], ref[k])
                    .isLessThan(solver.equals("rosenbrock23") ? 1e-3 : 2e-5);
        }
    }

    /**
     * {@code y' = θ·M y} with {@code M = V diag(λ) V⁻¹}, λ = (−1, −100, −1e4): the exact solution
     * {@code y(T) = V diag(e^{θλT}) V⁻¹ y0}, so {@code L = cᵀy(T)} has {@code dL/dy0 = e^{θMT}ᵀ c} and
     * {@code dL/dθ = T cᵀ M e^{θMT} y0} (M commutes with its exponential).
     */
    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void linearStiffSystemMatchesItsMatrixExponential(GradientMethod method, String solver) {
        DMatrixRMaj v = new DMatrixRMaj(3, 3, true, 1, 1, 0, 0, 1, 1, 1, 0, 2);
        DMatrixRMaj vi = v.copy();
        assertThat(CommonOps_DDRM.invert(vi)).isTrue();
        double[] lambda = {-1, -100, -1e4};
        double theta = 0.7;
        double tEnd = 1.5;
        DMatrixRMaj m = product(v, diag(lambda[0], lambda[1], lambda[2]), vi);
        DMatrixRMaj expm = product(v, diag(Math.exp(theta * lambda[0] * tEnd), Math.exp(theta * lambda[1] * tEnd),
                Math.exp(theta * lambda[2] * tEnd)), vi);
        double[] c = {0.3, -1.2, 2.0};
        double[] y0v = {1, -0.5, 0.25};
        // exact gradients
        double[] dy0 = new double[3];
        double[] expmY0 = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                dy0[j] += expm.get(i, j) * c[i];
                expmY0[i] += expm.get(i, j) * y0v[j];
            }
        }
        double dtheta = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                dtheta += tEnd * c[i] * m.get(i, j) * expmY0[j];
            }
        }

        Parameter p = new Parameter("theta", new DMatrixRMaj(1, 1, true, theta));
        DMatrixRMaj mt = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.transpose(m, mt);
        Dynamics f = new Dynamics() {
            @Override
            public Tensor apply(Tensor t, Tensor h) {
                return h.matmul(h.tape().constant(mt)).mul(h.tape().param(p));
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(p);
            }
        };
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, 3, true, y0v));
        SolverOptions o = SolverOptions.builder().method(solver).rtol(1e-9).atol(1e-12).maxSteps(200_000).build();
        OdeSolveResult r = OdeSolve.solve(f, y0, new double[] {0, tEnd}, o, method);
        tape.backward(r.at(1).mul(tape.constant(1, 3, c)).sum());
        double tol = solver.equals("rosenbrock23") ? 1e-4 : 1e-6;
        assertThat(p.grad().get(0)).as("dL/dθ").isCloseTo(dtheta, org.assertj.core.data.Offset.offset(tol * Math.abs(dtheta)));
        for (int j = 0; j < 3; j++) {
            assertThat(y0.grad().value().get(j)).as("dL/dy0[%d]", j)
                    .isCloseTo(dy0[j], org.assertj.core.data.Offset.offset(tol * 3));
        }
    }

    /** y' = −diag(1, 1e3) y + W2 tanh(W1 y + b1) (rows), a 2-8-2 network made stiff by its linear part. */
    static final class StiffNet implements Dynamics {
        final Parameter w1;
        final Parameter b1;
        final Parameter w2;

        StiffNet(long seed) {
            java.util.Random r = new java.util.Random(seed);
            w1 = new Parameter("w1", gaussian(r, 2, 8, 0.8));
            b1 = new Parameter("b1", gaussian(r, 1, 8, 0.2));
            w2 = new Parameter("w2", gaussian(r, 8, 2, 0.5));
        }

        private static DMatrixRMaj gaussian(java.util.Random r, int rows, int cols, double s) {
            DMatrixRMaj m = new DMatrixRMaj(rows, cols);
            for (int i = 0; i < m.data.length; i++) {
                m.data[i] = s * r.nextGaussian();
            }
            return m;
        }

        @Override
        public Tensor apply(Tensor t, Tensor h) {
            Tape tape = h.tape();
            return h.mul(tape.constant(1, 2, -1, -1e3))
                    .add(h.matmul(tape.param(w1)).add(tape.param(b1)).tanh().matmul(tape.param(w2)));
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(w1, b1, w2);
        }
    }

    private static final double[] NET_TIMES = {0, 0.01, 0.5, 2};

    /** L = Σ_i Σ_c y_c(t_i)², for a batch of two samples. */
    private static double netLoss(StiffNet f, String solver, double rtol, GradientMethod m, boolean backward) {
        Tape tape = new Tape();
        Tensor y0 = tape.constant(2, 2, 1, -0.5, -0.3, 0.8);
        SolverOptions o = SolverOptions.builder().method(solver).rtol(rtol).atol(rtol * 1e-2).maxSteps(200_000).build();
        OdeSolveResult r = OdeSolve.solve(f, y0, NET_TIMES, o, m);
        Tensor loss = r.at(1).square().sum();
        for (int i = 2; i < NET_TIMES.length; i++) {
            loss = loss.add(r.at(i).square().sum());
        }
        if (backward) {
            tape.backward(loss);
        }
        return loss.item();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void theWeightsOfAStiffNetworkMatchCentralDifferencesAlongARandomDirection(GradientMethod method, String solver) {
        StiffNet f = new StiffNet(3);
        netLoss(f, solver, 1e-9, method, true);
        java.util.Random r = new java.util.Random(17);
        List<double[]> dirs = new ArrayList<>();
        double directional = 0;
        for (Parameter p : f.parameters()) {
            double[] d = new double[p.value().data.length];
            for (int k = 0; k < d.length; k++) {
                d[k] = r.nextGaussian();
                directional += d[k] * p.grad().data[k];
            }
            dirs.add(d);
        }
        double eps = 1e-5;
        double[] lossAt = new double[2];
        for (int s = 0; s < 2; s++) {
            StiffNet g = new StiffNet(3);
            for (int q = 0; q < 3; q++) {
                double[] v = g.parameters().get(q).value().data;
                for (int k = 0; k < v.length; k++) {
                    v[k] += (s == 0 ? eps : -eps) * dirs.get(q)[k];
                }
            }
            lossAt[s] = netLoss(g, "radau5", 1e-12, GradientMethod.checkpointed(), false);
        }
        double fd = (lossAt[0] - lossAt[1]) / (2 * eps);
        assertThat(Math.abs(directional - fd) / Math.abs(fd))
                .as("%s/%s: directional derivative %s, central differences %s", method.name(), solver, directional, fd)
                .isLessThan(solver.equals("rosenbrock23") ? 1e-3 : 1e-5);
    }

    @org.junit.jupiter.api.Test
    void directRejectsImplicitSolversNamingTheMethodsThatWork() {
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, 3, true, 1, 0, 0));
        SolverOptions o = SolverOptions.builder().method("rodas5p").rtol(1e-6).atol(1e-10).build();
        assertThatThrownBy(() -> OdeSolve.solve(new Robertson(), y0, ROBER_TIMES, o, GradientMethod.direct()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rodas5p")
                .hasMessageContaining("quadratureAdjoint()")
                .hasMessageContaining("checkpointed()");
    }

    @org.junit.jupiter.api.Test
    void theBacksolveAdjointRejectsImplicitSolversBeforeAnyWork() {
        for (GradientMethod m : new GradientMethod[] {GradientMethod.adjoint(),
                GradientMethod.adjoint(AdjointOptions.builder().seminorm(true).build())}) {
            Robertson f = new Robertson();
            Tape tape = new Tape();
            Tensor y0 = tape.variable(new DMatrixRMaj(1, 3, true, 1, 0, 0));
            SolverOptions o = SolverOptions.builder().method("radau5").rtol(1e-6).atol(1e-10).build();
            assertThatThrownBy(() -> OdeSolve.solve(f, y0, ROBER_TIMES, o, m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'radau5' is implicit")
                    .hasMessageContaining("quadratureAdjoint()")
                    .hasMessageContaining("checkpointed()");
        }
        // an explicit forward solve with an implicit backward solver is refused too
        Tape tape = new Tape();
        Tensor y0 = tape.variable(new DMatrixRMaj(1, 3, true, 1, 0, 0));
        SolverOptions explicit = SolverOptions.builder().method("dopri5").build();
        GradientMethod m = GradientMethod.adjoint(AdjointOptions.builder()
                .solver(SolverOptions.builder().method("rodas5p").build()).build());
        assertThatThrownBy(() -> OdeSolve.solve(new Robertson(), y0, new double[] {0, 1e-3}, explicit, m))
                .hasMessageContaining("'rodas5p' is implicit");
    }

    private static DMatrixRMaj diag(double a, double b, double c) {
        return CommonOps_DDRM.diag(a, b, c);
    }

    private static DMatrixRMaj product(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        DMatrixRMaj ab = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.mult(a, b, ab);
        DMatrixRMaj abc = new DMatrixRMaj(3, 3);
        CommonOps_DDRM.mult(ab, c, abc);
        return abc;
    }
}
