package dev.streamstate.runners;

import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.runners.spark.TestSparkRunner;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Duration;

/**
 * Everything our pipelines set for Beam's Spark runner, so that pipelines stay runner-agnostic:
 * streaming mode with micro-batches of the pipeline's batch interval (the DStream batch
 * interval), and Spark's metric sinks off (they only add start-up time and log noise in local runs);
 * a streaming pipeline starts clear of any earlier one's watermarks in the same JVM.
 */
public final class SparkStreaming {
  private SparkStreaming() {}

  /** Whether {@code --runner} names Beam's Spark runner (or its test runner). */
  public static boolean isSpark(PipelineOptions options) {
    Class<? extends PipelineRunner<?>> runner = options.getRunner();
    return SparkRunner.class.isAssignableFrom(runner) || TestSparkRunner.class.isAssignableFrom(runner);
  }

  /**
   * Prepares {@code options} for the runner they name: for Spark, streaming micro-batches of
   * {@code batchInterval} when the input is unbounded. Other runners are left as they are.
   */
  public static void configure(PipelineOptions options, Duration batchInterval, boolean unbounded) {
    if (!isSpark(options)) {
      return;
    }
    SparkPipelineOptions spark = options.as(SparkPipelineOptions.class);
    if (unbounded) {
      // The runner keeps source watermarks in a JVM-wide static keyed by source number: a second
      // streaming pipeline in the same JVM (tests, benchmarks) would start from the first one's
      // watermark and drop its own early events as late.
      GlobalWatermarkHolder.clear();
    }
    spark.setStreaming(unbounded);
    spark.setBatchIntervalMillis(batchInterval.getMillis());
    spark.setEnableSparkMetricSinks(false);
  }
}
