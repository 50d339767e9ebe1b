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
 * Sliding word counts (60-second windows every 5 seconds in the full run, 1-second batches): the
 * same words, a fixed number a batch scattered over N distinct words, through our windowed word
 * count on Beam's Spark runner and on ours, and through native {@code reduceByKeyAndWindow} without
 * and with an inverse function. Measured once the first window is full; every full window's counts
 * are checked against the workload.
 */
final class SlidingWindowScaling {
  private SlidingWindowScaling() {}

  /** The contenders on each of {@code sizes} distinct words. */
  static Results.Table measure(
      Predicate<String> chosen,
      List<Long> sizes,
      int eventsPerBatch,
      Duration size,
      Duration slide,
      int batches)
      throws Exception {
    long windowBatches = size.getMillis() / SparkJobs.BATCH.getMillis();
    Contest<Map<Long, WindowStats>> contest =
        new Contest<>(
            "sliding-windows",
            List.of(
                new Contender<>(
                    "WordCounts in sliding windows on SparkRunner",
                    true,
                    BeamSlidingCounts.job(SparkRunner.class, size, slide)),
                new Contender<>(
                    "WordCounts in sliding windows on StreamStateSparkRunner",
                    true,
                    BeamSlidingCounts.job(StreamStateSparkRunner.class, size, slide)),
                new Contender<>(
                    "reduceByKeyAndWindow", false, NativeSlidingCounts.job(false, size, slide)),
                new Contender<>(
                    "reduceByKeyAndWindow with inverse",
                    false,
                    NativeSlidingCounts.job(true, size, slide))),
            chosen,
            (workload, windows) -> WindowStats.check(workload, windowBatches, windows));
    int settle = (int) windowBatches; // until the first window is full
    long slideBatches = slide.getMillis() / SparkJobs.BATCH.getMillis();
    List<Results.Row> rows = new ArrayList<>();
    for (long words : sizes) {
      // A slide and two batches to spare, so that the last measured batches still carry words.
      Workload load =
          Workload.steady(words, eventsPerBatch, (int) (settle + batches + slideBatches + 2));
      rows.addAll(contest.run(words, load, settle, batches));
    }
    return new Results.Table(
        "sliding-windows",
        String.format(
            Locale.ROOT,
            "Sliding windows (%d s every %d s)",
            size.getStandardSeconds(),
            slide.getStandardSeconds()),
        "words",
        String.format(
            Locale.ROOT,
            "Median (p95) and mean batch processing time in ms over %d batches of %,d words each, once the first window"
                + " was full. Native jobs do all of a window's work at its slide (Spark makes their batches only when"
                + " a window needs them), so their median is an idle batch and their p95 a slide: the ratios compare"
                + " means, the work a second.",
            batches,
            eventsPerBatch),
        true,
        rows);
  }
}
