package dev.streamstate.benchmarks;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.joda.time.Duration;

/**
 * The hand-written DStream sliding word counts: {@code reduceByKeyAndWindow(sum, window, slide)},
 * which adds up the whole window at every slide, and {@code reduceByKeyAndWindow(sum, minus,
 * window, slide)} with a filter of zero counts, which adds the batches that entered the window and
 * subtracts those that left it (and needs checkpointing). Local[2], on a {@link Workload}.
 */
final class NativeSlidingCounts {
  private NativeSlidingCounts() {}

  /**
   * A contender's job for windows of {@code size} every {@code slide}, with or without an inverse.
   */
  static Contender.Job<Map<Long, WindowStats>> job(boolean inverse, Duration size, Duration slide) {
    return (workload, settle, batches, checkpoints) ->
        run(inverse, workload, size, slide, settle, batches, checkpoints);
  }

  private static Measured<Map<Long, WindowStats>> run(
      boolean inverse,
      Workload workload,
      Duration size,
      Duration slide,
      int settle,
      int batches,
      Path checkpoints)
      throws InterruptedException {
    BatchTimes times = new BatchTimes();
    JavaStreamingContext streaming =
        SparkJobs.nativeContext(
            inverse ? "native-window-inverse" : "native-window", checkpoints, times);
    JavaPairDStream<String, Long> ones = WorkloadStream.wordOnes(streaming, workload);
    org.apache.spark.streaming.Duration window = Durations.milliseconds(size.getMillis());
    org.apache.spark.streaming.Duration every = Durations.milliseconds(slide.getMillis());
    JavaPairDStream<String, Long> counts =
        inverse
            ? ones.reduceByKeyAndWindow(
                (a, b) -> a + b, (a, b) -> a - b, window, every, 2, count -> count._2() != 0)
            : ones.reduceByKeyAndWindow((a, b) -> a + b, window, every);
    Windows windows = new Windows();
    counts.foreachRDD(
        (rdd, time) -> {
          WindowStats stats =
              rdd.values().map(WindowStats::of).fold(WindowStats.none(), WindowStats::plus);
          if (stats.words() > 0) {
            windows.put(time.milliseconds(), stats);
          }
        });
    streaming.start();
    SparkJobs.Finish finish = SparkJobs.awaitAll(times, workload, 1);
    streaming.stop(true, false);
    return new Measured<>(
        times.steady(workload.loadRecords(), settle, batches), finish, windows.get());
  }

  /** The driver-side record of the windows, by end (serializable for DStream checkpoints). */
  private static final class Windows implements Serializable {
    private final Map<Long, WindowStats> byEnd = new TreeMap<>();

    synchronized void put(long end, WindowStats stats) {
      byEnd.put(end, stats);
    }

    synchronized Map<Long, WindowStats> get() {
      return new TreeMap<>(byEnd);
    }
  }
}
