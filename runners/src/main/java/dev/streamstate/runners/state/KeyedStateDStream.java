package dev.streamstate.runners.state;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.dstream.DStream;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A keyed-state stream in the manner of Spark's own {@code mapWithState}: each micro-batch's
 * state RDD is the previous batch's state RDD zipped, partition by partition, with the batch's
 * elements hash-partitioned the same way, so the work of a batch is its elements plus the keys it
 * wakes, not every key ever seen (as with {@code updateStateByKey}, or the Beam runner's timer
 * stream that feeds every known key back in every batch).
 *
 * <p>Written here rather than built on {@code mapWithState} because a stateful DoFn needs a batch
 * to wake the keys whose timers are due, which {@code mapWithState} cannot (its timeout means
 * "idle since the last update", found by scanning every key). The state RDDs are kept in memory
 * deserialized and checkpointed every {@code checkpointInterval}, which cuts their lineage.
 */
final class KeyedStateDStream extends DStream<PartitionRecord> {
  private static final long serialVersionUID = 1L;
  private static final ClassTag<PartitionRecord> RECORD = ClassTag$.MODULE$.apply(PartitionRecord.class);

  private final DStream<Tuple2<ByteArray, byte[]>> input;
  private final int partitions;
  private final KeyedBatch batch;
  private final @Nullable BatchWatermarks watermarks;

  /**
   * A stream whose batches run {@code batch} on {@code partitions} partitions, with each batch's
   * watermark from {@code watermarks} ({@code null}: the beginning of time, for a stage that
   * has no use for it).
   */
  KeyedStateDStream(
      DStream<Tuple2<ByteArray, byte[]>> input,
      int partitions,
      KeyedBatch batch,
      @Nullable BatchWatermarks watermarks,
      Duration checkpointInterval) {
    super(input.context(), RECORD);
    this.input = input;
    this.partitions = partitions;
    this.batch = batch;
    this.watermarks = watermarks;
    checkpoint(checkpointInterval);
    // After checkpoint(), which also sets Spark's default level for streams, MEMORY_ONLY_SER: kept
    // serialized, every batch would write the whole state into the cache and read it back.
    persist(StorageLevel.MEMORY_ONLY());
  }

  /** How many batches apart the state is checkpointed at least: Spark's own stateful streams' interval. */
  private static final int CHECKPOINT_BATCHES = 10;

  /**
   * The keyed-state stream of a translated transform: {@code elements} keyed by their encoded key,
   * each value encoded together with its timestamp, windows and pane, on the job's default
   * parallelism, with the state checkpointed every {@value #CHECKPOINT_BATCHES} batches or every
   * {@code --checkpointDurationMillis} where that is longer.
   *
   * <p>Why not the job's interval, usually one batch (a resumable job checkpoints its source every
   * batch, see {@code SparkStreaming}): a state checkpoint writes every key the state holds, so
   * writing it every batch would make each batch's cost follow the state again. Recovery recomputes
   * the batches since the last state checkpoint from the source's checkpointed records, at the
   * same batch times and (see {@link BatchWatermarks}) watermarks, which gives the same state and
   * the same timers.
   */
  static <K, V> KeyedStateDStream of(
      EvaluationContext context,
      JavaDStream<WindowedValue<KV<K, V>>> elements,
      Coder<K> keyCoder,
      Coder<WindowedValue<V>> valueCoder,
      KeyedBatch batch,
      @Nullable BatchWatermarks watermarks) {
    DStream<Tuple2<ByteArray, byte[]>> keyed =
        elements
            .mapToPair(
                element ->
                    new Tuple2<>(
                        new ByteArray(CoderUtils.encodeToByteArray(keyCoder, element.getValue().getKey())),
                        CoderUtils.encodeToByteArray(
                            valueCoder, element.withValue(element.getValue().getValue()))))
            .dstream();
    Duration checkpointInterval =
        checkpointInterval(
            keyed.slideDuration(),
            context.getOptions().as(SparkPipelineOptions.class).getCheckpointDurationMillis());
    return new KeyedStateDStream(
        keyed, context.getSparkContext().defaultParallelism(), batch, watermarks, checkpointInterval);
  }

  /**
   * How far apart the state of a stream of {@code batch} intervals is checkpointed: every {@value
   * #CHECKPOINT_BATCHES} batches, or every {@code configuredMillis} ({@code
   * --checkpointDurationMillis}, may be null) where that is longer.
   */
  static Duration checkpointInterval(Duration batch, @Nullable Long configuredMillis) {
    Duration everyTenBatches = batch.times(CHECKPOINT_BATCHES);
    return configuredMillis != null && configuredMillis > everyTenBatches.milliseconds()
        ? new Duration(configuredMillis)
        : everyTenBatches;
  }

  /** This stream in Spark's Java API. */
  JavaDStream<PartitionRecord> asJava() {
    return new JavaDStream<>(this, RECORD);
  }

  @Override
  public Duration slideDuration() {
    return input.slideDuration();
  }

  @Override
  public scala.collection.immutable.List<DStream<?>> dependencies() {
    List<DStream<?>> parents = List.of(input);
    return JavaConverters.asScalaBuffer(parents).toList();
  }

  @Override
  public Option<RDD<PartitionRecord>> compute(Time validTime) {
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(context().sparkContext());
    Option<RDD<Tuple2<ByteArray, byte[]>>> elements = input.getOrCompute(validTime);
    JavaPairRDD<ByteArray, byte[]> keyed =
        elements.isDefined()
            ? JavaPairRDD.fromJavaRDD(elements.get().toJavaRDD())
            : JavaPairRDD.fromJavaRDD(spark.<Tuple2<ByteArray, byte[]>>emptyRDD());
    Option<RDD<PartitionRecord>> previous = getOrCompute(validTime.$minus(slideDuration()));
    JavaRDD<PartitionRecord> before =
        previous.isDefined()
            ? previous.get().toJavaRDD()
            : spark.parallelize(Collections.nCopies(partitions, PartitionRecord.EMPTY), partitions);
    JavaRDD<PartitionRecord> after =
        before.zipPartitions(
            keyed.partitionBy(new HashPartitioner(partitions)),
            new NextBatch(batch, clockFor(validTime.milliseconds())));
    return Option.apply(after.rdd());
  }

  private KeyedBatch.Clock clockFor(long batchMillis) {
    if (watermarks == null) {
      long beginning = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
      return new KeyedBatch.Clock(batchMillis, beginning, beginning);
    }
    Duration remembered = rememberDuration();
    long kept = Math.max(remembered == null ? 0 : remembered.milliseconds(), slideDuration().milliseconds());
    return watermarks.clockFor(batchMillis, batchMillis - kept);
  }

  /** The per-partition step, a small serializable closure that does not hold the stream. */
  private static final class NextBatch
      implements FlatMapFunction2<
          Iterator<PartitionRecord>, Iterator<Tuple2<ByteArray, byte[]>>, PartitionRecord> {
    private static final long serialVersionUID = 1L;
    private final KeyedBatch batch;
    private final KeyedBatch.Clock clock;

    NextBatch(KeyedBatch batch, KeyedBatch.Clock clock) {
      this.batch = batch;
      this.clock = clock;
    }

    @Override
    public Iterator<PartitionRecord> call(
        Iterator<PartitionRecord> previous, Iterator<Tuple2<ByteArray, byte[]>> elements) {
      PartitionState state = previous.hasNext() ? previous.next().state() : PartitionState.EMPTY;
      return List.of(batch.run(clock, state, elements)).iterator();
    }
  }
}
