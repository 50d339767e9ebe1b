package dev.streamstate.runners.state;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
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
  private final StatefulBatch<?, ?, ?> batch;

  KeyedStateDStream(
      DStream<Tuple2<ByteArray, byte[]>> input,
      int partitions,
      StatefulBatch<?, ?, ?> batch,
      Duration checkpointInterval) {
    super(input.context(), RECORD);
    this.input = input;
    this.partitions = partitions;
    this.batch = batch;
    checkpoint(checkpointInterval);
    // After checkpoint(), which also sets Spark's default level for streams, MEMORY_ONLY_SER: kept
    // serialized, every batch would write the whole state into the cache and read it back.
    persist(StorageLevel.MEMORY_ONLY());
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
            new NextBatch(batch, validTime.milliseconds()));
    return Option.apply(after.rdd());
  }

  /** The per-partition step, a small serializable closure that does not hold the stream. */
  private static final class NextBatch
      implements FlatMapFunction2<
          Iterator<PartitionRecord>, Iterator<Tuple2<ByteArray, byte[]>>, PartitionRecord> {
    private static final long serialVersionUID = 1L;
    private final StatefulBatch<?, ?, ?> batch;
    private final long batchMillis;

    NextBatch(StatefulBatch<?, ?, ?> batch, long batchMillis) {
      this.batch = batch;
      this.batchMillis = batchMillis;
    }

    @Override
    public Iterator<PartitionRecord> call(
        Iterator<PartitionRecord> previous, Iterator<Tuple2<ByteArray, byte[]>> elements) {
      PartitionState state = previous.hasNext() ? previous.next().state() : PartitionState.EMPTY;
      return List.of(batch.run(batchMillis, state, elements)).iterator();
    }
  }
}
