package dev.streamstate.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The chart of the report: median batch time against state size, one line per contender, keys on
 * a log scale. Drawn with Java2D into a PNG (headless: no display, no chart library).
 */
final class Chart {
  private static final int WIDTH = 980;
  private static final int HEIGHT = 500;
  private static final int LEFT = 80;
  private static final int RIGHT = 390;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;
  private static final Color[] LINES = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd)};

  private Chart() {}

  /** Draws the rows' median batch times (rows without a figure are left out) to {@code png}. */
  static void medianBatchTimeVsKeys(String title, List<Results.Row> rows, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Map<String, List<Results.Row>> lines = new LinkedHashMap<>();
    for (Results.Row row : rows) {
      if (row.samples() > 0) {
        lines.computeIfAbsent((row.ours() ? "ours: " : "") + row.contender(), name -> new ArrayList<>()).add(row);
      }
    }
    long minKeys = rows.stream().mapToLong(Results.Row::size).min().orElse(1);
    long maxKeys = rows.stream().mapToLong(Results.Row::size).max().orElse(10);
    double xFrom = Math.floor(Math.log10(Math.max(1, minKeys)));
    double xTo = Math.max(xFrom + 1, Math.ceil(Math.log10(Math.max(1, maxKeys))));
    long maxMillis = Math.max(1, rows.stream().mapToLong(Results.Row::medianMillis).max().orElse(1));
    double yTo = niceCeiling(maxMillis);

    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.setColor(Color.BLACK);
    g.drawString(title, LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i <= 5; i++) { // y grid: six steps of the rounded maximum
      double millis = yTo * i / 5;
      int y = TOP + plotHeight - (int) Math.round(plotHeight * i / 5.0);
      g.setColor(new Color(0xdddddd));
      g.drawLine(LEFT, y, LEFT + plotWidth, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%,.0f", millis), 10, y + 4);
    }
    for (double decade = xFrom; decade <= xTo; decade++) { // x grid: decades of keys
      int x = LEFT + (int) Math.round(plotWidth * (decade - xFrom) / (xTo - xFrom));
      g.setColor(new Color(0xdddddd));
      g.drawLine(x, TOP, x, TOP + plotHeight);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%,.0f", Math.pow(10, decade)), x - 20, TOP + plotHeight + 20);
    }
    g.drawRect(LEFT, TOP, plotWidth, plotHeight);
    g.drawString("keys in state (log scale)", LEFT + plotWidth / 2 - 60, HEIGHT - 15);
    g.drawString("median batch (ms)", 10, TOP - 10);

    int line = 0;
    for (Map.Entry<String, List<Results.Row>> contender : lines.entrySet()) {
      g.setColor(LINES[line % LINES.length]);
      g.setStroke(new BasicStroke(2.5f));
      int previousX = -1;
      int previousY = -1;
      for (Results.Row row : contender.getValue()) {
        int x = LEFT + (int) Math.round(plotWidth * (Math.log10(Math.max(1, row.size())) - xFrom) / (xTo - xFrom));
        int y = TOP + plotHeight - (int) Math.round(plotHeight * row.medianMillis() / yTo);
        g.fillOval(x - 4, y - 4, 8, 8);
        if (previousX >= 0) {
          g.drawLine(previousX, previousY, x, y);
        }
        previousX = x;
        previousY = y;
      }
      int legendY = TOP + 20 + 22 * line;
      g.drawLine(LEFT + plotWidth + 15, legendY - 4, LEFT + plotWidth + 40, legendY - 4);
      g.setColor(Color.BLACK);
      g.drawString(contender.getKey(), LEFT + plotWidth + 45, legendY);
      line++;
    }
    g.dispose();
    Files.createDirectories(png.getParent());
    ImageIO.write(image, "png", png.toFile());
  }

  /** 1, 2 or 5 times a power of ten, at least {@code value}. */
  private static double niceCeiling(long value) {
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }
}
