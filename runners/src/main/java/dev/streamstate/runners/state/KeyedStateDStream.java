package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.dstream.DStream;
import org.checkerframework.checker.nullness.qual.Nullable;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A keyed-state stream in the manner of Spark's own {@code mapWithState}: each micro-batch's state
 * RDD is the previous batch's state RDD zipped, partition by partition, with the batch's elements
 * hash-partitioned the same way, so the work of a batch is its elements plus the keys it wakes, not
 * every key ever seen (as with {@code updateStateByKey}, or the Beam runner's timer stream that
 * feeds every known key back in every batch).
 *
 * <p>Written here rather than built on {@code mapWithState} because a stateful DoFn needs a batch
 * to wake the keys whose timers are due, which {@code mapWithState} cannot (its timeout means "idle
 * since the last update", found by scanning every key). The state RDDs are kept in memory
 * deserialized and checkpointed every {@code checkpointInterval}, which cuts their lineage.
 */
final class KeyedStateDStream extends DStream<PartitionRecord> {
  private static final long serialVersionUID = 1L;
  private static final ClassTag<PartitionRecord> RECORD =
      ClassTag$.MODULE$.apply(PartitionRecord.class);
  private static final ClassTag<ByteArray> KEY = ClassTag$.MODULE$.apply(ByteArray.class);
  private static final ClassTag<byte[]> BYTES = ClassTag$.MODULE$.apply(byte[].class);

  private final DStream<Tuple2<ByteArray, byte[]>> input;
  private final int partitions;
  private final KeyedBatch batch;
  private final @Nullable BatchWatermarks sourceWatermarks;
  private final List<KeyedStateDStream> upstream;

  /**
   * The time of the latest checkpoint Spark wrote of this stream, see {@link
   * #updateCheckpointData}.
   */
  private long checkpointedAt = Long.MAX_VALUE;

  /**
   * A stream whose batches run {@code batch} on {@code partitions} partitions. Its input watermark
   * is the slowest of the sources it reads directly ({@code sourceWatermarks}, {@code null} for
   * none) and of the output watermarks of the {@code upstream} stages its input comes from.
   */
  KeyedStateDStream(
      DStream<Tuple2<ByteArray, byte[]>> input,
      int partitions,
      KeyedBatch batch,
      @Nullable BatchWatermarks sourceWatermarks,
      List<KeyedStateDStream> upstream,
      Duration checkpointInterval) {
    super(input.context(), RECORD);
    this.input = input;
    this.partitions = partitions;
    this.batch = batch;
    this.sourceWatermarks = sourceWatermarks;
    this.upstream = List.copyOf(upstream);
    checkpoint(checkpointInterval);
    // After checkpoint(), which also sets Spark's default level for streams, MEMORY_ONLY_SER: kept
    // serialized, every batch would write the whole state into the cache and read it back.
    persist(StorageLevel.MEMORY_ONLY());
  }

  /**
   * How many batches apart the state is checkpointed at least: Spark's own stateful streams'
   * interval.
   */
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
   * the batches since the last state checkpoint from the source's checkpointed records, at the same
   * batch times and (see {@link BatchWatermarks}) watermarks, which gives the same state and the
   * same timers.
   */
  static <K, V> KeyedStateDStream of(
      EvaluationContext context,
      JavaDStream<WindowedValue<KV<K, V>>> elements,
      Coder<K> keyCoder,
      Coder<WindowedValue<V>> valueCoder,
      KeyedBatch batch) {
    DStream<Tuple2<ByteArray, byte[]>> keyed =
        elements
            .mapToPair(
                element ->
                    new Tuple2<>(
                        new ByteArray(
                            CoderUtils.encodeToByteArray(keyCoder, element.getValue().getKey())),
                        CoderUtils.encodeToByteArray(
                            valueCoder, element.withValue(element.getValue().getValue()))))
            .dstream();
    Duration checkpointInterval =
        checkpointInterval(
            keyed.slideDuration(),
            context.getOptions().as(SparkPipelineOptions.class).getCheckpointDurationMillis());
    StageInputs inputs = StageInputs.of(keyed);
    BatchWatermarks sourceWatermarks =
        inputs.sources().isEmpty()
            ? null
            : BatchWatermarks.ofSources(inputs.sources(), keyed.slideDuration().milliseconds());
    return new KeyedStateDStream(
        keyed,
        context.getSparkContext().defaultParallelism(),
        batch,
        sourceWatermarks,
        inputs.stages(),
        checkpointInterval);
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
    List<DStream<?>> parents = new ArrayList<>();
    parents.add(input);
    parents.addAll(upstream);
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
    JavaRDD<BatchStart> start =
        before.zipPartitions(
            upstreamWatermarks(validTime, spark),
            new StartBatch(clockFor(validTime.milliseconds())));
    JavaRDD<PartitionRecord> after = start.zipPartitions(partitioned(keyed), new NextBatch(batch));
    return Option.apply(after.rdd());
  }

  /**
   * A batch's elements, hash-partitioned as the state is, shuffled with Kryo rather than the job's
   * serializer (Java serialization unless the user chose otherwise): the pairs hold nothing but
   * arrays of bytes, which Java serialization wrapped in an object header and a class handle each,
   * a tenth of the time per event of the throughput benchmark. Beam's translation keeps Spark's
   * default, as its own state would not survive Kryo. The serializer is the JVM's ({@link
   * SharedKryo}), not one made anew with each task.
   */
  private JavaPairRDD<ByteArray, byte[]> partitioned(JavaPairRDD<ByteArray, byte[]> keyed) {
    ShuffledRDD<ByteArray, byte[], byte[]> shuffled =
        new ShuffledRDD<>(keyed.rdd(), new HashPartitioner(partitions), KEY, BYTES, BYTES);
    shuffled.setSerializer(new SharedKryo());
    return JavaPairRDD.fromRDD(shuffled, KEY, BYTES);
  }

  /**
   * The output watermarks of the upstream stages after this batch, each partition of each of them
   * sent to every partition of this stage: a few numbers through one small shuffle, which lets this
   * stage advance in the same batch as the stages before it, from what their state holds after the
   * batch, and gives the same watermark when a batch is recomputed.
   */
  private JavaPairRDD<Integer, Long> upstreamWatermarks(Time validTime, JavaSparkContext spark) {
    if (upstream.isEmpty()) {
      // The first stage of a pipeline: empty partitions to zip with, and no shuffle to wait for.
      return JavaPairRDD.fromJavaRDD(
          spark.parallelize(List.<Tuple2<Integer, Long>>of(), partitions));
    }
    JavaPairRDD<Integer, Long> all =
        JavaPairRDD.fromJavaRDD(spark.<Tuple2<Integer, Long>>emptyRDD());
    int fanOut = partitions;
    for (KeyedStateDStream stage : upstream) {
      Option<RDD<PartitionRecord>> records = stage.getOrCompute(validTime);
      if (records.isEmpty()) {
        throw new IllegalStateException(
            "the stage before " + this + " has no batch at " + validTime);
      }
      all =
          all.union(
              records
                  .get()
                  .toJavaRDD()
                  .flatMapToPair(
                      record -> {
                        long watermark = record.state().outputWatermark();
                        List<Tuple2<Integer, Long>> copies = new ArrayList<>(fanOut);
                        for (int partition = 0; partition < fanOut; partition++) {
                          copies.add(new Tuple2<>(partition, watermark));
                        }
                        return copies.iterator();
                      }));
    }
    // Integer keys 0..n-1 hash to themselves: partition i gets the copies sent to it.
    return all.partitionBy(new HashPartitioner(partitions));
  }

  /**
   * The batch's clock as the driver knows it: the batch time and where the sources this stage reads
   * directly take the watermark (the end of time where it reads none, so that only the upstream
   * stages count).
   */
  KeyedBatch.Clock clockFor(long batchMillis) {
    if (sourceWatermarks == null) {
      long end = BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis();
      return new KeyedBatch.Clock(batchMillis, end, end);
    }
    Duration remembered = rememberDuration();
    long kept =
        Math.max(
            remembered == null ? 0 : remembered.milliseconds(), slideDuration().milliseconds());
    return sourceWatermarks.clockFor(batchMillis, Math.min(batchMillis, checkpointedAt) - kept);
  }

  /**
   * Notes the time of the checkpoint Spark is about to write. A restart recomputes from that time,
   * back to the state checkpoint before it, so the batches' clocks are kept from there: Spark
   * stamps a checkpoint with the time of the event it handles, which lags the batches being made
   * when a job runs while they are made (Beam's own read does), and clocks kept only for the
   * remember duration behind the newest batch were gone. Recomputed with the watermarks of the
   * restart instead, a stage fired its windows in later batches than it had, after the state
   * checkpoint of the stage after it, which counted them twice (the fraud kill -9 test's running
   * totals, once in a full build).
   */
  @Override
  public void updateCheckpointData(Time currentTime) {
    checkpointedAt = currentTime.milliseconds();
    super.updateCheckpointData(currentTime);
  }

  /**
   * Forgets old batches as Spark does, then also drops from the cache every batch older than the
   * newest one whose checkpoint is written. Spark keeps a batch cached until it forgets it, twice
   * the checkpoint interval later (20 batches), but a cached record holds a version of its
   * partition's state (sharing what did not change, yet with every key the batch touched written
   * anew) and the batch's outputs: in the sliding-windows benchmark at 100 k words, 279 MB held
   * with 20 batches cached, 56 MB with those since the checkpoint (Spark's own sliding windows, 34
   * MB). Nothing reads the older ones any more: the next batch reads the newest record, and a batch
   * recomputed (a lost block, a retried task) starts from the checkpoint. The checkpointed batch
   * itself stays cached, so that the batch after it does not read its state back from files. With
   * {@code spark.streaming.concurrentJobs} above 1, a batch before the checkpointed one may still
   * be running: its tasks then recompute its record from the checkpoint before it, as after a lost
   * block.
   */
  @Override
  public void clearMetadata(Time time) {
    super.clearMetadata(time);
    if (!context().conf().getBoolean("spark.streaming.unpersist", true)) {
      return; // the user keeps every remembered batch cached, as Spark then does
    }
    Map<Time, RDD<PartitionRecord>> batches = JavaConverters.mapAsJavaMap(generatedRDDs());
    Time checkpointed = null;
    for (Map.Entry<Time, RDD<PartitionRecord>> batch : batches.entrySet()) {
      if (batch.getValue().isCheckpointed()
          && (checkpointed == null || batch.getKey().greater(checkpointed))) {
        checkpointed = batch.getKey();
      }
    }
    for (Map.Entry<Time, RDD<PartitionRecord>> batch : batches.entrySet()) {
      RDD<PartitionRecord> records = batch.getValue();
      if (checkpointed != null
          && batch.getKey().less(checkpointed)
          && !records.getStorageLevel().equals(StorageLevel.NONE())) {
        records.unpersist(false);
      }
    }
  }

  /** A partition's state before a batch, with the batch's clock for it. */
  record BatchStart(PartitionState state, KeyedBatch.Clock clock) implements Serializable {}

  /**
   * Fixes a partition's clock for the batch: its input watermark is where the last batch left it
   * (kept in the partition's state) until the elements are in, then advances to the slowest of its
   * inputs, never back.
   */
  private static final class StartBatch
      implements FlatMapFunction2<
          Iterator<PartitionRecord>, Iterator<Tuple2<Integer, Long>>, BatchStart> {
    private static final long serialVersionUID = 1L;
    private final KeyedBatch.Clock sources;

    StartBatch(KeyedBatch.Clock sources) {
      this.sources = sources;
    }

    @Override
    public Iterator<BatchStart> call(
        Iterator<PartitionRecord> previous, Iterator<Tuple2<Integer, Long>> upstream) {
      PartitionState state = previous.hasNext() ? previous.next().state() : PartitionState.EMPTY;
      long slowest = sources.nextWatermarkMillis();
      while (upstream.hasNext()) {
        slowest = Math.min(slowest, upstream.next()._2());
      }
      long watermark = state.inputWatermark();
      long next = Math.max(watermark, slowest);
      return List.of(
              new BatchStart(state, new KeyedBatch.Clock(sources.batchMillis(), watermark, next)))
          .iterator();
    }
  }

  /** The per-partition step, a small serializable closure that does not hold the stream. */
  private static final class NextBatch
      implements FlatMapFunction2<
          Iterator<BatchStart>, Iterator<Tuple2<ByteArray, byte[]>>, PartitionRecord> {
    private static final long serialVersionUID = 1L;
    private final KeyedBatch batch;

    NextBatch(KeyedBatch batch) {
      this.batch = batch;
    }

    @Override
    public Iterator<PartitionRecord> call(
        Iterator<BatchStart> start, Iterator<Tuple2<ByteArray, byte[]>> elements) {
      BatchStart partition = start.next();
      return List.of(batch.run(partition.clock(), partition.state(), elements)).iterator();
    }
  }
}
