package dev.neuralode.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Small helpers around XChart for the demos' PNG plots: line and scatter charts, log-log axes,
 * filled scalar fields (densities, decision regions) drawn as a grid of coloured squares, and
 * vector fields drawn as arrows.
 *
 * <p>All charts are rendered off-screen; {@link Main} sets {@code java.awt.headless=true} before
 * any AWT class loads. Not thread-safe (XChart charts are mutable).
 */
public final class Plots {

    /** A qualitative palette (Tableau 10) for distinguishable series. */
    public static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75),
        new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34),
        new Color(23, 190, 207)
    };

    /** The default chart size in pixels. */
    public static final int WIDTH = 640;
    /** The default chart height in pixels. */
    public static final int HEIGHT = 480;

    private Plots() {
    }

    /**
     * Creates a white XY chart with a legend inside the north-east corner.
     *
     * @param title  chart title
     * @param xLabel x-axis title
     * @param yLabel y-axis title
     * @return a new chart of {@link #WIDTH} × {@link #HEIGHT} pixels
     */
    public static XYChart xy(String title, String xLabel, String yLabel) {
        return xy(title, xLabel, yLabel, WIDTH, HEIGHT);
    }

    /**
     * Creates a white XY chart of a given size.
     *
     * @param title  chart title
     * @param xLabel x-axis title
     * @param yLabel y-axis title
     * @param width  pixels
     * @param height pixels
     * @return a new chart
     */
    public static XYChart xy(String title, String xLabel, String yLabel, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE)
                .setPlotBackgroundColor(Color.WHITE)
                .setLegendPosition(LegendPosition.InsideNE)
                .setLegendBackgroundColor(new Color(255, 255, 255, 210))
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14))
                .setAntiAlias(true);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setSeriesColors(PALETTE);
        return chart;
    }

    /**
     * Creates a log-log chart.
     *
     * @param title  chart title
     * @param xLabel x-axis title
     * @param yLabel y-axis title
     * @return a new chart with both axes logarithmic
     */
    public static XYChart logLog(String title, String xLabel, String yLabel) {
        XYChart chart = xy(title, xLabel, yLabel);
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideSE);
        return chart;
    }

    /**
     * The iteration numbers {@code 1 .. n} for a training curve, fixing the chart's x-axis to
     * {@code [0, n]} so that its ticks fall on round numbers.
     *
     * @param chart the chart. Modified.
     * @param n     the number of iterations
     * @return {@code {1, 2, ..., n}}
     */
    public static double[] iterations(XYChart chart, int n) {
        double[] it = new double[n];
        for (int i = 0; i < n; i++) {
            it[i] = i + 1;
        }
        chart.getStyler().setXAxisMin(0.0).setXAxisMax((double) n);
        return it;
    }

    /**
     * Fixes the axes' ranges.
     *
     * @param chart the chart. Modified.
     * @param xMin  lower x
     * @param xMax  upper x
     * @param yMin  lower y
     * @param yMax  upper y
     */
    public static void range(XYChart chart, double xMin, double xMax, double yMin, double yMax) {
        chart.getStyler().setXAxisMin(xMin).setXAxisMax(xMax).setYAxisMin(yMin).setYAxisMax(yMax);
    }

    /**
     * Adds a line without markers.
     *
     * @param chart the chart. Modified.
     * @param name  series name (unique within the chart)
     * @param x     abscissas. Not modified.
     * @param y     ordinates. Not modified.
     * @param color line colour
     * @param width line width in pixels
     * @return the series, for further styling
     */
    public static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color,
            float width) {
        XYSeries s = chart.addSeries(name, x.clone(), y.clone());
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        return s;
    }

    /**
     * Adds a dashed line without markers.
     *
     * @param chart the chart. Modified.
     * @param name  series name
     * @param x     abscissas. Not modified.
     * @param y     ordinates. Not modified.
     * @param color line colour
     * @return the series
     */
    public static XYSeries dashed(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = line(chart, name, x, y, color, 2.5f);
        s.setLineStyle(new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {6f, 4f}, 0f));
        return s;
    }

    /**
     * Adds a line with round markers at its points.
     *
     * @param chart the chart. Modified.
     * @param name  series name
     * @param x     abscissas. Not modified.
     * @param y     ordinates. Not modified.
     * @param color colour of line and markers
     * @return the series
     */
    public static XYSeries lineWithMarkers(XYChart chart, String name, double[] x, double[] y,
            Color color) {
        XYSeries s = line(chart, name, x, y, color, 1.5f);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        return s;
    }

    /**
     * Adds scattered points drawn as filled discs of a given pixel diameter.
     *
     * @param chart the chart. Modified.
     * @param name  series name
     * @param x     abscissas. Not modified.
     * @param y     ordinates. Not modified.
     * @param color marker colour
     * @param size  marker diameter in pixels
     * @return the series
     */
    public static XYSeries scatter(XYChart chart, String name, double[] x, double[] y, Color color,
            int size) {
        XYSeries s = chart.addSeries(name, x.clone(), y.clone());
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        s.setMarker(new Disc(size));
        s.setMarkerColor(color);
        return s;
    }

    /**
     * Draws a scalar field {@code value(x, y)} on an {@code n × n} grid over the given box as a
     * mosaic of coloured squares: the values are binned into {@code colors.length} equal levels
     * between their minimum and maximum (or between {@code lo} and {@code hi} when finite), one
     * series per level, hidden from the legend. Call this first so that later series are drawn on
     * top.
     *
     * @param chart  the chart. Modified (its axis range is fixed to the box).
     * @param name   series name prefix
     * @param value  the field
     * @param xMin   box lower x
     * @param xMax   box upper x
     * @param yMin   box lower y
     * @param yMax   box upper y
     * @param n      grid points per axis
     * @param colors colour ramp, low to high
     * @param lo     level of the first colour, or NaN for the minimum
     * @param hi     level of the last colour, or NaN for the maximum
     * @return the field's values, row-major {@code [iy][ix]}
     */
    public static double[][] field(XYChart chart, String name, DoubleBinaryOperator value,
            double xMin, double xMax, double yMin, double yMax, int n, Color[] colors,
            double lo, double hi) {
        double[][] v = new double[n][n];
        double dx = (xMax - xMin) / n;
        double dy = (yMax - yMin) / n;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                double f = value.applyAsDouble(xMin + (ix + 0.5) * dx, yMin + (iy + 0.5) * dy);
                v[iy][ix] = f;
                if (Double.isFinite(f)) {
                    min = Math.min(min, f);
                    max = Math.max(max, f);
                }
            }
        }
        fieldFromGrid(chart, name, v, xMin, xMax, yMin, yMax, colors,
                Double.isFinite(lo) ? lo : min, Double.isFinite(hi) ? hi : max);
        return v;
    }

    /**
     * The centres of an {@code n × n} grid of cells over a box, row-major: point
     * {@code iy·n + ix} is {@code (xMin + (ix + ½)(xMax - xMin)/n, yMin + (iy + ½)(yMax - yMin)/n)}.
     * Evaluate a model at them and fold the values with {@link #gridValues} for
     * {@link #fieldFromGrid}.
     *
     * @param n    cells per side
     * @param xMin box lower x
     * @param xMax box upper x
     * @param yMin box lower y
     * @param yMax box upper y
     * @return {@code n²} points {@code {x, y}}
     */
    static double[][] cellCentres(int n, double xMin, double xMax, double yMin, double yMax) {
        double[][] grid = new double[n * n][];
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                grid[iy * n + ix] = new double[] {xMin + (ix + 0.5) * (xMax - xMin) / n,
                    yMin + (iy + 0.5) * (yMax - yMin) / n};
            }
        }
        return grid;
    }

    /**
     * Folds values given per point of {@link #cellCentres} into the {@code [iy][ix]} layout of
     * {@link #fieldFromGrid}.
     *
     * @param n     cells per side
     * @param value the value at point {@code iy·n + ix}
     * @return {@code v[iy][ix]}
     */
    static double[][] gridValues(int n, java.util.function.IntToDoubleFunction value) {
        double[][] v = new double[n][n];
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                v[iy][ix] = value.applyAsDouble(iy * n + ix);
            }
        }
        return v;
    }

    /**
     * Draws precomputed grid values as in {@link #field}.
     *
     * @param chart  the chart. Modified.
     * @param name   series name prefix
     * @param v      values {@code [iy][ix]} at cell centres. Not modified.
     * @param xMin   box lower x
     * @param xMax   box upper x
     * @param yMin   box lower y
     * @param yMax   box upper y
     * @param colors colour ramp, low to high
     * @param lo     level of the first colour
     * @param hi     level of the last colour
     */
    public static void fieldFromGrid(XYChart chart, String name, double[][] v, double xMin,
            double xMax, double yMin, double yMax, Color[] colors, double lo, double hi) {
        int ny = v.length;
        int nx = v[0].length;
        double dx = (xMax - xMin) / nx;
        double dy = (yMax - yMin) / ny;
        int levels = colors.length;
        List<List<double[]>> bins = new ArrayList<>();
        for (int k = 0; k < levels; k++) {
            bins.add(new ArrayList<>());
        }
        double span = hi > lo ? hi - lo : 1.0;
        for (int iy = 0; iy < ny; iy++) {
            for (int ix = 0; ix < nx; ix++) {
                double f = v[iy][ix];
                if (!Double.isFinite(f)) {
                    continue;
                }
                int k = (int) Math.floor((f - lo) / span * levels);
                k = Math.max(0, Math.min(levels - 1, k));
                bins.get(k).add(new double[] {xMin + (ix + 0.5) * dx, yMin + (iy + 0.5) * dy});
            }
        }
        // cell size in pixels: the plot area is roughly 85% of the chart in each direction
        double cellW = chart.getWidth() * 0.86 / nx;
        double cellH = chart.getHeight() * 0.80 / ny;
        for (int k = 0; k < levels; k++) {
            List<double[]> pts = bins.get(k);
            if (pts.isEmpty()) {
                continue;
            }
            double[] xs = new double[pts.size()];
            double[] ys = new double[pts.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = pts.get(i)[0];
                ys[i] = pts.get(i)[1];
            }
            XYSeries s = chart.addSeries(name + " " + k, xs, ys);
            s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            s.setMarker(new Cell(cellW + 1.5, cellH + 1.5));
            s.setMarkerColor(colors[k]);
            s.setShowInLegend(false);
        }
        range(chart, xMin, xMax, yMin, yMax);
        chart.getStyler().setPlotContentSize(1.0);
    }

    /**
     * Draws a vector field as arrows on an {@code n × n} grid; an arrow's length grows as the
     * square root of the vector's norm (so slow regions stay visible), the longest spanning 0.9
     * grid cells; one series hidden from the legend.
     *
     * @param chart the chart. Modified.
     * @param name  series name
     * @param f     the field: maps {@code (x, y)} to {@code (u, v)}
     * @param xMin  box lower x
     * @param xMax  box upper x
     * @param yMin  box lower y
     * @param yMax  box upper y
     * @param n     grid points per axis
     * @param color arrow colour
     */
    public static void arrows(XYChart chart, String name, VectorField f, double xMin, double xMax,
            double yMin, double yMax, int n, Color color) {
        double dx = (xMax - xMin) / n;
        double dy = (yMax - yMin) / n;
        double[][] u = new double[n * n][];
        double maxLen = 0;
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                double x = xMin + (ix + 0.5) * dx;
                double y = yMin + (iy + 0.5) * dy;
                double[] uv = f.at(x, y);
                u[iy * n + ix] = uv;
                // length measured in cells, so the scale is right on non-square boxes
                maxLen = Math.max(maxLen, Math.hypot(uv[0] / dx, uv[1] / dy));
            }
        }
        double scale = maxLen > 0 ? 0.9 / maxLen : 0;
        // one polyline per arrow: tail -> head -> barb1 -> head -> barb2, separated by NaN gaps
        int per = 6;
        double[] xs = new double[n * n * per];
        double[] ys = new double[n * n * per];
        int j = 0;
        for (int iy = 0; iy < n; iy++) {
            for (int ix = 0; ix < n; ix++) {
                double x0 = xMin + (ix + 0.5) * dx;
                double y0 = yMin + (iy + 0.5) * dy;
                double[] uv = u[iy * n + ix];
                // work in cell units so the barbs look right on non-square boxes
                double norm = Math.hypot(uv[0] / dx, uv[1] / dy);
                double shrink = norm > 0 ? Math.sqrt(norm * maxLen) / norm : 0;
                double cu = uv[0] / dx * scale * shrink;
                double cv = uv[1] / dy * scale * shrink;
                double len = Math.hypot(cu, cv);
                double x1 = x0 + cu * dx;
                double y1 = y0 + cv * dy;
                double bx = -cu * 0.3;
                double by = -cv * 0.3;
                double c = Math.cos(0.45);
                double s = Math.sin(0.45);
                xs[j] = x0;
                ys[j++] = y0;
                xs[j] = x1;
                ys[j++] = y1;
                xs[j] = x1 + (c * bx - s * by) * dx;
                ys[j++] = y1 + (s * bx + c * by) * dy;
                xs[j] = x1;
                ys[j++] = y1;
                xs[j] = len > 0 ? x1 + (c * bx + s * by) * dx : x1;
                ys[j++] = len > 0 ? y1 + (-s * bx + c * by) * dy : y1;
                xs[j] = Double.NaN;
                ys[j++] = Double.NaN;
            }
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(1.2f));
        s.setShowInLegend(false);
        range(chart, xMin, xMax, yMin, yMax);
        chart.getStyler().setPlotContentSize(1.0);
    }

    /**
     * A colour ramp from white through light blue to dark blue (sequential, for densities).
     *
     * @param levels number of colours
     * @return the ramp
     */
    public static Color[] blues(int levels) {
        return ramp(levels, new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107));
    }

    /**
     * A two-class ramp: light blue for low values, light red for high values, white near 0.5.
     *
     * @param levels number of colours (even)
     * @return the ramp
     */
    public static Color[] diverging(int levels) {
        return ramp(levels, new Color(146, 197, 222), new Color(247, 247, 247), new Color(244, 165, 130));
    }

    /**
     * A ramp interpolating linearly through the given stops.
     *
     * @param levels number of colours, at least 2
     * @param stops  at least two colours
     * @return the ramp
     */
    public static Color[] ramp(int levels, Color... stops) {
        Color[] out = new Color[levels];
        for (int i = 0; i < levels; i++) {
            double p = levels == 1 ? 0 : (double) i / (levels - 1) * (stops.length - 1);
            int a = Math.min((int) Math.floor(p), stops.length - 2);
            double w = p - a;
            Color c0 = stops[a];
            Color c1 = stops[a + 1];
            out[i] = new Color(mix(c0.getRed(), c1.getRed(), w), mix(c0.getGreen(), c1.getGreen(), w),
                    mix(c0.getBlue(), c1.getBlue(), w));
        }
        return out;
    }

    private static int mix(int a, int b, double w) {
        return (int) Math.round(a + (b - a) * w);
    }

    /**
     * Writes one chart to a PNG file, creating parent folders.
     *
     * @param chart the chart
     * @param file  the target, normally ending in {@code .png}
     * @return {@code file}
     * @throws IOException if writing fails
     */
    public static Path save(Chart<?, ?> chart, Path file) throws IOException {
        hideEmptyLegend(chart);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }

    /**
     * Writes several charts as one PNG laid out in a grid.
     *
     * @param charts the charts, row by row
     * @param rows   grid rows
     * @param cols   grid columns
     * @param file   the target
     * @return {@code file}
     * @throws IOException if writing fails
     */
    public static <T extends Chart<?, ?>> Path saveGrid(List<T> charts, int rows, int cols, Path file)
            throws IOException {
        for (T c : charts) {
            hideEmptyLegend(c);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(charts, rows, cols, out, BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }

    private static void hideEmptyLegend(Chart<?, ?> chart) {
        if (chart instanceof XYChart xy) {
            roundLinearTicks(xy);
            readableLogTicks(xy);
            if (xy.getSeriesMap().values().stream().noneMatch(XYSeries::isShowInLegend)) {
                xy.getStyler().setLegendVisible(false);
            }
        }
    }

    /** The name of the invisible series {@link #roundLinearTicks} adds. */
    static final String TICK_SERIES = "\u2063ticks";

    /**
     * Gives a linear x-axis ticks on round numbers. XChart places the ticks of an axis whose data
     * are equally spaced (iterations 1, 2, ..., n) on every k-th data point (0, 11, 22, ...); an
     * invisible series of three points, one of them off the grid (at 1/π of the range), makes it
     * use its ordinary 1-2-5 steps instead. The y of the added points is one of the chart's own, so
     * the y-axis range does not change.
     *
     * @param chart the chart. Modified (once; later calls do nothing).
     */
    static void roundLinearTicks(XYChart chart) {
        if (chart.getStyler().isXAxisLogarithmic() || chart.getSeriesMap().containsKey(TICK_SERIES)) {
            return;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double y = Double.NaN;
        for (XYSeries s : chart.getSeriesMap().values()) {
            double[] xs = s.getXData();
            double[] ys = s.getYData();
            for (int i = 0; i < xs.length; i++) {
                if (Double.isFinite(xs[i]) && Double.isFinite(ys[i])) {
                    lo = Math.min(lo, xs[i]);
                    hi = Math.max(hi, xs[i]);
                    if (Double.isNaN(y)) {
                        y = ys[i];
                    }
                }
            }
        }
        Double min = chart.getStyler().getXAxisMin();
        Double max = chart.getStyler().getXAxisMax();
        lo = min != null ? min : lo;
        hi = max != null ? max : hi;
        if (!(hi > lo) || Double.isNaN(y)) {
            return;
        }
        XYSeries s = chart.addSeries(TICK_SERIES, new double[] {lo, lo + (hi - lo) / Math.PI, hi},
                new double[] {y, y, y});
        s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(0, 0, 0, 0));
        s.setShowInLegend(false);
    }

    /**
     * Labels a logarithmic y-axis with readable numbers. XChart labels only the powers of ten
     * (0.1 and 0.01 on a training curve), and asking it for all nine ticks of each decade crowds
     * their labels; so an axis spanning at most three decades also gets the labels 2 and 5 times
     * each power of ten ({@code 0.005, 0.02, 0.05, 0.2}), drawn as text annotations right-aligned
     * in the tick-label column next to XChart's own minor grid lines. Once per chart.
     *
     * @param chart the chart. Modified.
     * @return the labels added (none for a linear or a wide axis, or a chart labelled before)
     */
    static List<LogLabel> readableLogTicks(XYChart chart) {
        List<LogLabel> added = new ArrayList<>();
        if (!chart.getStyler().isYAxisLogarithmic() || chart.getStyler().isXAxisLogarithmic() || !LABELLED.add(chart)) {
            return added;
        }
        double[] y = range(chart, false);
        double[] x = range(chart, true);
        if (!(y[1] > y[0]) || !(x[1] > x[0]) || Math.log10(y[1] / y[0]) > 3) {
            return added;
        }
        Double xMin = chart.getStyler().getXAxisMin();
        Double xMax = chart.getStyler().getXAxisMax();
        double left = xMin != null ? xMin : x[0];
        double span = (xMax != null ? xMax : x[1]) - left;
        Font font = chart.getStyler().getAxisTickLabelsFont();
        java.awt.font.FontRenderContext frc = new java.awt.font.FontRenderContext(null, true, true);
        double plotWidth = Math.max(100, chart.getWidth() - 110.0);
        chart.getStyler().setAnnotationTextFont(font).setAnnotationTextFontColor(chart.getStyler().getAxisTickLabelsColor());
        for (int e = (int) Math.floor(Math.log10(y[0])); e <= (int) Math.ceil(Math.log10(y[1])); e++) {
            for (int m : new int[] {2, 5}) {
                double v = m * Math.pow(10, e);
                if (v >= y[0] && v <= y[1]) {
                    String label = logLabel(v, true);
                    double w = font.getStringBounds(label, frc).getWidth();
                    // centred so that its right end sits where XChart right-aligns its own tick labels
                    double cx = left - span * (w / 2 + chart.getStyler().getAxisTickPadding() + 4) / plotWidth;
                    chart.addAnnotation(new org.knowm.xchart.AnnotationText(label, cx, v, false));
                    added.add(new LogLabel(label, cx, v));
                }
            }
        }
        return added;
    }

    /** Charts whose log axis {@link #readableLogTicks} has labelled already. */
    private static final java.util.Set<XYChart> LABELLED =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    /**
     * A tick label added to a logarithmic axis.
     *
     * @param text the label
     * @param x    the data x of the label's centre (left of the plot)
     * @param y    the value it labels
     */
    record LogLabel(String text, double x, double y) {
    }

    /** The range of the finite data of one axis (positive data on a logarithmic axis). */
    private static double[] range(XYChart chart, boolean x) {
        boolean log = x ? chart.getStyler().isXAxisLogarithmic() : chart.getStyler().isYAxisLogarithmic();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            if (s.getName().equals(TICK_SERIES)) {
                continue;
            }
            for (double v : x ? s.getXData() : s.getYData()) {
                if (Double.isFinite(v) && (!log || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return new double[] {lo, hi};
    }

    /**
     * The label of a logarithmic tick at {@code v}: empty unless {@code v} is 1, 2 or 5 times a
     * power of ten (only 1 unless {@code fine}); plain decimals from 10⁻⁴ to 10⁴, {@code 2e-7} style
     * beyond.
     *
     * @param v    the tick's value
     * @param fine whether 2 and 5 times a power of ten are labelled too
     * @return the label, possibly empty
     */
    static String logLabel(double v, boolean fine) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return "";
        }
        int e = (int) Math.floor(Math.log10(v) + 1e-9);
        double m = v / Math.pow(10, e);
        long mi = Math.round(m);
        if (Math.abs(m - mi) > 1e-6 * m || !(mi == 1 || fine && (mi == 2 || mi == 5))) {
            return "";
        }
        if (e >= -4 && e <= 4) {
            return new java.math.BigDecimal(mi).scaleByPowerOfTen(e).stripTrailingZeros().toPlainString();
        }
        return mi + "e" + e;
    }

    /**
     * Puts the legend below the plot, in one row, where it cannot cover data (training curves,
     * whose lines fill the plot's corners).
     *
     * @param chart the chart. Modified.
     */
    public static void legendBelow(XYChart chart) {
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS)
                .setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    }

    /**
     * Limits the y-axis of a training curve so that its end stays readable: the first iterations
     * of a loss that falls by orders of magnitude (a negative ELBO from 12,000 to -26) would
     * otherwise squeeze the rest of the run into a line. The upper limit is the largest value after
     * the first tenth of the run, plus a margin; the lower one the smallest value, minus a margin.
     * A curve whose early values would take less than half of the axis keeps XChart's range.
     *
     * @param chart  the chart. Modified.
     * @param values the curve's values, iteration by iteration
     * @return how many iterations lie above the upper limit (drawn off the top), 0 if none
     */
    public static int focusOnTraining(XYChart chart, double[] values) {
        int from = values.length / 10;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double tailHi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i])) {
                lo = Math.min(lo, values[i]);
                hi = Math.max(hi, values[i]);
                if (i >= from) {
                    tailHi = Math.max(tailHi, values[i]);
                }
            }
        }
        // only when the early iterations would take more than half of the axis
        if (!(tailHi > lo) || hi - tailHi <= tailHi - lo) {
            return 0;
        }
        double margin = 0.05 * (tailHi - lo);
        double top = tailHi + margin;
        chart.getStyler().setYAxisMin(lo - margin).setYAxisMax(top);
        int above = 0;
        for (double v : values) {
            above += v > top ? 1 : 0;
        }
        return above;
    }

    /** A 2-D vector field for {@link #arrows}. */
    @FunctionalInterface
    public interface VectorField {
        /**
         * The vector at a point.
         *
         * @param x abscissa
         * @param y ordinate
         * @return {@code {u, v}}
         */
        double[] at(double x, double y);
    }

    /** A filled disc of a fixed pixel diameter (XChart's marker size is chart-wide). */
    static final class Disc extends Marker {
        private final int size;

        Disc(int size) {
            this.size = size;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            double h = size / 2.0;
            g.fill(new java.awt.geom.Ellipse2D.Double(x - h, y - h, size, size));
        }
    }

    /** A filled rectangle of fixed pixel size: one cell of a field mosaic. */
    static final class Cell extends Marker {
        private final double w;
        private final double h;

        Cell(double w, double h) {
            this.w = w;
            this.h = h;
        }

        @Override
        public void paint(Graphics2D g, double x, double y, int markerSize) {
            g.fill(new Rectangle2D.Double(x - w / 2, y - h / 2, w, h));
        }
    }
}
