package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Instant;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sessions pipeline end to end: user events from the real Kafka broker, sessionized on the
 * Spark runner in streaming mode (Beam's translation and ours), upserted into the real Cassandra
 * node and read back.
 */
@ExtendWith(RealServers.class)
class SessionsToCassandraTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SparkRunner", "StreamStateSparkRunner"})
  void sessionsFromKafkaLandInCassandra(String runner) throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    EmbeddedCassandra cassandra = RealServers.cassandra();
    String topic = "user-events-" + runner;
    kafka.createTopic(topic, 1);
    try (Cluster cluster = TestCassandra.cluster(cassandra);
        Session session = cluster.connect()) {
      session.execute("TRUNCATE finances.sessions"); // the other runner's run wrote here too
    }
    long base = Instant.now().minus(org.joda.time.Duration.standardMinutes(1)).getMillis();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      send(producer, topic, base + 1000, "{\"id\":1,\"data\":\"b\",\"isLast\":true}");
      send(producer, topic, base, "{\"id\":1,\"data\":\"a\",\"isLast\":false}");
      send(producer, topic, base + 2000, "{\"id\":1,\"data\":\"c\",\"isLast\":false}");
      send(producer, topic, base + 500, "{\"id\":2,\"data\":\"x\",\"isLast\":false}");
      send(producer, topic, base + 600, "not json");
    }

    SessionPipelines.Options options =
        KafkaToCassandraRun.options(
            runner, SessionPipelines.SESSIONS, kafka, topic, cassandra, "--gapSeconds=5");
    PipelineResult result = Job.start(SessionPipelines.SESSIONS, options);

    Set<String> rows = new TreeSet<>();
    try (Cluster cluster =
            Cluster.builder()
                .addContactPoint(cassandra.host())
                .withPort(cassandra.port())
                .withoutJMXReporting()
                .build();
        Session session = cluster.connect()) {
      long deadline = System.currentTimeMillis() + 120_000;
      while (rows.size() < 3 && System.currentTimeMillis() < deadline) {
        Thread.sleep(1000);
        rows.clear();
        for (Row row :
            session.execute("SELECT id, start, end, events, closed_by FROM finances.sessions")) {
          rows.add(
              row.getLong("id")
                  + " "
                  + (row.getTimestamp("start").getTime() - base)
                  + " "
                  + (row.getTimestamp("end").getTime() - base)
                  + " "
                  + row.getList("events", String.class)
                  + " "
                  + row.getString("closed_by"));
        }
      }
    } finally {
      StreamingRuns.cancel(result);
    }
    assertEquals(
        Set.of("1 0 1000 [a, b] last", "1 2000 2000 [c] timeout", "2 500 500 [x] timeout"), rows);
  }

  private static void send(
      KafkaProducer<String, String> producer, String topic, long timestamp, String value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, null, timestamp, null, value)).get();
  }
}
