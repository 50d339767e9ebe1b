package dev.streamstate.runners;

import org.apache.beam.runners.spark.SparkPipelineResult;
import org.apache.beam.runners.spark.TestSparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@link StreamStateSparkRunner} for tests, as {@code TestSparkRunner} is to {@code SparkRunner}:
 * with {@code TestSparkPipelineOptions} it forces streaming and stops at the final watermark.
 */
public final class TestStreamStateSparkRunner extends PipelineRunner<SparkPipelineResult> {
  private final TestSparkRunner spark;

  private TestStreamStateSparkRunner(TestSparkRunner spark) {
    this.spark = spark;
  }

  /** Called by Beam for {@code --runner=TestStreamStateSparkRunner}. */
  public static TestStreamStateSparkRunner fromOptions(PipelineOptions options) {
    StreamStateSparkRunner.installTranslation();
    SparkStreaming.useSparkSettings();
    return new TestStreamStateSparkRunner(TestSparkRunner.fromOptions(options));
  }

  @Override
  public SparkPipelineResult run(Pipeline pipeline) {
    return spark.run(pipeline);
  }
}
