package dev.streamstate.runners.kafka;

import dev.streamstate.runners.BatchProgress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.kafka.KafkaCheckpointMark;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkContext$;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Time;
import org.apache.spark.streaming.dstream.InputDStream;
import org.apache.spark.streaming.scheduler.StreamInputInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * KafkaIO's source read the way Spark's direct Kafka stream reads: when a micro-batch is made, the
 * driver fixes each partition's offset range, from where the previous batch stopped to the
 * partition's end (at most {@code --maxRecordsPerBatch} records in all), and the batch reads
 * exactly that range ({@link RangeReaders}). The ranges of recent batches travel in the job's
 * checkpoint with this stream, so a batch recomputed after a crash reads the records it read
 * before: no source state to checkpoint, and none of the runner's per-batch reader checkpoints.
 *
 * <p>Each batch's RDD holds one {@link RangeRead} per partition and is cached: {@link ReadReport},
 * the batch's first job, reads it for the watermarks, and the pipeline reads the same records from
 * the cache. Making a batch runs no job (see {@link ReadReport} for why). With {@code
 * commitOffsetsInFinalize()} the group's offsets are committed once a batch completes.
 */
final class OffsetRangeInputDStream<T> extends InputDStream<RangeRead<T>> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(OffsetRangeInputDStream.class);
  private static final long DEFAULT_READ_TIMEOUT_MILLIS = 60_000;

  private final UnboundedSource<T, KafkaCheckpointMark> source;
  private final SerializablePipelineOptions options;

  /** Names this stream's readers on the executors, apart from any other stream's in the JVM. */
  private final String uid = UUID.randomUUID().toString();

  /** The source's splits, one per partition, in split order; made with the first batch. */
  private ArrayList<UnboundedSource<T, KafkaCheckpointMark>> splits;

  /** The partition of each split, in split order. */
  private ArrayList<TopicPartition> partitions;

  private final long readTimeoutMillis;

  /** The ranges of the batches made recently, by batch time. */
  private final TreeMap<Long, List<OffsetRange>> made = new TreeMap<>();

  /** The read's name in the pipeline, in what each batch reports to Spark's input tracker. */
  private final String name;

  /** Each split's next offset and watermark, after the latest batch made and read. */
  private long[] next;

  private final HashMap<Integer, Long> watermarks = new HashMap<>();

  /** The time of the latest batch completed, before which ranges are forgotten. */
  private long completed = Long.MIN_VALUE;

  /** The time of the latest checkpoint Spark wrote of this stream. */
  private long checkpointedAt = Long.MAX_VALUE;

  /** The cached reads of the batches not yet completed, unpersisted once their batch completes. */
  private transient TreeMap<Long, JavaRDD<?>> cached;

  private transient Consumer<?, ?> consumer;
  private transient StreamingListener committer;

  OffsetRangeInputDStream(
      org.apache.spark.streaming.StreamingContext context,
      UnboundedSource<T, KafkaCheckpointMark> source,
      SerializablePipelineOptions options,
      String name) {
    super(context, JavaSparkContext$.MODULE$.fakeClassTag());
    this.source = source;
    this.options = options;
    this.name = name;
    this.readTimeoutMillis = readTimeoutMillis(KafkaSpec.of(source));
  }

  @Override
  public void start() {
    listen();
  }

  /**
   * Registers the listener of completed batches; also from {@link #compute}, since Spark does not
   * start the input streams of a job restarted from its checkpoint.
   */
  private synchronized void listen() {
    if (committer == null) {
      committer = new Committer(spec().isCommitOffsetsInFinalizeEnabled());
      ssc().addStreamingListener(committer);
    }
  }

  @Override
  public void stop() {
    if (committer != null) {
      ssc().removeStreamingListener(committer);
    }
    synchronized (this) {
      if (consumer != null) {
        consumer.close();
        consumer = null;
      }
    }
    RangeReaders.closeAll(uid);
  }

  @Override
  public synchronized Option<RDD<RangeRead<T>>> compute(Time validTime) {
    listen();
    long time = validTime.milliseconds();
    List<OffsetRange> ranges = made.get(time);
    long lag = -1;
    if (ranges == null) {
      if (!made.isEmpty() && time <= made.lastKey()) {
        // Reading the partitions' ends now would give the batch other records than it had.
        throw new IllegalStateException(
            "the offset ranges of the batch at "
                + validTime
                + " are no longer known (ranges are kept from "
                + new Time(made.firstKey())
                + "): it cannot be recomputed as it ran");
      }
      Fixed next = nextRanges();
      ranges = next.ranges();
      lag = next.lag();
      made.put(time, ranges);
      // Recovery recomputes, from their ranges, the batches since the checkpoint's time and those
      // back to the last state checkpoint Spark restores. The graph's remember duration (twice the
      // longest state checkpoint interval) behind the latest completed batch was measured too
      // short: a restart of the fraud kill -9 test asked for a batch 4 s older. Twice that is kept,
      // behind the latest completed batch or the latest checkpoint's time where that is older (see
      // KeyedStateDStream#updateCheckpointData); the ranges are a few numbers a batch.
      if (completed != Long.MIN_VALUE) {
        made.headMap(
                Math.min(completed, checkpointedAt)
                    - 2 * rememberDuration().milliseconds()
                    - slideDuration().milliseconds())
            .clear();
      }
    }
    JavaSparkContext spark = JavaSparkContext.fromSparkContext(context().sparkContext());
    JavaRDD<RangeRead<T>> reads =
        spark
            .parallelize(ranges, ranges.size())
            .map(new ReadRange<>(uid, splits, options, readTimeoutMillis))
            .cache();
    if (cached == null) {
      cached = new TreeMap<>();
    }
    cached.put(time, reads);
    report(validTime, ranges, lag);
    return Option.apply(reads.rdd());
  }

  /**
   * Tells Spark's input tracker what the batch reads (the UI's input rate, the batch's record
   * count): the size of its ranges, as Spark's direct Kafka stream counts, known without reading
   * them; and the topic's {@code lag} past them where the ranges were fixed just now (-1 for a
   * recomputed batch).
   */
  private void report(Time validTime, List<OffsetRange> ranges, long lag) {
    long records = 0;
    for (OffsetRange range : ranges) {
      records += range.size();
    }
    scala.collection.immutable.Map<String, Object> description =
        new scala.collection.immutable.Map.Map1<>(
            StreamInputInfo.METADATA_KEY_DESCRIPTION(), "Read offsets " + ranges + " from " + name);
    if (lag >= 0) {
      description = description.updated(BatchProgress.LAG, lag);
    }
    ssc()
        .scheduler()
        .inputInfoTracker()
        .reportInfo(validTime, new StreamInputInfo(id(), records, description));
  }

  /** Notes the time of the checkpoint Spark is about to write: a restart recomputes from there. */
  @Override
  public synchronized void updateCheckpointData(Time currentTime) {
    checkpointedAt = currentTime.milliseconds();
    super.updateCheckpointData(currentTime);
  }

  /**
   * Called by {@link ReadReport} once a batch's ranges are read: where each partition's watermark
   * stands.
   */
  synchronized void read(List<RangeRead.Summary> summaries, List<OffsetRange> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      watermarks.put(ranges.get(i).split(), summaries.get(i).watermarkAfter());
    }
  }

  synchronized List<OffsetRange> rangesOf(long batchTime) {
    return made.get(batchTime);
  }

  /** A new batch's ranges, and the records the topic held past them when they were fixed. */
  private record Fixed(List<OffsetRange> ranges, long lag) {}

  private Fixed nextRanges() {
    if (splits == null) {
      splits = splitPerPartition();
      partitions = new ArrayList<>(splits.size());
      for (UnboundedSource<T, KafkaCheckpointMark> split : splits) {
        partitions.add(KafkaSpec.of(split).getTopicPartitions().get(0));
      }
      next = startOffsets();
    }
    Map<TopicPartition, Long> ends = consumer().endOffsets(partitions);
    long cap = perPartitionCap();
    long lag = 0;
    List<OffsetRange> ranges = new ArrayList<>(splits.size());
    for (int split = 0; split < splits.size(); split++) {
      TopicPartition partition = partitions.get(split);
      long from = next[split];
      long until = Math.max(from, ends.get(partition));
      if (cap > 0) {
        until = Math.min(until, from + cap);
      }
      long watermark =
          watermarks.getOrDefault(split, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis());
      ranges.add(
          new OffsetRange(split, partition.topic(), partition.partition(), from, until, watermark));
      next[split] = until;
      lag += Math.max(0, ends.get(partition) - until);
    }
    return new Fixed(ranges, lag);
  }

  private ArrayList<UnboundedSource<T, KafkaCheckpointMark>> splitPerPartition() {
    try {
      @SuppressWarnings("unchecked")
      List<UnboundedSource<T, KafkaCheckpointMark>> split =
          (List<UnboundedSource<T, KafkaCheckpointMark>>)
              source.split(Integer.MAX_VALUE, options.get());
      return new ArrayList<>(split);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot list the partitions of " + spec().getTopics() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where the stream starts: the consumer's position (group offset or offset reset), or the start
   * read time.
   */
  private long[] startOffsets() {
    long[] start = new long[splits.size()];
    Consumer<?, ?> consumer = consumer();
    KafkaIO.Read<?, ?> spec = spec();
    for (int split = 0; split < splits.size(); split++) {
      TopicPartition partition = partitions.get(split);
      if (spec.getStartReadTime() != null) {
        OffsetAndTimestamp at =
            consumer
                .offsetsForTimes(Map.of(partition, spec.getStartReadTime().getMillis()))
                .get(partition);
        start[split] =
            at != null ? at.offset() : consumer.endOffsets(List.of(partition)).get(partition);
      } else {
        start[split] = consumer.position(partition);
      }
      LOG.info("Reading {} from offset {}", partition, start[split]);
    }
    return start;
  }

  private long perPartitionCap() {
    long max = options.get().as(SparkPipelineOptions.class).getMaxRecordsPerBatch();
    return max <= 0 ? 0 : Math.max(1, max / splits.size());
  }

  private static long readTimeoutMillis(KafkaIO.Read<?, ?> spec) {
    Object timeout =
        spec.getConsumerConfig().get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
    return timeout == null ? DEFAULT_READ_TIMEOUT_MILLIS : Long.parseLong(timeout.toString());
  }

  private KafkaIO.Read<?, ?> spec() {
    return KafkaSpec.of(source);
  }

  private synchronized Consumer<?, ?> consumer() {
    if (consumer == null) {
      KafkaIO.Read<?, ?> spec = spec();
      consumer = spec.getConsumerFactoryFn().apply(spec.getConsumerConfig());
      consumer.assign(partitions);
    }
    return consumer;
  }

  /** Notes each completed batch, and commits the group's offsets as far as it read if asked to. */
  private final class Committer implements StreamingListener {
    private final boolean commit;

    Committer(boolean commit) {
      this.commit = commit;
    }

    @Override
    public void onBatchCompleted(StreamingListenerBatchCompleted batch) {
      long time = batch.batchInfo().batchTime().milliseconds();
      List<OffsetRange> ranges;
      List<JavaRDD<?>> done = new ArrayList<>();
      synchronized (OffsetRangeInputDStream.this) {
        completed = Math.max(completed, time);
        ranges = made.get(time);
        if (cached != null) {
          // This batch's reads, and those of older batches a restart read only as the lineage of
          // its first batches, which never complete in this driver.
          Map<Long, JavaRDD<?>> older = cached.headMap(time, true);
          done.addAll(older.values());
          older.clear();
        }
      }
      for (JavaRDD<?> read : done) {
        // Its records have been through the whole batch: held for the stream's remember duration
        // (20 batches with state), a batch's records as objects would fill the heap. A
        // recomputation
        // reads the range again.
        read.unpersist(false);
      }
      if (!commit || ranges == null) {
        return;
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (OffsetRange range : ranges) {
        offsets.put(
            new TopicPartition(range.topic(), range.partition()),
            new OffsetAndMetadata(range.until()));
      }
      try {
        synchronized (OffsetRangeInputDStream.this) {
          consumer().commitSync(offsets);
        }
      } catch (RuntimeException e) {
        // The checkpoint, not the group's offsets, is what a resumed job reads from.
        LOG.warn("Could not commit offsets {} of a completed batch: {}", offsets, e.toString());
      }
    }
  }

  /** Reads one range on an executor. */
  private static final class ReadRange<T> implements Function<OffsetRange, RangeRead<T>> {
    private static final long serialVersionUID = 1L;
    private final String stream;
    private final List<UnboundedSource<T, KafkaCheckpointMark>> splits;
    private final SerializablePipelineOptions options;
    private final long timeoutMillis;

    ReadRange(
        String stream,
        List<UnboundedSource<T, KafkaCheckpointMark>> splits,
        SerializablePipelineOptions options,
        long timeoutMillis) {
      this.stream = stream;
      this.splits = splits;
      this.options = options;
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    public RangeRead<T> call(OffsetRange range) {
      return RangeReaders.read(
          stream, splits.get(range.split()), range, options.get(), timeoutMillis);
    }
  }
}
