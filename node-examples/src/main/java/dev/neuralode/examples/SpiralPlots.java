package dev.neuralode.examples;

import java.awt.Color;
import java.util.List;

import org.knowm.xchart.XYChart;

/**
 * The spiral demo's figures, after torchdiffeq's {@code ode_demo.py --viz}: the trajectories
 * against time, the phase portrait, and the learned vector field next to the true one.
 */
final class SpiralPlots {

    private static final Color TRUE = new Color(40, 40, 40);
    private static final Color LEARNED = new Color(214, 39, 40);

    private SpiralPlots() {
    }

    static XYChart trajectories(double[] t, double[][] truth, double[][] learned, int iteration) {
        XYChart c = Plots.xy("Trajectories after " + iteration + " iterations", "t", "x, y", 800, 400);
        Plots.line(c, "true x", t, col(truth, 0), Plots.PALETTE[0], 2f);
        Plots.line(c, "true y", t, col(truth, 1), Plots.PALETTE[2], 2f);
        Plots.dashed(c, "learned x", t, col(learned, 0), Plots.PALETTE[1]);
        Plots.dashed(c, "learned y", t, col(learned, 1), Plots.PALETTE[3]);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        c.getStyler().setXAxisMin(t[0]).setXAxisMax(t[t.length - 1]);
        c.getStyler().setXAxisDecimalPattern("0.#");
        return c;
    }

    static XYChart phase(double[][] truth, double[][] learned, int iteration) {
        XYChart c = Plots.xy("Phase portrait after " + iteration + " iterations", "x", "y", 480, 480);
        Plots.line(c, "true", col(truth, 0), col(truth, 1), TRUE, 2f);
        Plots.dashed(c, "learned", col(learned, 0), col(learned, 1), LEARNED);
        Plots.range(c, -2.2, 2.2, -2.2, 2.2);
        return c;
    }

    static XYChart field(String title, Plots.VectorField f, double[][] path, String pathName, Color pathColor) {
        XYChart c = Plots.xy(title, "x", "y", 480, 480);
        Plots.arrows(c, "field", f, -2.2, 2.2, -2.2, 2.2, 21, new Color(90, 90, 90));
        Plots.line(c, pathName, col(path, 0), col(path, 1), pathColor, 2f);
        return c;
    }

    static XYChart loss(double[] it, double[] trainLoss, double[] testIt, double[] testL1) {
        XYChart c = Plots.xy("Training", "iteration", "L1");
        c.getStyler().setYAxisLogarithmic(true);
        Plots.line(c, "batch loss", it, trainLoss, Plots.PALETTE[0], 1f);
        if (testIt.length > 0) {
            Plots.lineWithMarkers(c, "full-trajectory L1", testIt, testL1, Plots.PALETTE[3]);
        }
        return c;
    }

    static List<XYChart> fieldPair(Plots.VectorField truthField, Plots.VectorField learnedField,
            double[][] truth, double[][] learned) {
        return List.of(field("True vector field", truthField, truth, "true", TRUE),
                field("Learned vector field", learnedField, learned, "learned", LEARNED));
    }

    static double[] col(double[][] a, int j) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i][j];
        }
        return c;
    }
}
