package dev.streamstate.benchmarks;

import dev.streamstate.runners.StreamStateSparkRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.beam.runners.spark.SparkRunner;
import org.joda.time.Duration;

/**
 * A stream-stream join in sliding windows (10-second windows every 5 seconds in the full run,
 * 1-second batches): two streams of keyed records, the same fixed number a batch on each, scattered
 * over N keys, through our {@code WindowedJoin} (inner) on Beam's Spark runner and on ours, and
 * through the native {@code left.window(W, S).join(right.window(W, S))}. Measured once the first
 * window is full; every window's pairs are checked against the workload.
 */
final class WindowedJoinScaling {
  static final String WORKLOAD = "join";

  private WindowedJoinScaling() {}

  /**
   * The contenders on each of {@code sizes} keys, {@code eventsPerBatch} records a batch on each
   * side.
   */
  static Results.Table measure(
      Predicate<String> chosen,
      List<Long> sizes,
      int eventsPerBatch,
      Duration size,
      Duration slide,
      int batches)
      throws Exception {
    long windowBatches = size.getMillis() / SparkJobs.BATCH.getMillis();
    Contest<Map<Long, JoinStats>> contest =
        new Contest<>(
            WORKLOAD,
            List.of(
                new Contender<>(
                    "WindowedJoin on SparkRunner",
                    true,
                    BeamWindowedJoin.job(SparkRunner.class, size, slide)),
                new Contender<>(
                    "WindowedJoin on StreamStateSparkRunner",
                    true,
                    BeamWindowedJoin.job(StreamStateSparkRunner.class, size, slide)),
                new Contender<>("window().join()", false, NativeWindowedJoin.job(size, slide))),
            chosen,
            (workload, windows) -> JoinStats.check(workload, windowBatches, windows));
    int settle = (int) windowBatches; // until the first window is full
    long slideBatches = slide.getMillis() / SparkJobs.BATCH.getMillis();
    List<Results.Row> rows = new ArrayList<>();
    for (long keys : sizes) {
      // A slide and two batches to spare, so that the last measured batches still carry records.
      Workload load =
          Workload.steady(keys, eventsPerBatch, (int) (settle + batches + slideBatches + 2));
      rows.addAll(contest.run(keys, load, settle, batches));
    }
    return new Results.Table(
        WORKLOAD,
        String.format(
            Locale.ROOT,
            "Windowed stream-stream join (%d s every %d s)",
            size.getStandardSeconds(),
            slide.getStandardSeconds()),
        "keys",
        String.format(
            Locale.ROOT,
            "Median (p95) and mean batch processing time in ms over %d batches of %,d keyed records on each of the"
                + " two streams, once the first window was full; an inner join of the two, every window's pairs"
                + " checked. Native jobs join a whole window at its slide (Spark makes their batches only when a"
                + " window needs them), so their median is an idle batch and their p95 a slide: the ratios compare"
                + " means, the work a second.",
            batches,
            eventsPerBatch),
        true,
        rows);
  }
}
