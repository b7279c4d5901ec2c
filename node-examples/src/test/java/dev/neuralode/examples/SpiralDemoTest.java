package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.neuralode.adjoint.OdeSolveResult;
import dev.neuralode.autodiff.Parameter;
import dev.neuralode.autodiff.Tape;
import dev.neuralode.models.nn.Sequential;
import dev.neuralode.solvers.OdeSolvers;
import dev.neuralode.solvers.SolverOptions;

class SpiralDemoTest {

    @TempDir
    Path out;

    @Test
    void dataIsTheReferenceSpiral() {
        SpiralData d = SpiralData.reference();
        assertThat(d.size()).isEqualTo(1000);
        double[] t = d.times();
        assertThat(t[0]).isZero();
        assertThat(t[999]).isEqualTo(25.0);
        assertThat(t[1]).isCloseTo(25.0 / 999, within(1e-15));
        double[][] y = d.states();
        assertThat(y[0]).containsExactly(2.0, 0.0);
        // an independent, much tighter solve agrees with the data to its tolerance
        double[] tight = OdeSolvers.solve(SpiralData.TRUE_DYNAMICS, SpiralData.Y0, new double[] {0, 25},
                SolverOptions.builder().method("dopri8").rtol(1e-12).atol(1e-14).build()).state(1);
        assertThat(y[999][0]).isCloseTo(tight[0], within(1e-5));
        assertThat(y[999][1]).isCloseTo(tight[1], within(1e-5));
        assertThat(d.batchTimes()).hasSize(10).startsWith(0.0);
    }

    @Test
    void batchesAreTwentyDistinctWindows() {
        SpiralData d = SpiralData.reference();
        double[][] y = d.states();
        Random rng = new Random(3);
        for (int rep = 0; rep < 50; rep++) {
            SpiralData.Batch b = d.batch(rng);
            assertThat(b.start()).hasSize(20).doesNotHaveDuplicates();
            assertThat(Arrays.stream(b.start()).min().getAsInt()).isGreaterThanOrEqualTo(0);
            assertThat(Arrays.stream(b.start()).max().getAsInt()).isLessThanOrEqualTo(989);
            assertThat(b.target()).hasNumberOfRows(10);
            for (int k = 0; k < 20; k++) {
                assertThat(b.y0()[k]).containsExactly(y[b.start()[k]]);
                assertThat(b.target()[9][k]).containsExactly(y[b.start()[k] + 9]);
            }
        }
    }

    @Test
    void tinyRunPrintsTheSummaryAndPlots() throws Exception {
        DemoResult r = DemoAssertions.run(new SpiralDemo(), out, "--iterations", "3", "--test-every", "2");
        DemoAssertions.figuresFinite(r);
        assertThat(r.summary()).matches("spiral: gradient=direct method=dopri5 iterations=3 s_per_iter=\\S+ "
                + "nfe_forward_per_iter=\\S+ nfe_backward_per_iter=\\S+ final_full_L1=\\S+");
        assertThat(r.figure("final_full_L1")).isBetween(0.0, 5.0);
        assertThat(r.figure("nfe_forward_per_iter")).isPositive();
        DemoAssertions.validPngs(r, 4);
    }

    @Test
    void lossIsTheMeanAbsoluteErrorOverAllBatchPredictions() {
        SpiralData d = SpiralData.reference();
        SpiralData.Batch b = d.batch(new Random(5));
        Sequential f = SpiralDemo.network(new Random(1));
        DiffSolve solver = new DiffSolve(f, "dopri5", 1e-7, 1e-9, null, "direct");
        Tape tape = new Tape();
        OdeSolveResult pred = solver.solve(tape.constant(b.y0()), d.batchTimes());
        double expected = 0;
        for (int i = 0; i < 10; i++) {
            for (int k = 0; k < 20; k++) {
                for (int j = 0; j < 2; j++) {
                    expected += Math.abs(pred.at(i).get(k, j) - b.target()[i][k][j]);
                }
            }
        }
        expected /= 10 * 20 * 2;
        assertThat(SpiralDemo.batchLoss(pred, b).item()).isCloseTo(expected, within(1e-14));
    }

    /**
     * The three gradient methods give the same parameter gradient of the benchmark's loss on a
     * batch, to the solver tolerance (rtol 1e-7): a worse final L1 of one method after 2000
     * iterations is the chaotic spread of training runs, not a wrong gradient.
     */
    @Test
    void gradientMethodsAgreeOnABatch() {
        SpiralData d = SpiralData.reference();
        Random rng = new Random(0);
        Sequential f = SpiralDemo.network(rng);
        SpiralData.Batch b = d.batch(rng);
        double[][] g = new double[3][];
        String[] methods = {"direct", "adjoint", "checkpoint"};
        for (int m = 0; m < 3; m++) {
            f.zeroGrad();
            Tape tape = new Tape();
            OdeSolveResult pred = new DiffSolve(f, "dopri5", 1e-7, 1e-9, null, methods[m])
                    .solve(tape.constant(b.y0()), d.batchTimes());
            tape.backward(SpiralDemo.batchLoss(pred, b));
            g[m] = f.parameters().stream().map(Parameter::grad).flatMapToDouble(p -> Arrays.stream(p.data)).toArray();
        }
        assertThat(Arrays.stream(g[0]).map(Math::abs).sum()).isPositive();
        assertThat(AdjointDemo.relDiff(g[1], g[0])).isLessThan(1e-5);
        assertThat(AdjointDemo.relDiff(g[2], g[0])).isLessThan(1e-5);
    }

    @Test
    void l1IsTheMeanOverPointsAndCoordinates() {
        double[][] truth = {{0, 0}, {1, 1}};
        double[][] y = {{1, 0}, {1, 3}};
        assertThat(SpiralDemo.l1(y, truth)).isEqualTo(0.75);
    }
}
