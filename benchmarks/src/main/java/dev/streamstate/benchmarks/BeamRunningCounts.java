package dev.streamstate.benchmarks;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.RunningTotal;
import dev.streamstate.transforms.RunningTotals;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Our running count ({@link RunningTotals}, as in {@code running-word-count}) on Beam's Spark
 * runner in streaming mode, on {@link KeyLoad}'s workload, local[2], one-second batches.
 */
public final class BeamRunningCounts {
  private BeamRunningCounts() {}

  /** Runs until {@code batches} batches after the load have completed; returns their times. */
  public static List<Long> run(KeyLoad load, int batches, Path checkpoints) throws Exception {
    return run(load, batches, checkpoints, SparkRunner.class, RunningTotals.perKey());
  }

  /**
   * The same with an idle timeout longer than the run, as {@code running-word-count} has by
   * default: one processing-time timer per key that never fires, on {@code runner}.
   */
  public static List<Long> runWithIdleTimeout(
      KeyLoad load, int batches, Path checkpoints, Class<? extends PipelineRunner<?>> runner)
      throws Exception {
    return run(load, batches, checkpoints, runner,
        RunningTotals.perKey().withIdleTimeout(Duration.standardHours(1)));
  }

  private static List<Long> run(
      KeyLoad load, int batches, Path checkpoints, Class<? extends PipelineRunner<?>> runner,
      RunningTotals runningCount) throws Exception {
    BatchTimes times = new BatchTimes();
    SparkContextOptions options = PipelineOptionsFactory.as(SparkContextOptions.class);
    options.setRunner(runner);
    options.setSparkMaster("local[2]");
    options.setCheckpointDir(checkpoints.toAbsolutePath().toString());
    options.setListeners(List.of(times));
    SparkStreaming.configure(options, Duration.standardSeconds(1), true);

    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Keys", Read.from(new KeyLoadSource(load)))
        .apply("Ones", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs())).via(key -> KV.of(key, 1L)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("RunningCount", runningCount)
        .apply("Discard", ParDo.of(new DiscardFn()));
    KeyLoadSource.LOADED_AT.set(0);
    PipelineResult result = pipeline.run();
    while (KeyLoadSource.LOADED_AT.get() == 0) {
      Thread.sleep(200);
    }
    int loaded = times.count() + 2; // the batch that read the last keys, and one to settle
    while (times.count() < loaded + batches) {
      Thread.sleep(200);
    }
    result.cancel();
    return times.window(loaded, batches);
  }

  /** The job's output operation: results are counted by the listener, not kept. */
  private static final class DiscardFn extends DoFn<RunningTotal, Void> {
    @ProcessElement
    public void process(@Element RunningTotal total) {}
  }
}
