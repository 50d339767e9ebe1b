package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The join of two Kafka topics on a real broker, on our Spark runner: impressions on one topic,
 * clicks on the other, each message's timestamp its event time, the joined rows on a third topic,
 * by time range (event-time timers). The windowed mode is the same read and write: {@code windowed}
 * runs it (on Beam's SparkRunner too, as {@code SparkRunner,windowed}).
 */
@ExtendWith(RealServers.class)
class KafkaJoinTest {
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"StreamStateSparkRunner,interval"})
  void twoTopicsJoinIntoOne(String runner, String mode) throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String impressions = "impressions-" + runner;
    String clicks = "clicks-" + runner;
    String out = "joined-" + runner;
    for (String topic : List.of(impressions, clicks, out)) {
      kafka.createTopic(topic, 1);
    }
    // A minute ago (the broker keeps recent messages; an idle topic's watermark is the present),
    // on a window boundary so that the windows below start at the base.
    long base = (System.currentTimeMillis() - 60_000) / 10_000 * 10_000;
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      send(producer, impressions, base + 1000, "ad-1,u1");
      send(producer, impressions, base + 2000, "ad-1,u2");
      send(producer, impressions, base + 3000, "ad-2,u3");
      send(producer, impressions, base + 12_000, "ad-3,u4");
      send(producer, clicks, base + 15_000, "ad-2,c2");
      send(producer, clicks, base + 4000, "ad-1,c1");
      send(producer, clicks, base + 5000, "nocomma");
    }

    boolean windowed = mode.equals("windowed");
    List<String> expected =
        windowed
            // left join in windows of 10 s: [0, 10) pairs u1 and u2 with c1, u3 alone; [10, 20) u4
            // alone
            ? List.of(
                windowRow(base, 0, "ad-1", "\"u1\"", "\"c1\""),
                windowRow(base, 0, "ad-1", "\"u2\"", "\"c1\""),
                windowRow(base, 0, "ad-2", "\"u3\"", "null"),
                windowRow(base, 10, "ad-3", "\"u4\"", "null"))
            // full join within 5 s: c1 (4 s) after u1 (1 s) and u2 (2 s); c2 (15 s) is 12 s after
            // u3 (3 s), so both are alone, as is u4
            : List.of(
                intervalRow(base, "ad-1", "u1", 1, "c1", 4),
                intervalRow(base, "ad-1", "u2", 2, "c1", 4),
                intervalRow(base, "ad-2", null, 0, "c2", 15),
                intervalRow(base, "ad-2", "u3", 3, null, 0),
                intervalRow(base, "ad-3", "u4", 12, null, 0));

    JoinPipeline.Options options =
        PipelineOptionsFactory.fromArgs(
                "--runner=" + runner,
                "--source=kafka",
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--topic=" + impressions,
                "--rightTopic=" + clicks,
                "--offsetReset=earliest",
                "--consumerGroup=join-" + runner,
                "--sink=kafka",
                "--outputTopic=" + out,
                windowed ? "--joinType=left" : "--joinType=full",
                windowed ? "--windowSeconds=10" : "--withinSeconds=5")
            .as(JoinPipeline.Options.class);
    options.as(SparkPipelineOptions.class).setSparkMaster("local[2]");
    PipelineResult result = Job.start(JoinPipeline.SPEC, options);
    List<String> joined;
    try {
      joined =
          TopicReader.values(
              TopicReader.read(kafka, out, expected.size(), Duration.ofSeconds(120)));
    } finally {
      StreamingRuns.cancel(result);
    }
    assertEquals(expected.stream().sorted().toList(), joined.stream().sorted().toList());
  }

  private static void send(
      KafkaProducer<String, String> producer, String topic, long timestamp, String value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, null, timestamp, null, value)).get();
  }

  private static String at(long base, long seconds) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(base + seconds * 1000));
  }

  private static String windowRow(long base, long start, String key, String left, String right) {
    return "{\"window_start\":\""
        + at(base, start)
        + "\",\"window_end\":\""
        + at(base, start + 10)
        + "\",\"key\":\""
        + key
        + "\",\"left\":"
        + left
        + ",\"right\":"
        + right
        + "}";
  }

  private static String intervalRow(
      long base, String key, String left, long leftAt, String right, long rightAt) {
    return "{\"key\":\""
        + key
        + "\",\"left\":"
        + (left == null ? "null" : "\"" + left + "\"")
        + ",\"right\":"
        + (right == null ? "null" : "\"" + right + "\"")
        + ",\"left_time\":"
        + (left == null ? "null" : "\"" + at(base, leftAt) + "\"")
        + ",\"right_time\":"
        + (right == null ? "null" : "\"" + at(base, rightAt) + "\"")
        + "}";
  }
}
