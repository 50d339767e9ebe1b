package dev.streamstate.benchmarks;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.common.Metered;
import dev.streamstate.transforms.windows.EventTimeWindows;
import dev.streamstate.transforms.words.WordCounts;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;

/**
 * Our sliding word counts on a Spark runner in streaming mode: the {@code windowed-word-count}
 * pipeline's transform, {@link WordCounts} in {@link EventTimeWindows#sliding} windows, on a {@link
 * Workload} whose event times make every window hold the same records in every run. Each window's
 * counts are summed up in a Beam distribution named after the window's end.
 */
final class BeamSlidingCounts {
  private static final String WINDOW_PREFIX = "window_ending_";

  private BeamSlidingCounts() {}

  /**
   * A contender's job for windows of {@code size} every {@code slide} on {@code runner}: Beam's
   * Spark runner or ours, which translates GroupByKey itself.
   */
  static Contender.Job<Map<Long, WindowStats>> job(
      Class<? extends PipelineRunner<?>> runner, Duration size, Duration slide) {
    return (workload, settle, batches, checkpoints) ->
        run(runner, workload, size, slide, settle, batches, checkpoints);
  }

  private static Measured<Map<Long, WindowStats>> run(
      Class<? extends PipelineRunner<?>> runner,
      Workload workload,
      Duration size,
      Duration slide,
      int settle,
      int batches,
      Path checkpoints)
      throws Exception {
    BatchTimes times = new BatchTimes();
    Pipeline pipeline = SparkJobs.beamPipeline(checkpoints, times, runner);
    pipeline
        .apply("Words", Read.from(new WorkloadSource(workload)))
        .apply("CountWords", WordCounts.in(windows(runner, size, slide)))
        .apply("WindowStats", ParDo.of(new WindowStatsFn()));
    PipelineResult result = pipeline.run();
    // A window comes out once the watermark has passed its end: wait for the last full ones.
    SparkJobs.Finish finish =
        SparkJobs.awaitAll(times, workload, (int) (slide.getStandardSeconds() + 2));
    Map<Long, WindowStats> windows = windows(result);
    result.cancel();
    return new Measured<>(times.steady(workload.loadRecords(), settle, batches), finish, windows);
  }

  /**
   * The pipeline's windows: with their slide sums in a ring per key where the runner has event-time
   * timers.
   */
  private static EventTimeWindows windows(
      Class<? extends PipelineRunner<?>> runner, Duration size, Duration slide) {
    EventTimeWindows windows = EventTimeWindows.sliding(size, slide);
    return SparkStreaming.hasEventTimeTimers(runner) ? windows.withEventTimeTimers() : windows;
  }

  private static Map<Long, WindowStats> windows(PipelineResult result) {
    Map<Long, WindowStats> windows = new TreeMap<>();
    MetricsFilter ours =
        MetricsFilter.builder()
            .addNameFilter(MetricNameFilter.inNamespace(Metered.NAMESPACE))
            .build();
    for (MetricResult<DistributionResult> window :
        result.metrics().queryMetrics(ours).getDistributions()) {
      DistributionResult counts = window.getAttempted();
      long end = Long.parseLong(window.getName().getName().substring(WINDOW_PREFIX.length()));
      windows.merge(
          end,
          new WindowStats(counts.getSum(), counts.getCount(), counts.getMin(), counts.getMax()),
          WindowStats::plus);
    }
    return windows;
  }

  /** The job's output: each word's count goes into its window's distribution. */
  private static final class WindowStatsFn extends DoFn<KV<String, Long>, Void> {
    @ProcessElement
    public void process(@Element KV<String, Long> count, BoundedWindow window) {
      long end = window.maxTimestamp().getMillis() + 1;
      Metrics.distribution(Metered.NAMESPACE, WINDOW_PREFIX + end).update(count.getValue());
    }
  }
}
