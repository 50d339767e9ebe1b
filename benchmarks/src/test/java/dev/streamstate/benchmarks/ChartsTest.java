package dev.streamstate.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  private static final String HEADER =
      "keys,contender,ours,samples,median_ms,p95_ms,mean_ms,held_bytes,check";

  @TempDir Path dir;

  @Test
  void aLinePerContenderWithLogAxesWhereValuesSpanDecades() {
    JFreeChart chart =
        Charts.chart(
            "Idle state",
            List.of(
                HEADER,
                "10000,RunningWordCounts on StreamStateSparkRunner,true,20,40,90,45,1,\"ok\"",
                "10000,mapWithState,false,20,30,80,35,1,\"ok\"",
                "1000000,RunningWordCounts on StreamStateSparkRunner,true,20,400,900,450,1,\"ok\"",
                "1000000,mapWithState,false,20,45,95,50,1,\"ok\"",
                "1000000,updateStateByKey,false,0,-1,-1,-1,1,\"no steady batch measured\""));
    XYPlot plot = chart.getXYPlot();
    assertEquals(2, plot.getDataset().getSeriesCount(), "a row without batches is left out");
    assertEquals(
        "ours: RunningWordCounts on StreamStateSparkRunner", plot.getDataset().getSeriesKey(0));
    assertEquals(400.0, plot.getDataset().getYValue(0, 1));
    assertInstanceOf(LogAxis.class, plot.getDomainAxis(), "keys span two decades");
    assertInstanceOf(LogAxis.class, plot.getRangeAxis(), "medians span a decade");
    assertEquals(RectangleEdge.BOTTOM, ((LegendTitle) chart.getSubtitle(0)).getPosition());
  }

  @Test
  void linearAxesWhereValuesDoNotSpanADecadeOrHoldAZero() {
    XYPlot plot =
        Charts.chart(
                "Throughput",
                List.of(
                    "events/s,contender,ours,samples,median_ms,p95_ms,mean_ms,held_bytes,check",
                    "25000,ours,true,15,541,1175,612,-1,\"ok\"",
                    "200000,ours,true,15,900,1175,612,-1,\"ok\"",
                    "25000,reduceByKeyAndWindow,false,15,0,10,1,-1,\"ok\""))
            .getXYPlot();
    assertInstanceOf(NumberAxis.class, plot.getDomainAxis());
    assertInstanceOf(
        NumberAxis.class, plot.getRangeAxis(), "a zero median cannot go on a log axis");
  }

  @Test
  void aWorkloadOfOneSizeHasNoChartAndTheOthersArePngsBesideTheirCsv() throws Exception {
    assertNull(
        Charts.chart("One size", List.of(HEADER, "2000,mapWithState,false,2,30,30,30,1,\"ok\"")));
    Files.writeString(
        dir.resolve(BenchmarkSuite.REPORT),
        "# Benchmark results\n\n## Idle-state scaling (`idle-state.csv`)\n\ntable\n\n## Test speed (`test-speed.csv`)\n");
    Files.write(
        dir.resolve("idle-state.csv"),
        List.of(
            HEADER,
            "10000,mapWithState,false,20,30,80,35,1,\"ok\"",
            "100000,mapWithState,false,20,45,95,50,1,\"ok\""));
    Files.write(
        dir.resolve("test-speed.csv"),
        List.of(
            HEADER.replace("keys", "tests"), "59,DirectRunner,true,1,12133,12133,12133,-1,\"ok\""));
    assertEquals(List.of(dir.resolve("idle-state.png")), Charts.drawAll(dir));
    BufferedImage png = ImageIO.read(dir.resolve("idle-state.png").toFile());
    assertTrue(png.getWidth() == 900 && png.getHeight() == 560);
    assertFalse(Files.exists(dir.resolve("test-speed.png")));
  }
}
