package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keyed Kafka output against a compacted topic on the real broker: {@code running-word-count} on
 * our runner writes a new count for a word each batch the word is seen in, each keyed by the word,
 * so the topic compacted (or a consumer keeping the last value per key) holds exactly each word's
 * current count: the counts the test works out from the lines it sent. A dead letter is keyed too.
 */
@ExtendWith(RealServers.class)
class CompactedTopicTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> COMPACTED =
      Map.of(
          "cleanup.policy", "compact",
          // Small segments and a low dirty ratio, so the broker compacts while the test runs.
          "segment.ms", "1000",
          "min.cleanable.dirty.ratio", "0.01",
          "delete.retention.ms", "1000");
  private static final List<String> WORDS =
      List.of("red", "green", "blue", "cyan", "magenta", "yellow", "black");

  @Test
  void theLastMessagePerKeyIsEachWordsCurrentCount() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String in = "compacted-lines";
    String out = "compacted-counts";
    kafka.createTopic(in, 1);
    kafka.createTopic(in + "-dead-letters", 1, COMPACTED);
    kafka.createTopic(out, 1, COMPACTED);
    Random random = new Random(20261203L);
    List<String> lines = new ArrayList<>();
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < 120; i++) {
      List<String> words = new ArrayList<>();
      for (int n = 1 + random.nextInt(4); n > 0; n--) {
        String word = WORDS.get(random.nextInt(WORDS.size()));
        words.add(word);
        expected.merge(word, 1L, Long::sum);
      }
      lines.add(String.join(" ", words));
    }

    RunningWordCountPipeline.Options options =
        PipelineOptionsFactory.fromArgs(
                "--runner=StreamStateSparkRunner",
                "--source=kafka",
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--topic=" + in,
                "--offsetReset=earliest",
                "--consumerGroup=compacted",
                "--sink=kafka",
                "--outputTopic=" + out,
                "--idleTimeoutSeconds=0",
                "--quiet")
            .as(RunningWordCountPipeline.Options.class);
    options.as(SparkPipelineOptions.class).setSparkMaster("local[2]");
    PipelineResult result = Job.start(RunningWordCountPipeline.SPEC, options);
    List<TopicReader.Received> counts;
    List<TopicReader.Received> deadLetters;
    try {
      // In two halves, a batch or more apart: most words get a count from each.
      kafka.send(in, lines.subList(0, 60));
      await(kafka, out);
      kafka.send(in, lines.subList(60, lines.size()));
      send(kafka, in, new byte[] {'r', 'e', 'd', ' ', (byte) 0xFF});
      counts = readUntil(kafka, out, expected);
      deadLetters = await(kafka, in + "-dead-letters");
    } finally {
      StreamingRuns.cancel(result);
    }

    Map<String, Long> lastPerKey = new TreeMap<>();
    for (TopicReader.Received message : counts) {
      JsonNode value = JSON.readTree(message.value());
      assertEquals(
          JSON.createObjectNode().put("word", value.get("word").asText()).toString(),
          message.key(),
          message.value());
      lastPerKey.put(
          JSON.readTree(message.key()).get("word").asText(), value.get("count").asLong());
    }
    assertEquals(expected, lastPerKey, "the last count per key");
    assertTrue(
        counts.size() > expected.size(),
        "a word counted in both halves has two messages: " + counts.size());
    assertEquals(1, deadLetters.size(), deadLetters.toString());
    assertTrue(
        deadLetters.get(0).key().matches("\\{\"payload_sha256\":\"[0-9a-f]{64}\"\\}"),
        "dead letter key " + deadLetters.get(0).key());
  }

  /** The output from its start until each word's last count is the expected one (or 2 minutes). */
  private static List<TopicReader.Received> readUntil(
      EmbeddedKafka kafka, String topic, Map<String, Long> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    List<TopicReader.Received> all;
    do {
      all = readAll(kafka, topic);
      Map<String, Long> last = new LinkedHashMap<>();
      for (TopicReader.Received message : all) {
        JsonNode value = JSON.readTree(message.value());
        last.put(value.get("word").asText(), value.get("count").asLong());
      }
      if (last.equals(expected)) {
        return all;
      }
    } while (System.nanoTime() < deadline);
    return all;
  }

  /** The topic's messages once it has any (or after 2 minutes). */
  private static List<TopicReader.Received> await(EmbeddedKafka kafka, String topic)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    List<TopicReader.Received> all = readAll(kafka, topic);
    while (all.isEmpty() && System.nanoTime() < deadline) {
      all = readAll(kafka, topic);
    }
    return all;
  }

  /** Every message the topic holds now, from its start, as a consumer without a group reads it. */
  private static List<TopicReader.Received> readAll(EmbeddedKafka kafka, String topic) {
    List<TopicReader.Received> all = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          all.add(new TopicReader.Received(record.key(), record.value(), System.nanoTime()));
        }
      }
    }
    return all;
  }

  private static void send(EmbeddedKafka kafka, String topic, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, value)).get();
    }
  }
}
