package dev.streamstate.pipelines.io.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where a Kafka source of a job that resumes from a checkpoint starts, fixed when the job is first
 * built: per partition, the consumer group's committed offset, or else the start or the end of the
 * partition as {@code --offsetReset} says.
 *
 * <p>Why fixed: on the Spark runner a job restarted from its checkpoint recomputes the
 * micro-batches whose state was not yet written to the checkpoint, back to the job's first batch if
 * need be, and the first batch's reader has no position of its own. Left to Kafka, that reader
 * would start from the group's offsets committed since — past the records the lost state had
 * counted — and the restarted job would silently lose them (measured: three quarters of a ledger
 * after three kills). The offsets fixed here travel in the job's checkpoint, so a recomputed first
 * batch reads exactly what the original one read.
 */
public final class KafkaStartOffsets {
  private KafkaStartOffsets() {}

  /** The start offset of each partition of {@code topic}, keyed {@code partition number}. */
  public static HashMap<Integer, Long> resolve(
      Map<String, Object> config, String topic, String offsetReset) {
    Map<String, Object> consumerConfig = new HashMap<>(config);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      Set<TopicPartition> partitions = new HashSet<>();
      for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(partitions, Duration.ofSeconds(30));
      Map<TopicPartition, Long> fallback =
          offsetReset.equals("earliest")
              ? consumer.beginningOffsets(partitions, Duration.ofSeconds(30))
              : consumer.endOffsets(partitions, Duration.ofSeconds(30));
      HashMap<Integer, Long> start = new HashMap<>();
      for (TopicPartition partition : partitions) {
        OffsetAndMetadata offset = committed.get(partition);
        start.put(
            partition.partition(), offset != null ? offset.offset() : fallback.get(partition));
      }
      return start;
    } catch (KafkaException e) {
      throw new IllegalArgumentException(
          "cannot read the offsets of topic "
              + topic
              + " at "
              + config.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)
              + ": "
              + e.getMessage());
    }
  }

  /**
   * KafkaIO's consumers, each starting a partition it is not told to seek at {@code start}, with
   * the properties of {@code propertiesFile} added where each is made (see {@link KafkaClients}).
   */
  public static SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumers(
      HashMap<Integer, Long> start, String propertiesFile) {
    return config -> new PinnedStartConsumer(KafkaClients.withFile(config, propertiesFile), start);
  }

  /**
   * A consumer whose position in a partition it has not been told to seek in is the fixed start
   * offset: KafkaIO's reader asks for the position of each partition it has no checkpoint for.
   */
  private static final class PinnedStartConsumer extends KafkaConsumer<byte[], byte[]> {
    private final Map<Integer, Long> start;
    private final Set<TopicPartition> placed = new HashSet<>();

    PinnedStartConsumer(Map<String, Object> config, Map<Integer, Long> start) {
      super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      this.start = start;
    }

    @Override
    public long position(TopicPartition partition) {
      place(partition);
      return super.position(partition);
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
      place(partition);
      return super.position(partition, timeout);
    }

    private void place(TopicPartition partition) {
      Long offset = start.get(partition.partition());
      if (offset != null && placed.add(partition)) {
        super.seek(partition, offset);
      }
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
      placed.add(partition);
      super.seek(partition, offset);
    }

    @Override
    public void seek(TopicPartition partition, OffsetAndMetadata offset) {
      placed.add(partition);
      super.seek(partition, offset);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
      placed.addAll(partitions);
      super.seekToBeginning(partitions);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
      placed.addAll(partitions);
      super.seekToEnd(partitions);
    }
  }
}
