package dev.streamstate.benchmarks;

import dev.streamstate.localstack.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link Workload} as a Kafka topic, written in full before any job reads it: one word a record
 * (so events, records and words are the same number), record {@code i} in partition {@code i mod}
 * {@link #PARTITIONS}. A job that has read the whole topic has read exactly the workload's records,
 * whatever share of each partition its batches took, so its counts are checked against the workload
 * as a generated stream's are. Every job reads from the earliest offset as a consumer group of its
 * own, so one topic serves every contender.
 */
final class KafkaBacklog {
  /** One partition a core of local[2]: both cores read. */
  static final int PARTITIONS = 2;

  private KafkaBacklog() {}

  /** The topic that holds {@code workload}: one per rate (its records a batch). */
  static String topic(Workload workload) {
    return "words-" + workload.eventsPerBatch() + "-a-batch";
  }

  /**
   * Creates the workload's topic and writes every record of it, waiting until the broker has them
   * all.
   */
  static void write(EmbeddedKafka kafka, Workload workload) {
    String topic = topic(workload);
    kafka.createTopic(topic, PARTITIONS);
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                // Large batches: millions of short records in seconds.
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                1 << 20,
                ProducerConfig.ACKS_CONFIG,
                "1"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (long i = 0; i < workload.total() && failed.get() == null; i++) {
        byte[] word = workload.key(i).getBytes(StandardCharsets.UTF_8);
        producer.send(
            new ProducerRecord<>(topic, (int) (i % PARTITIONS), null, word),
            (written, error) -> {
              if (error != null) {
                failed.compareAndSet(null, error);
              }
            });
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException(
          "cannot write the backlog to " + topic + ": " + failed.get(), failed.get());
    }
  }

  /**
   * A new reader's consumer settings: its own group, from the earliest offset, nothing committed (a
   * later job must read the same records again).
   */
  static Map<String, Object> consumer(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "throughput-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return config;
  }
}
