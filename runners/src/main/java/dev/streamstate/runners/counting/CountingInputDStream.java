package dev.streamstate.runners.counting;

import dev.streamstate.runners.counting.Sequence.Slice;
import java.util.Iterator;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder.SparkWatermarks;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkContext$;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.dstream.InputDStream;
import org.apache.spark.streaming.scheduler.StreamInputInfo;
import org.joda.time.Instant;
import scala.Option;

/**
 * A {@link Sequence} read in micro-batches: the batch at time {@code t} holds the numbers due
 * between the previous batch's time and {@code t}, counted from the first batch's interval. What a
 * batch reads follows from its time alone, so a batch recomputed after a crash reads the numbers it
 * read the first time (the first batch's time travels in the job's checkpoint with this stream), no
 * source state is checkpointed, and making a batch runs no Spark job. The numbers are made on the
 * executors, in up to the job's default parallelism of contiguous slices.
 *
 * <p>The batch's watermark report ({@link #report}) is its first output operation, a call on the
 * driver that runs no job.
 */
final class CountingInputDStream extends InputDStream<WindowedValue<Long>> {
  private static final long serialVersionUID = 1L;

  private final Sequence sequence;

  /** The read's name in the pipeline, in what each batch reports to Spark's input tracker. */
  private final String name;

  /** When the read started: the start of the first batch's interval. */
  private long startedAt = Long.MIN_VALUE;

  CountingInputDStream(StreamingContext context, Sequence sequence, String name) {
    super(context, JavaSparkContext$.MODULE$.fakeClassTag());
    this.sequence = sequence;
    this.name = name;
  }

  @Override
  public void start() {}

  @Override
  public void stop() {}

  @Override
  public synchronized Option<RDD<WindowedValue<Long>>> compute(Time validTime) {
    long time = validTime.milliseconds();
    if (startedAt == Long.MIN_VALUE) {
      startedAt = time - slideDuration().milliseconds();
    }
    Slice batch = sliceOf(time);
    int slices =
        (int) Math.max(1, Math.min(context().sparkContext().defaultParallelism(), batch.size()));
    ssc()
        .scheduler()
        .inputInfoTracker()
        .reportInfo(
            validTime,
            new StreamInputInfo(
                id(),
                batch.size(),
                new scala.collection.immutable.Map.Map1<>(
                    StreamInputInfo.METADATA_KEY_DESCRIPTION(),
                    "Numbers "
                        + batch.from()
                        + " to "
                        + batch.until()
                        + " (exclusive) of "
                        + name)));
    return Option.apply(
        JavaSparkContext.fromSparkContext(context().sparkContext())
            .parallelize(batch.split(slices), slices)
            .flatMap(new Numbers(sequence, startedAt))
            .rdd());
  }

  /** The indices of the numbers the batch at {@code time} reads. */
  private synchronized Slice sliceOf(long time) {
    return sequence.batch(startedAt, slideDuration().milliseconds(), time);
  }

  /**
   * Tells the runner's watermark holder, under this stream's id, where the sequence's watermark
   * stands before and after the batch at {@code time}: stages find it there once the batch
   * completes.
   */
  synchronized void report(Time time) {
    long millis = time.milliseconds();
    Slice batch = sliceOf(millis);
    Instant before =
        sequence.watermark(batch.from(), startedAt, millis - slideDuration().milliseconds());
    Instant after = sequence.watermark(batch.until(), startedAt, millis);
    GlobalWatermarkHolder.add(
        id(),
        new SparkWatermarks(before, after.isBefore(before) ? before : after, new Instant(millis)));
  }

  /** Makes a slice's numbers on an executor, with their timestamps. */
  private static final class Numbers implements FlatMapFunction<Slice, WindowedValue<Long>> {
    private static final long serialVersionUID = 1L;
    private final Sequence sequence;
    private final long startedAt;

    Numbers(Sequence sequence, long startedAt) {
      this.sequence = sequence;
      this.startedAt = startedAt;
    }

    @Override
    public Iterator<WindowedValue<Long>> call(Slice slice) {
      return new Iterator<>() {
        private long index = slice.from();

        @Override
        public boolean hasNext() {
          return index < slice.until();
        }

        @Override
        public WindowedValue<Long> next() {
          long at = index++;
          return WindowedValues.timestampedValueInGlobalWindow(
              sequence.number(at), sequence.timestamp(at, startedAt));
        }
      };
    }
  }
}
