package dev.streamstate.runners.kafka;

import dev.streamstate.runners.BatchProgress;
import java.util.List;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder.SparkWatermarks;
import org.apache.spark.api.java.JavaSparkContext$;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.dstream.DStream;
import org.apache.spark.streaming.scheduler.StreamInputInfo;
import org.joda.time.Instant;
import scala.Option;
import scala.runtime.BoxedUnit;

/**
 * Reads each batch's ranges when the batch is made, as the Spark runner does for its own reads, and
 * reports them: the source's watermarks to the runner's watermark holder, under the input stream's
 * id, where stages find them; and the record count to Spark's input tracker (the UI's input rate).
 *
 * <p>The source's watermark is the <em>slowest</em> partition's, the way KafkaIO's reader combines
 * the partitions it reads (the runner's own read takes the fastest split's, so a lagging
 * partition's records can arrive late). Registered as an output stream so that it runs for every
 * batch, before the pipeline's outputs, and produces no job of its own.
 */
final class ReadReport<T> extends DStream<BoxedUnit> {
  private static final long serialVersionUID = 1L;

  private final OffsetRangeInputDStream<T> input;
  private final String name;

  ReadReport(OffsetRangeInputDStream<T> input, String name) {
    super(input.ssc(), JavaSparkContext$.MODULE$.fakeClassTag());
    this.input = input;
    this.name = name;
  }

  @Override
  public Duration slideDuration() {
    return input.slideDuration();
  }

  @Override
  public scala.collection.immutable.List<DStream<?>> dependencies() {
    return scala.collection.immutable.List$.MODULE$.<DStream<?>>empty().$colon$colon(input);
  }

  @Override
  public Option<RDD<BoxedUnit>> compute(Time validTime) {
    Option<RDD<RangeRead<T>>> reads = input.getOrCompute(validTime);
    if (reads.isEmpty()) {
      return Option.empty();
    }
    List<RangeRead.Summary> summaries = reads.get().toJavaRDD().map(RangeRead::summary).collect();
    List<OffsetRange> ranges = input.rangesOf(validTime.milliseconds());
    input.read(summaries, ranges);
    long count = 0;
    long before = Long.MAX_VALUE;
    long after = Long.MAX_VALUE;
    for (RangeRead.Summary summary : summaries) {
      count += summary.records();
      before = Math.min(before, summary.watermarkBefore());
      // A partition's watermark never goes back, even from a reader opened anew.
      after = Math.min(after, Math.max(summary.watermarkBefore(), summary.watermarkAfter()));
    }
    SparkWatermarks watermarks =
        new SparkWatermarks(new Instant(before), new Instant(after), new Instant(validTime.milliseconds()));
    GlobalWatermarkHolder.add(input.id(), watermarks);
    scala.collection.immutable.Map<String, Object> description =
        new scala.collection.immutable.Map.Map1<>(
            StreamInputInfo.METADATA_KEY_DESCRIPTION(),
            "Read " + count + " records of " + ranges + " with watermarks " + watermarks + " from " + name);
    long lag = input.lagOf(validTime.milliseconds());
    if (lag >= 0) {
      description = description.updated(BatchProgress.LAG, lag);
    }
    ssc().scheduler().inputInfoTracker().reportInfo(validTime, new StreamInputInfo(input.id(), count, description));
    return Option.empty();
  }
}
