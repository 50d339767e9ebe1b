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
 * The hand-written DStream windowed join: {@code left.window(W, S).join(right.window(W, S))}, two
 * input streams each carrying the {@link Workload} as keyed records, which joins every window
 * afresh at every slide. Local[2]. Each window's pairs are folded into its {@link JoinStats} (one
 * pass over the window's pairs, as the {@code count()} a benchmark would do).
 */
final class NativeWindowedJoin {
  private NativeWindowedJoin() {}

  /** A contender's job for windows of {@code size} every {@code slide}. */
  static Contender.Job<Map<Long, JoinStats>> job(Duration size, Duration slide) {
    return (workload, settle, batches, checkpoints) ->
        run(workload, size, slide, settle, batches, checkpoints);
  }

  private static Measured<Map<Long, JoinStats>> run(
      Workload workload, Duration size, Duration slide, int settle, int batches, Path checkpoints)
      throws InterruptedException {
    BatchTimes times = new BatchTimes();
    JavaStreamingContext streaming =
        SparkJobs.nativeContext("native-windowed-join", checkpoints, times);
    JavaPairDStream<String, Long> left = WorkloadStream.keyedRecords(streaming, workload);
    JavaPairDStream<String, Long> right = WorkloadStream.keyedRecords(streaming, workload);
    org.apache.spark.streaming.Duration window = Durations.milliseconds(size.getMillis());
    org.apache.spark.streaming.Duration every = Durations.milliseconds(slide.getMillis());
    Windows windows = new Windows();
    left.window(window, every)
        .join(right.window(window, every))
        .foreachRDD(
            (rdd, time) -> {
              JoinStats stats =
                  rdd.values()
                      .map(pair -> JoinStats.of(pair._1(), pair._2()))
                      .fold(JoinStats.none(), JoinStats::plus);
              if (stats.pairs() > 0) {
                windows.put(time.milliseconds(), stats);
              }
            });
    streaming.start();
    SparkJobs.Finish finish = SparkJobs.awaitAll(times, workload, 2, 1);
    streaming.stop(true, false);
    return new Measured<>(
        times.steady(workload.loadRecords(), settle, batches), finish, windows.get());
  }

  /** The driver-side record of the windows, by end (serializable for DStream checkpoints). */
  private static final class Windows implements Serializable {
    private final Map<Long, JoinStats> byEnd = new TreeMap<>();

    synchronized void put(long end, JoinStats stats) {
      byEnd.put(end, stats);
    }

    synchronized Map<Long, JoinStats> get() {
      return new TreeMap<>(byEnd);
    }
  }
}
