package dev.streamstate.benchmarks;

import dev.streamstate.runners.SparkStreaming;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.api.java.JavaStreamingListenerWrapper;
import org.joda.time.Duration;

/**
 * How every benchmark job is set up and run, so that the contenders differ only in their logic:
 * local[2], one-second batches, a checkpoint directory, batch times from {@link BatchTimes}; Beam
 * jobs through the project's own Spark runner setup ({@link SparkStreaming#configure}), as the
 * pipelines are run.
 */
final class SparkJobs {
  static final String MASTER = "local[2]";
  static final Duration BATCH = Duration.standardSeconds(1);

  private SparkJobs() {}

  /**
   * An empty Beam pipeline for Beam's Spark runner in streaming mode, reporting to {@code times}.
   */
  static Pipeline beamPipeline(Path checkpoints, BatchTimes times) {
    return beamPipeline(checkpoints, times, SparkRunner.class);
  }

  /**
   * The same on {@code runner}: Beam's Spark runner or ours, which translates stateful ParDo
   * itself.
   */
  static Pipeline beamPipeline(
      Path checkpoints, BatchTimes times, Class<? extends PipelineRunner<?>> runner) {
    SparkContextOptions options = PipelineOptionsFactory.as(SparkContextOptions.class);
    options.setRunner(runner);
    options.setSparkMaster(MASTER);
    options.setCheckpointDir(checkpoints.toAbsolutePath().toString());
    options.setListeners(List.of(times));
    SparkStreaming.configure(options, BATCH, true);
    return Pipeline.create(options);
  }

  /** A native streaming context, reporting to {@code times}. */
  static JavaStreamingContext nativeContext(String name, Path checkpoints, BatchTimes times) {
    return nativeContext(name, checkpoints, times, Map.of());
  }

  /** The same with more Spark settings, such as a source's rate limit. */
  static JavaStreamingContext nativeContext(
      String name, Path checkpoints, BatchTimes times, Map<String, String> settings) {
    SparkConf conf =
        new SparkConf()
            .setMaster(MASTER)
            .setAppName(name)
            .set("spark.ui.enabled", "false")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.driver.host", "127.0.0.1");
    SparkStreaming.SPARK_SETTINGS.forEach(
        conf::setIfMissing); // as the Beam jobs beside it have them
    settings.forEach(conf::set);
    JavaStreamingContext streaming =
        new JavaStreamingContext(conf, Durations.milliseconds(BATCH.getMillis()));
    streaming.checkpoint(checkpoints.toAbsolutePath().toString());
    streaming.ssc().addStreamingListener(new JavaStreamingListenerWrapper(times));
    return streaming;
  }

  /**
   * Waits until every record of {@code workload} has gone through a completed batch and {@code
   * extraBatches} more batches have completed (for results that come out later, such as windows),
   * or until a generous limit for a job that falls far behind. Returns whether it got there, and
   * the heap in use then, the job still running.
   */
  static Finish awaitAll(BatchTimes times, Workload workload, int extraBatches)
      throws InterruptedException {
    return awaitAll(times, workload, 1, extraBatches);
  }

  /**
   * The same for a job that reads {@code workload} through {@code inputs} streams at once (the two
   * sides of a join), each of which carries every record.
   */
  static Finish awaitAll(BatchTimes times, Workload workload, int inputs, int extraBatches)
      throws InterruptedException {
    long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(300 + 10L * workload.steadyBatches());
    int after = -1;
    while (System.nanoTime() < limit) {
      if (after < 0 && times.records() >= inputs * workload.total()) {
        after = times.count();
      }
      if (after >= 0 && times.count() >= after + extraBatches) {
        return new Finish(true, Heap.inUseAfterGc());
      }
      Thread.sleep(200);
    }
    return new Finish(false, Heap.inUseAfterGc());
  }

  /**
   * How a job's run ended: whether every record went through, and the heap in use at that point.
   */
  record Finish(boolean complete, long heapBytes) {}
}
