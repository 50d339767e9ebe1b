package dev.streamstate.runners.counting;

import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.streaming.UnboundedDataset;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.spark.api.java.JavaSparkContext$;
import org.apache.spark.streaming.api.java.JavaDStream;

/**
 * Our runner's read of {@code GenerateSequence} with a rate: each batch the numbers due by its time
 * ({@link CountingInputDStream}), rather than the runner's read of them for a while, which runs a
 * Spark job while each batch is made and, in a job that resumes from its checkpoint, needs its
 * stream checkpointed every batch.
 */
public final class CountingRead {
  private CountingRead() {}

  /**
   * {@code source}'s numbers, as the current transform's output, if {@code source} is
   * GenerateSequence's with a rate; empty for any other source.
   */
  public static Optional<UnboundedDataset<Long>> read(
      UnboundedSource<?, ?> source, EvaluationContext context) {
    return Sequence.of(source)
        .map(
            sequence -> {
              CountingInputDStream input =
                  new CountingInputDStream(
                      context.getStreamingContext().ssc(),
                      sequence,
                      context.getCurrentTransform().getFullName());
              JavaDStream<WindowedValue<Long>> numbers =
                  JavaDStream.fromDStream(input, JavaSparkContext$.MODULE$.fakeClassTag());
              // Registered before the pipeline's outputs: the batch's first output operation.
              numbers.foreachRDD((rdd, time) -> input.report(time));
              return new UnboundedDataset<>(numbers, List.of(input.id()));
            });
  }
}
