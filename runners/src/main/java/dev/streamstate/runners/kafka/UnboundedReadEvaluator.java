package dev.streamstate.runners.kafka;

import dev.streamstate.runners.counting.CountingRead;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.TransformEvaluator;
import org.apache.beam.runners.spark.translation.streaming.UnboundedDataset;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.kafka.KafkaCheckpointMark;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.spark.api.java.JavaSparkContext$;
import org.apache.spark.streaming.api.java.JavaDStream;

/**
 * Our runner's unbounded reads: KafkaIO's source by offset ranges fixed per batch ({@link
 * OffsetRangeInputDStream}); {@code GenerateSequence} with a rate by the numbers due by each
 * batch's time ({@link CountingRead}); every other source by the runner's own read. That read takes
 * each batch's records for a while rather than up to a recorded position, so a batch recomputed
 * from an older checkpoint would read other records: in a job that resumes from its checkpoint, its
 * stream is checkpointed every batch (unless {@code --checkpointDurationMillis} says otherwise),
 * which holds each batch's records for recovery. A Kafka read whose timestamps come from the
 * records (create or log-append time, a custom policy) needs none of that; one stamped with the
 * time it is read (KafkaIO's default) would get other timestamps when recomputed, so it keeps the
 * runner's read.
 */
public final class UnboundedReadEvaluator<T>
    implements TransformEvaluator<SplittableParDo.PrimitiveUnboundedRead<T>> {
  private static final long serialVersionUID = 1L;

  private final TransformEvaluator<SplittableParDo.PrimitiveUnboundedRead<T>> runners;
  private final Predicate<PipelineOptions> resumable;

  /**
   * Reads through {@code runners} what is not Kafka; {@code resumable} tells a job that resumes
   * from a checkpoint of its own.
   */
  public UnboundedReadEvaluator(
      TransformEvaluator<SplittableParDo.PrimitiveUnboundedRead<T>> runners,
      Predicate<PipelineOptions> resumable) {
    this.runners = runners;
    this.resumable = resumable;
  }

  @Override
  public void evaluate(
      SplittableParDo.PrimitiveUnboundedRead<T> transform, EvaluationContext context) {
    UnboundedSource<T, ?> source = transform.getSource();
    Optional<UnboundedDataset<Long>> numbers = CountingRead.read(source, context);
    if (numbers.isPresent()) {
      context.putDataset(transform, numbers.get());
      return;
    }
    if (!KafkaSpec.isKafka(source) || KafkaSpec.stampsWithReadTime(source)) {
      SparkPipelineOptions options = context.getOptions().as(SparkPipelineOptions.class);
      if (resumable.test(options) && options.getCheckpointDurationMillis() <= 0) {
        options.setCheckpointDurationMillis(
            context.getStreamingContext().ssc().graph().batchDuration().milliseconds());
      }
      runners.evaluate(transform, context);
      return;
    }
    @SuppressWarnings("unchecked")
    UnboundedSource<T, KafkaCheckpointMark> kafka =
        (UnboundedSource<T, KafkaCheckpointMark>) source;
    OffsetRangeInputDStream<T> input =
        new OffsetRangeInputDStream<>(
            context.getStreamingContext().ssc(),
            kafka,
            context.getSerializableOptions(),
            context.getCurrentTransform().getFullName());
    JavaDStream<RangeRead<T>> reads =
        JavaDStream.fromDStream(input, JavaSparkContext$.MODULE$.fakeClassTag());
    // Registered before the pipeline's outputs: the batch's first job.
    reads.foreachRDD(new ReadReport<>(input));
    JavaDStream<WindowedValue<T>> records = reads.flatMap(read -> read.records().iterator());
    context.putDataset(transform, new UnboundedDataset<>(records, List.of(input.id())));
  }

  @Override
  public String toNativeString() {
    return runners.toNativeString();
  }
}
