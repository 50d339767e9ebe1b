package dev.streamstate.benchmarks;

import dev.streamstate.runners.StreamStateSparkRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.spark.SparkRunner;

/**
 * Idle-state scaling of a running count with an idle timeout, {@link IdleStateScaling}'s
 * workload with one processing-time timer per key (a timeout longer than the run): Beam's Spark
 * translation, which feeds every key it has seen into every batch to check its timers, against
 * {@link StreamStateSparkRunner}'s, which wakes only keys whose timers are due. Both in the same
 * run; writes {@code idle-timeout.csv} and {@code idle-timeout.md} to the results directory.
 *
 * <p>Run: {@code IdleTimeoutScaling [keys,keys,…] [batches] [resultsDir]}.
 */
public final class IdleTimeoutScaling {
  private IdleTimeoutScaling() {}

  public static void main(String[] args) throws Exception {
    String sizes = args.length > 0 ? args[0] : "10000,100000";
    int batches = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path results = Path.of(args.length > 2 ? args[2] : "benchmarks/results");
    List<IdleStateScaling.Row> rows = new ArrayList<>();
    for (String size : sizes.split(",")) {
      long keys = Long.parseLong(size.strip());
      KeyLoad load = new KeyLoad(keys, 1_000);
      Path checkpoints = Files.createTempDirectory("idle-timeout");
      rows.add(IdleStateScaling.row(keys, "beam + idle timeout, SparkRunner",
          BeamRunningCounts.runWithIdleTimeout(load, batches, checkpoints.resolve("spark"), SparkRunner.class)));
      rows.add(IdleStateScaling.row(keys, "beam + idle timeout, StreamStateSparkRunner",
          BeamRunningCounts.runWithIdleTimeout(load, batches, checkpoints.resolve("indexed"), StreamStateSparkRunner.class)));
      IdleStateScaling.write(rows, results, "idle-timeout");
    }
    System.out.print(Files.readString(results.resolve("idle-timeout.md")));
    System.exit(0); // Spark's non-daemon threads outlive the stopped jobs
  }
}
