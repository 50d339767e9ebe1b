package dev.streamstate.conformance;

import dev.streamstate.runners.TestStreamStateSparkRunner;
import org.apache.beam.runners.spark.SparkPipelineResult;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@link TestStreamStateSparkRunner} with every bounded {@code Create} read as a stream ({@link
 * CreateAsStream}), so that a bounded ValidatesRunner test runs on our streaming translation.
 */
public final class StreamingTestStreamStateSparkRunner extends PipelineRunner<SparkPipelineResult> {
  private final PipelineOptions options;

  private StreamingTestStreamStateSparkRunner(PipelineOptions options) {
    this.options = options;
  }

  /**
   * Called by Beam for {@code
   * --runner=dev.streamstate.conformance.StreamingTestStreamStateSparkRunner}.
   */
  public static StreamingTestStreamStateSparkRunner fromOptions(PipelineOptions options) {
    return new StreamingTestStreamStateSparkRunner(options);
  }

  @Override
  public SparkPipelineResult run(Pipeline pipeline) {
    CreateAsStream.apply(pipeline);
    // Our translation takes the pipelines whose options name our runner.
    options.setRunner(TestStreamStateSparkRunner.class);
    return TestStreamStateSparkRunner.fromOptions(options).run(pipeline);
  }
}
