package dev.streamstate.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark suite at a tiny size, every workload: the results files are written, every size has
 * a figure from every contender, and every contender computed what the workload says (its check
 * passed). Nothing here depends on how fast anything ran. For the build's length (a contender costs
 * 8-17 s of fixed batches and startup however small its workload) it runs ours on our runner and
 * the native jobs ours are compared with, but not ours on Beam's translation, nor {@code
 * updateStateByKey} or the native join: a run of the suite runs them.
 */
class BenchmarkSuiteTest {

  @TempDir Path results;

  @Test
  void runsEveryWorkloadAndChecksWhatEachContenderComputed() throws Exception {
    Path out =
        BenchmarkSuite.run(
            BenchmarkSuite.parse(
                "keys=2000 timeoutKeys=2000 eventTimeKeys=2000 batches=2 idleUpdates=200 load=1000",
                "windowWords=1000 windowLoad=1000 windowSeconds=2 slideSeconds=1",
                "joinKeys=1000 joinLoad=500 joinWindowSeconds=2 joinSlideSeconds=1",
                // Neither ours on Beam's translation, nor updateStateByKey, nor the native join.
                "contenders=^(?!.*.on.SparkRunner$|updateStateByKey$|window)",
                "rates=2000 throughputBatches=2 throughputKeys=1000",
                "tests=direct testClasses=.*WordCountsTest testClassesDir=../transforms/target/test-classes",
                "out=" + results));

    Map<String, List<String>> contenders =
        Map.of(
            "idle-state", List.of("RunningWordCounts on StreamStateSparkRunner", "mapWithState"),
            "idle-timeout",
                List.of(
                    "RunningWordCounts + idle timeout on StreamStateSparkRunner", "mapWithState"),
            "event-time-timers",
                List.of(
                    "RunningWordCounts + event-time timeout on StreamStateSparkRunner",
                    "mapWithState"),
            "fixed-load", List.of("RunningWordCounts on StreamStateSparkRunner", "mapWithState"),
            "sliding-windows",
                List.of(
                    "WordCounts in sliding windows on StreamStateSparkRunner",
                    "reduceByKeyAndWindow",
                    "reduceByKeyAndWindow with inverse"),
            "join", List.of("WindowedJoin on StreamStateSparkRunner"),
            "throughput", List.of("RunningWordCounts on StreamStateSparkRunner", "mapWithState"));
    for (Map.Entry<String, List<String>> workload : contenders.entrySet()) {
      List<String[]> rows = csvRows(out.resolve(workload.getKey() + ".csv"));
      List<String> sizes = rows.stream().map(row -> row[0]).distinct().toList();
      for (String size : sizes) {
        assertEquals(
            workload.getValue(),
            rows.stream().filter(row -> row[0].equals(size)).map(row -> row[1]).toList(),
            workload.getKey() + " at " + size);
      }
      for (String[] row : rows) {
        assertEquals("\"ok\"", row[8], workload.getKey() + ": " + String.join(",", row));
        assertTrue(Integer.parseInt(row[3]) > 0, "no batch measured: " + String.join(",", row));
      }
    }
    List<String[]> tests = csvRows(out.resolve("test-speed.csv"));
    assertEquals(1, tests.size());
    assertEquals("\"ok\"", tests.get(0)[8], String.join(",", tests.get(0)));

    String report = Files.readString(out.resolve(BenchmarkSuite.REPORT));
    for (String workload : BenchmarkSuite.WORKLOADS) {
      assertTrue(
          report.contains("`" + workload + ".csv`"), "no table for " + workload + " in\n" + report);
    }
    assertTrue(report.contains("ours ÷ mapWithState"), report);
    // The profiled workloads (throughput and sliding windows by default) have a cost breakdown for
    // every contender that ran; the figures are what the profile saw, so only their presence
    // counts.
    List<String> costs = Files.readAllLines(out.resolve(CostBreakdown.CSV));
    for (String workload : List.of("throughput", "sliding-windows")) {
      for (String contender : contenders.get(workload)) {
        assertTrue(
            costs.stream()
                .anyMatch(
                    line ->
                        line.startsWith(workload + ",")
                            && line.contains("\"" + contender + "\",total,")),
            "no cost breakdown for "
                + contender
                + " in "
                + workload
                + ":\n"
                + String.join("\n", costs));
      }
    }
    assertTrue(
        Files.readString(out.resolve(CostBreakdown.REPORT)).contains("## throughput at 2,000"));
    // One size per workload here: tables, and no chart (ChartsTest draws them).
    assertEquals(List.of(), Charts.drawAll(out));
  }

  private static List<String[]> csvRows(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().skip(1).map(line -> line.split(",", 9)).toList();
  }
}
