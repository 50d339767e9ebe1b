package dev.streamstate.pipelines;

import dev.streamstate.localstack.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what a pipeline wrote to a Kafka topic, from the topic's start, for a test to check. */
final class TopicReader {
  /** A message's key and value, and when it was read ({@link System#nanoTime()}). */
  record Received(String key, String value, long atNanos) {}

  private TopicReader() {}

  /**
   * Reads the topic from its start until {@code atLeast} values or the time is up, then a few
   * seconds more, so that a duplicate would show.
   */
  static List<Received> read(EmbeddedKafka kafka, String topic, int atLeast, Duration within) {
    return read(kafka, topic, atLeast, within, () -> true);
  }

  /**
   * As {@link #read(EmbeddedKafka, String, int, Duration)}, but stops early once {@code writerRuns}
   * is false.
   */
  static List<Received> read(
      EmbeddedKafka kafka, String topic, int atLeast, Duration within, BooleanSupplier writerRuns) {
    List<Received> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "reader-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline && values.size() < atLeast && writerRuns.getAsBoolean()) {
        poll(consumer, values);
      }
      long settle = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < settle) {
        poll(consumer, values);
      }
    }
    return values;
  }

  /** The values alone. */
  static List<String> values(List<Received> received) {
    return received.stream().map(Received::value).toList();
  }

  private static void poll(KafkaConsumer<String, String> consumer, List<Received> values) {
    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
      values.add(new Received(record.key(), record.value(), System.nanoTime()));
    }
  }
}
