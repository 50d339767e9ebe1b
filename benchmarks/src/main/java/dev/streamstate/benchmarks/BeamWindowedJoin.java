package dev.streamstate.benchmarks;

import dev.streamstate.transforms.common.Metered;
import dev.streamstate.transforms.joins.JoinType;
import dev.streamstate.transforms.joins.WindowedJoin;
import dev.streamstate.transforms.windows.EventTimeWindows;
import java.nio.file.Path;
import java.util.HashMap;
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
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Our windowed join on a Spark runner in streaming mode: {@link WindowedJoin} (inner) in {@link
 * EventTimeWindows#sliding} windows of two sources, each carrying the {@link Workload} as keyed
 * records, whose event times make every window hold the same records in every run. Each window's
 * pairs go into two Beam distributions named after the window's end, of the left and of the right
 * record numbers: their count is the pairs, their least and greatest the run of records.
 */
final class BeamWindowedJoin {
  private static final String LEFT_PREFIX = "join_left_window_ending_";
  private static final String RIGHT_PREFIX = "join_right_window_ending_";

  private BeamWindowedJoin() {}

  /**
   * A contender's job for windows of {@code size} every {@code slide} on {@code runner}: Beam's
   * Spark runner or ours, which translates the join's GroupByKey itself.
   */
  static Contender.Job<Map<Long, JoinStats>> job(
      Class<? extends PipelineRunner<?>> runner, Duration size, Duration slide) {
    return (workload, settle, batches, checkpoints) ->
        run(runner, workload, size, slide, settle, batches, checkpoints);
  }

  private static Measured<Map<Long, JoinStats>> run(
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
    PCollection<KV<String, Long>> left = keyedRecords(pipeline, "Left", workload);
    PCollection<KV<String, Long>> right = keyedRecords(pipeline, "Right", workload);
    left.apply(
            "Join", WindowedJoin.of(right, EventTimeWindows.sliding(size, slide), JoinType.INNER))
        .apply("JoinStats", ParDo.of(new JoinStatsFn()));
    PipelineResult result = pipeline.run();
    // A window comes out once the watermark has passed its end: wait for the last full ones.
    SparkJobs.Finish finish =
        SparkJobs.awaitAll(times, workload, 2, (int) (slide.getStandardSeconds() + 2));
    Map<Long, JoinStats> windows = windows(result);
    result.cancel();
    return new Measured<>(times.steady(workload.loadRecords(), settle, batches), finish, windows);
  }

  /** One side: a source of its own, its lines parsed as the native job parses them. */
  private static PCollection<KV<String, Long>> keyedRecords(
      Pipeline pipeline, String side, Workload workload) {
    return pipeline
        .apply(side, Read.from(new WorkloadSource(workload, Workload.Lines.KEYED_RECORDS)))
        .apply(
            side + "Keyed",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via(
                    line -> {
                      int space = line.indexOf(' ');
                      return KV.of(
                          line.substring(0, space), Long.parseLong(line.substring(space + 1)));
                    }));
  }

  private static Map<Long, JoinStats> windows(PipelineResult result) {
    Map<Long, JoinStats> windows = new TreeMap<>();
    MetricsFilter ours =
        MetricsFilter.builder()
            .addNameFilter(MetricNameFilter.inNamespace(Metered.NAMESPACE))
            .build();
    JoinStats none = JoinStats.none();
    for (MetricResult<DistributionResult> window :
        result.metrics().queryMetrics(ours).getDistributions()) {
      String name = window.getName().getName();
      DistributionResult side = window.getAttempted();
      // Every pair goes into both sides' distributions: the pairs are counted once, on the left.
      if (name.startsWith(LEFT_PREFIX)) {
        windows.merge(
            Long.parseLong(name.substring(LEFT_PREFIX.length())),
            new JoinStats(
                side.getCount(), side.getMin(), side.getMax(), none.rightMin(), none.rightMax()),
            JoinStats::plus);
      } else if (name.startsWith(RIGHT_PREFIX)) {
        windows.merge(
            Long.parseLong(name.substring(RIGHT_PREFIX.length())),
            new JoinStats(0, none.leftMin(), none.leftMax(), side.getMin(), side.getMax()),
            JoinStats::plus);
      }
    }
    return windows;
  }

  /**
   * The job's output: each pair's record numbers go into its window's distributions, summed up over
   * the bundle first (one update a window and bundle, not one a pair).
   */
  private static final class JoinStatsFn extends DoFn<KV<String, KV<Long, Long>>, Void> {
    private transient Map<Long, JoinStats> bundle;

    @StartBundle
    public void startBundle() {
      bundle = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element KV<String, KV<Long, Long>> pair, BoundedWindow window) {
      long end = window.maxTimestamp().getMillis() + 1;
      bundle.merge(
          end, JoinStats.of(pair.getValue().getKey(), pair.getValue().getValue()), JoinStats::plus);
    }

    @FinishBundle
    public void finishBundle() {
      for (Map.Entry<Long, JoinStats> window : bundle.entrySet()) {
        JoinStats stats = window.getValue();
        Metrics.distribution(Metered.NAMESPACE, LEFT_PREFIX + window.getKey())
            .update(0, stats.pairs(), stats.leftMin(), stats.leftMax());
        Metrics.distribution(Metered.NAMESPACE, RIGHT_PREFIX + window.getKey())
            .update(0, stats.pairs(), stats.rightMin(), stats.rightMax());
      }
      bundle = null;
    }
  }
}
