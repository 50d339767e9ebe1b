package dev.streamstate.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, one per workload ({@code <workload>.png} beside its CSV), drawn with
 * JFreeChart from the CSV files: the median batch time of each contender against the workload's
 * size (keys, words, events per second). An axis is logarithmic where its values span a decade or
 * more; the legend sits under the plot, so long contender names never cover it. Rows without a
 * steady batch are left out (their table says why).
 */
final class Charts {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;
  private static final Color[] LINES = {
    new Color(0xd62728),
    new Color(0x1f77b4),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e)
  };
  private static final Pattern HEADING = Pattern.compile("(?m)^## (.+) \\(`([a-z-]+)\\.csv`\\)$");

  private Charts() {}

  /**
   * Draws {@code <workload>.png} for every workload of {@code dir}'s report whose CSV has two sizes
   * or more, and returns the charts drawn.
   */
  static List<Path> drawAll(Path dir) throws IOException {
    List<Path> drawn = new ArrayList<>();
    Path report = dir.resolve(BenchmarkSuite.REPORT);
    if (!Files.exists(report)) {
      return drawn;
    }
    Matcher heading = HEADING.matcher(Files.readString(report));
    while (heading.find()) {
      Path csv = dir.resolve(heading.group(2) + ".csv");
      if (Files.exists(csv)) {
        Path png = dir.resolve(heading.group(2) + ".png");
        if (draw(heading.group(1), Files.readAllLines(csv), png)) {
          drawn.add(png);
        }
      }
    }
    return drawn;
  }

  /** Draws one workload's CSV lines to {@code png}; false (and nothing drawn) for a single size. */
  static boolean draw(String title, List<String> csv, Path png) throws IOException {
    JFreeChart chart = chart(title, csv);
    if (chart == null) {
      return false;
    }
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(png.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    return true;
  }

  /** One workload's chart from its CSV lines; null for a single size. */
  static JFreeChart chart(String title, List<String> csv) {
    String sizeUnit = csv.get(0).split(",", 2)[0];
    Map<String, XYSeries> contenders = new LinkedHashMap<>();
    List<Double> sizes = new ArrayList<>();
    List<Double> medians = new ArrayList<>();
    for (String line : csv.subList(1, csv.size())) {
      // size,contender,ours,samples,median_ms,...: contender names hold no comma
      String[] field = line.split(",", 9);
      double size = Double.parseDouble(field[0]);
      double median = Double.parseDouble(field[4]);
      if (Integer.parseInt(field[3]) == 0) {
        continue;
      }
      String name = (Boolean.parseBoolean(field[2]) ? "ours: " : "") + field[1];
      contenders.computeIfAbsent(name, key -> new XYSeries(key)).add(size, median);
      sizes.add(size);
      medians.add(median);
    }
    if (sizes.stream().distinct().count() < 2) {
      return null;
    }
    XYSeriesCollection data = new XYSeriesCollection();
    contenders.values().forEach(data::addSeries);
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < contenders.size(); i++) {
      lines.setSeriesPaint(i, LINES[i % LINES.length]);
      lines.setSeriesStroke(i, new BasicStroke(2.5f));
    }
    XYPlot plot =
        new XYPlot(data, axis(sizeUnit, sizes), axis("median batch time, ms", medians), lines);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
    LegendTitle legend = new LegendTitle(plot);
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /**
   * A log axis, so labelled, where the values span a decade or more (and none is zero), else a
   * linear one.
   */
  private static ValueAxis axis(String label, List<Double> values) {
    if (spansDecades(values)) {
      LogAxis axis = new LogAxis(label + " (log scale)");
      axis.setBase(10);
      axis.setSmallestValue(1);
      axis.setAutoTickUnitSelection(false);
      axis.setTickUnit(new NumberTickUnit(1)); // a tick per power of ten
      axis.setMinorTickCount(9);
      axis.setMinorTickMarksVisible(true);
      axis.setNumberFormatOverride(new DecimalFormat("#,##0")); // 10,000 rather than 10^4
      return axis;
    }
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(true);
    axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
    return axis;
  }

  private static boolean spansDecades(List<Double> values) {
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return min > 0 && max / min >= 10;
  }

  /** Draws the charts of the report in {@code args[0]} (default {@code benchmarks/results}). */
  public static void main(String[] args) throws IOException {
    for (Path png : drawAll(Path.of(args.length > 0 ? args[0] : "benchmarks/results"))) {
      System.out.println(png);
    }
  }
}
