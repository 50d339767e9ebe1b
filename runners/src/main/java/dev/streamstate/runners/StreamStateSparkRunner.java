package dev.streamstate.runners;

import dev.streamstate.runners.state.EvaluatorTable;
import dev.streamstate.runners.state.IndexedGroupByKeyEvaluator;
import dev.streamstate.runners.state.IndexedStatefulParDoEvaluator;
import org.apache.beam.runners.spark.SparkPipelineResult;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Beam's Spark runner with our translation of stateful ParDo ({@link
 * IndexedStatefulParDoEvaluator}) and GroupByKey ({@link IndexedGroupByKeyEvaluator}) in streaming
 * mode: a micro-batch costs its elements plus the keys whose timers are due, instead of every key
 * ever seen; and of KafkaIO's read, by offset ranges fixed per batch ({@code
 * dev.streamstate.runners.kafka}). Select it with {@code --runner=StreamStateSparkRunner}; it takes
 * the Spark runner's options, and everything else, batch mode included, is the Spark runner's own.
 * {@code --runner=SparkRunner} stays Beam's translation, in the same JVM too.
 */
public final class StreamStateSparkRunner extends PipelineRunner<SparkPipelineResult> {
  private final SparkRunner spark;

  private StreamStateSparkRunner(SparkRunner spark) {
    this.spark = spark;
  }

  /** Called by Beam for {@code --runner=StreamStateSparkRunner}. */
  public static StreamStateSparkRunner fromOptions(PipelineOptions options) {
    installTranslation();
    SparkStreaming.useSparkSettings();
    return new StreamStateSparkRunner(SparkRunner.fromOptions(options));
  }

  /**
   * Routes stateful ParDos, GroupByKeys and Kafka reads of pipelines run by our runners to our
   * translation.
   */
  static void installTranslation() {
    EvaluatorTable.install(StreamStateSparkRunner::isOurs, Checkpoints::resumable);
  }

  static boolean isOurs(PipelineOptions options) {
    Class<?> runner = options.getRunner();
    return runner == StreamStateSparkRunner.class || runner == TestStreamStateSparkRunner.class;
  }

  @Override
  public SparkPipelineResult run(Pipeline pipeline) {
    return spark.run(pipeline);
  }
}
