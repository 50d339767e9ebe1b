package dev.streamstate.conformance;

import org.apache.beam.runners.spark.SparkPipelineResult;
import org.apache.beam.runners.spark.TestSparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Beam's {@code TestSparkRunner} with every bounded {@code Create} read as a stream ({@link
 * CreateAsStream}), so that a bounded ValidatesRunner test runs on Beam's streaming translation.
 */
public final class StreamingTestSparkRunner extends PipelineRunner<SparkPipelineResult> {
  private final PipelineOptions options;

  private StreamingTestSparkRunner(PipelineOptions options) {
    this.options = options;
  }

  /** Called by Beam for {@code --runner=dev.streamstate.conformance.StreamingTestSparkRunner}. */
  public static StreamingTestSparkRunner fromOptions(PipelineOptions options) {
    return new StreamingTestSparkRunner(options);
  }

  @Override
  public SparkPipelineResult run(Pipeline pipeline) {
    CreateAsStream.apply(pipeline);
    options.setRunner(TestSparkRunner.class);
    return TestSparkRunner.fromOptions(options).run(pipeline);
  }
}
