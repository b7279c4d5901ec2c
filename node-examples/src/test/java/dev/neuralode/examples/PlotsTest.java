package dev.neuralode.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;

/** The plot fixes of issue 13, item 16: round x ticks, readable log labels, legends off the data, a readable tail. */
class PlotsTest {

    @TempDir
    Path out;

    @Test
    void logLabelsAreOneTwoFiveTimesAPowerOfTenInPlainNotation() {
        assertThat(Plots.logLabel(0.05, true)).isEqualTo("0.05");
        assertThat(Plots.logLabel(0.002, true)).isEqualTo("0.002");
        assertThat(Plots.logLabel(200, true)).isEqualTo("200");
        assertThat(Plots.logLabel(1, true)).isEqualTo("1");
        assertThat(Plots.logLabel(5e-7, true)).isEqualTo("5e-7");
        assertThat(Plots.logLabel(0.03, true)).isEmpty();
        assertThat(Plots.logLabel(0.05, false)).isEmpty();
        assertThat(Plots.logLabel(0.1, false)).isEqualTo("0.1");
    }

    /** A training curve over three decades gets labels between XChart's powers of ten; a wider axis does not. */
    @Test
    void aLogAxisOfAFewDecadesGetsLabelsAtTwoAndFive() throws Exception {
        XYChart narrow = curve(0.7, 0.0015);
        List<Plots.LogLabel> labels = Plots.readableLogTicks(narrow);
        assertThat(labels).extracting(Plots.LogLabel::text)
                .containsExactlyInAnyOrder("0.002", "0.005", "0.02", "0.05", "0.2", "0.5");
        for (Plots.LogLabel l : labels) {
            assertThat(l.x()).as("left of the plot").isNegative().isGreaterThan(-20);
            assertThat(Double.parseDouble(l.text())).isEqualTo(l.y(), org.assertj.core.api.Assertions.within(1e-15));
        }
        assertThat(Plots.readableLogTicks(narrow)).as("once per chart").isEmpty();
        Plots.save(narrow, out.resolve("narrow.png"));
        assertThat(Plots.readableLogTicks(curve(1, 1e-9))).as("six decades: XChart's decade labels").isEmpty();
    }

    /** XChart puts ticks on every k-th point of equally spaced data (0, 11, 22, ...); the invisible series stops that. */
    @Test
    void iterationAxesGetAnOffGridTickSeriesThatMovesNothing() throws Exception {
        XYChart c = curve(0.7, 0.0015);
        Plots.save(c, out.resolve("c.png"));
        XYSeries ticks = c.getSeriesMap().get(Plots.TICK_SERIES);
        assertThat(ticks).isNotNull();
        assertThat(ticks.isShowInLegend()).isFalse();
        assertThat(ticks.getXData()).containsExactly(0, 200.0 / Math.PI, 200);
        assertThat(ticks.getXData()[1] % 1).as("off the integer grid").isNotZero();
        assertThat(ticks.getYData()).containsOnly(c.getSeriesMap().get("loss").getYData()[0]);
        assertThat(ticks.getLineColor().getAlpha()).isZero();
        Plots.save(c, out.resolve("again.png"));
        assertThat(c.getSeriesMap()).hasSize(2);
    }

    @Test
    void legendsOfTrainingCurvesGoBelowThePlot() {
        XYChart c = curve(0.7, 0.0015);
        Plots.legendBelow(c);
        assertThat(c.getStyler().getLegendPosition()).isEqualTo(LegendPosition.OutsideS);
    }

    /** A loss from 12,000 down to -26: the axis shows the run after its first tenth, and says how much is cut. */
    @Test
    void aTrainingCurveAxisShowsTheEndOfTheRun() {
        int n = 300;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 12000 * Math.exp(-i / 5.0) - 26 + 5 * Math.sin(i);
        }
        XYChart c = Plots.xy("t", "iteration", "-ELBO");
        Plots.line(c, "loss", Plots.iterations(c, n), v, Plots.PALETTE[0], 1f);
        int above = Plots.focusOnTraining(c, v);
        double tailMax = -Double.MAX_VALUE;
        double min = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (i >= n / 10) {
                tailMax = Math.max(tailMax, v[i]);
            }
            min = Math.min(min, v[i]);
        }
        assertThat(c.getStyler().getYAxisMax()).isGreaterThan(tailMax).isLessThan(tailMax + 0.1 * (tailMax - min));
        assertThat(c.getStyler().getYAxisMin()).isLessThan(min);
        int expected = 0;
        for (double x : v) {
            expected += x > c.getStyler().getYAxisMax() ? 1 : 0;
        }
        assertThat(above).isEqualTo(expected).isBetween(1, n / 10);
        // a curve with no early transient keeps XChart's own range
        XYChart flat = Plots.xy("t", "iteration", "loss");
        double[] f = {1, 0.9, 0.95, 0.8, 0.85, 0.7, 0.75, 0.6, 0.65, 0.5, 0.55, 0.4};
        Plots.line(flat, "loss", Plots.iterations(flat, f.length), f, Plots.PALETTE[0], 1f);
        assertThat(Plots.focusOnTraining(flat, f)).isZero();
        assertThat(flat.getStyler().getYAxisMax()).isNull();
    }

    private static XYChart curve(double from, double to) {
        int n = 200;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = from * Math.pow(to / from, i / (n - 1.0));
        }
        XYChart c = Plots.xy("Training", "iteration", "L1");
        c.getStyler().setYAxisLogarithmic(true);
        Plots.line(c, "loss", Plots.iterations(c, n), y, Plots.PALETTE[0], 1f);
        return c;
    }

}
