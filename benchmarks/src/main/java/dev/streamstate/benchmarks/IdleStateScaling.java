package dev.streamstate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Idle-state scaling, the benchmark our users care about most: load N keys into a running count,
 * then batches that each update 1 000 of them; the median and p95 batch processing time for our
 * Beam running count on the Spark runner against native {@code mapWithState} and {@code
 * updateStateByKey}, in the same run on the same machine. Writes {@code idle-state.csv} and
 * {@code idle-state.md} (with ratios ours ÷ native) to the results directory.
 *
 * <p>Run: {@code IdleStateScaling [keys,keys,…] [batches] [resultsDir]}.
 */
public final class IdleStateScaling {
  private IdleStateScaling() {}

  /** One contender's figures at one state size. */
  public record Row(long keys, String contender, long medianMillis, long p95Millis) {}

  public static void main(String[] args) throws Exception {
    String sizes = args.length > 0 ? args[0] : "10000,100000,1000000";
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path results = Path.of(args.length > 2 ? args[2] : "benchmarks/results");
    List<Row> rows = new ArrayList<>();
    for (String size : sizes.split(",")) {
      rows.addAll(measure(Long.parseLong(size.strip()), batches, 1_000));
    }
    write(rows, results);
    System.out.print(Files.readString(results.resolve("idle-state.md")));
    System.exit(0); // Spark's non-daemon threads outlive the stopped jobs
  }

  /** The three contenders at one state size, one after the other. */
  public static List<Row> measure(long keys, int batches, int updatesPerBatch) throws Exception {
    KeyLoad load = new KeyLoad(keys, updatesPerBatch);
    Path checkpoints = Files.createTempDirectory("idle-state");
    List<Row> rows = new ArrayList<>();
    rows.add(row(keys, "beam (RunningTotals on the Spark runner)", BeamRunningCounts.run(load, batches, checkpoints.resolve("beam"))));
    for (NativeRunningCounts.Kind kind : NativeRunningCounts.Kind.values()) {
      rows.add(
          row(keys, "native " + kind.name().toLowerCase(Locale.ROOT),
              NativeRunningCounts.run(kind, load, batches, checkpoints.resolve(kind.name()))));
    }
    return rows;
  }

  static Row row(long keys, String contender, List<Long> millis) {
    return new Row(keys, contender, BatchTimes.quantile(millis, 0.5), BatchTimes.quantile(millis, 0.95));
  }

  static void write(List<Row> rows, Path dir) throws IOException {
    write(rows, dir, "idle-state");
  }

  /** Writes {@code name.csv} and {@code name.md}; the ratio column is empty without a native row. */
  static void write(List<Row> rows, Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("keys,contender,median_ms,p95_ms\n");
    StringBuilder md =
        new StringBuilder(
            "| keys | contender | median batch (ms) | p95 batch (ms) | median ÷ native mapWithState |\n"
                + "|---|---|---|---|---|\n");
    for (Row row : rows) {
      csv.append(row.keys()).append(',').append(row.contender()).append(',').append(row.medianMillis())
          .append(',').append(row.p95Millis()).append('\n');
      String ratio =
          rows.stream()
              .filter(r -> r.keys() == row.keys() && r.contender().equals("native map_with_state"))
              .mapToLong(Row::medianMillis)
              .mapToObj(baseline -> String.format(Locale.ROOT, "%.2f", row.medianMillis() / (double) Math.max(1, baseline)))
              .findFirst()
              .orElse("");
      md.append(String.format(
          Locale.ROOT, "| %,d | %s | %d | %d | %s |%n",
          row.keys(), row.contender(), row.medianMillis(), row.p95Millis(), ratio));
    }
    Files.writeString(dir.resolve(name + ".csv"), csv);
    Files.writeString(dir.resolve(name + ".md"), md);
  }
}
