package dev.streamstate.runners.kafka;

import java.util.List;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder.SparkWatermarks;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.streaming.Time;
import org.joda.time.Instant;

/**
 * The first output operation of each batch that reads Kafka by offset ranges: reads the batch's
 * ranges (into the cache the pipeline then reads from) and reports where the source's watermark
 * stands after them, to the runner's watermark holder under the input stream's id, where stages
 * find it once the batch completes.
 *
 * <p>A job of the batch, not of the batch's making: Spark makes batches, and writes the job's
 * checkpoints, on one thread. A job run there waits for the running batch's tasks, so while the
 * driver is behind (catching up after a restart) every batch made would wait for one run, the
 * thread would fall many batches behind, and the checkpoints it wrote would carry a batch time
 * older than the state they hold, from which a restart cannot recompute. The record count, which
 * Spark needs when the batch is made, comes from the ranges ({@link OffsetRangeInputDStream}).
 *
 * <p>The source's watermark is the <em>slowest</em> partition's, the way KafkaIO's reader combines
 * the partitions it reads (the runner's own read takes the fastest split's, so a lagging
 * partition's records can arrive late).
 */
final class ReadReport<T> implements VoidFunction2<JavaRDD<RangeRead<T>>, Time> {
  private static final long serialVersionUID = 1L;

  private final OffsetRangeInputDStream<T> input;

  ReadReport(OffsetRangeInputDStream<T> input) {
    this.input = input;
  }

  @Override
  public void call(JavaRDD<RangeRead<T>> reads, Time time) {
    List<RangeRead.Summary> summaries = reads.map(RangeRead::summary).collect();
    input.read(summaries, input.rangesOf(time.milliseconds()));
    long before = Long.MAX_VALUE;
    long after = Long.MAX_VALUE;
    for (RangeRead.Summary summary : summaries) {
      before = Math.min(before, summary.watermarkBefore());
      // A partition's watermark never goes back, even from a reader opened anew.
      after = Math.min(after, Math.max(summary.watermarkBefore(), summary.watermarkAfter()));
    }
    GlobalWatermarkHolder.add(
        input.id(),
        new SparkWatermarks(
            new Instant(before), new Instant(after), new Instant(time.milliseconds())));
  }
}
