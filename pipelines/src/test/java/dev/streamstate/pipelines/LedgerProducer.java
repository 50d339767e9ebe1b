package dev.streamstate.pipelines;

import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a ledger's records to Kafka at a steady rate, each stamped with the time it is sent (its
 * event time) and acknowledged by every replica; a broker that is down for a while only delays the
 * sends (the producer retries for up to two minutes).
 */
final class LedgerProducer {
  private LedgerProducer() {}

  /**
   * Sends {@code values}, {@code perSecond} a second, telling {@code sent} each value's timestamp.
   */
  static void send(
      String bootstrapServers,
      String topic,
      int perSecond,
      List<String> values,
      ObjLongConsumer<String> sent) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < values.size(); i++) {
        long timestamp = System.currentTimeMillis();
        producer.send(new ProducerRecord<>(topic, null, timestamp, null, values.get(i)));
        sent.accept(values.get(i), timestamp);
        if (i % perSecond == perSecond - 1) {
          producer.flush();
          Thread.sleep(1_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
