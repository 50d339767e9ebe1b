package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.pipelines.samples.SampleTransactions;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fraud pipeline end to end: the producer's fixed ledger of 100 transactions (and one
 * unreadable line) in the real Kafka broker, our Spark runner in streaming mode with history from
 * the real Cassandra node, alerts upserted into {@code finances.alerts}. The expected alerts are
 * computed here, independently of the pipeline. Then the history changes in Cassandra mid-stream
 * and new transactions are judged against the refreshed history.
 */
@ExtendWith(RealServers.class)
class FraudToCassandraTest {
  private static final String TOPIC = "fraud-transactions";

  @Test
  void ledgerAlertsLandInCassandraAndFollowTheRefreshedHistory() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    EmbeddedCassandra cassandra = RealServers.cassandra();
    kafka.createTopic(TOPIC, 1);
    kafka.createTopic(TOPIC + "-dead-letters", 1);
    TestCassandra.schema(cassandra);
    Map<String, BigDecimal> history = new HashMap<>();
    history.put("123-ABC-789", new BigDecimal("350.00"));
    history.put("456-DEF-456", new BigDecimal("120.25"));
    history.put("333-XYZ-999", new BigDecimal("45.10"));
    history.put("987-CBA-321", new BigDecimal("900.00"));

    try (Cluster cluster =
            Cluster.builder()
                .addContactPoint(cassandra.host())
                .withPort(cassandra.port())
                .withoutJMXReporting()
                .build();
        Session session = cluster.connect();
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer())) {
      session.execute("TRUNCATE finances.alerts"); // other tests share the node
      session.execute("TRUNCATE finances.account_aggregates");
      history.forEach((account, average) -> saveHistory(session, account, average));

      // The ledger, one transaction every 500 ms of event time, two minutes ago.
      long base =
          (System.currentTimeMillis() - 120_000)
              / ExpectedAlerts.WINDOW_MILLIS
              * ExpectedAlerts.WINDOW_MILLIS;
      List<String> ledger = SampleTransactions.ledger();
      ExpectedAlerts expected = new ExpectedAlerts();
      for (int i = 0; i < ledger.size(); i++) {
        send(producer, base + i * 500L, ledger.get(i));
        String[] fields = ledger.get(i).split(",");
        expected.add(fields[2], base + i * 500L, new BigDecimal(fields[3]));
      }
      send(producer, base, "oops,01/01/2026,A,1.00,Gas");
      Set<String> firstAlerts = expected.alerts(history);

      FraudPipeline.Options options =
          KafkaToCassandraRun.options(
              "StreamStateSparkRunner",
              FraudPipeline.SPEC,
              kafka,
              TOPIC,
              cassandra,
              "--historyRefreshSeconds=2");
      PipelineResult result = Job.start(FraudPipeline.SPEC, options);
      try {
        assertEquals(firstAlerts, await(() -> ExpectedAlerts.table(session), firstAlerts.size()));

        // History changes mid-stream: 456 is now a big spender, 333 never spent anything.
        history.put("456-DEF-456", new BigDecimal("100000.00"));
        history.put("333-XYZ-999", new BigDecimal("0.00"));
        history.forEach((account, average) -> saveHistory(session, account, average));
        Thread.sleep(6_000); // a few refreshes
        long now = System.currentTimeMillis();
        send(producer, now, "1001,01/20/2026,456-DEF-456,4322.33,Electronics");
        send(producer, now, "1002,01/20/2026,333-XYZ-999,2500.00,Electronics");
        expected.add("456-DEF-456", now, new BigDecimal("4322.33"));
        expected.add("333-XYZ-999", now, new BigDecimal("2500.00"));
        Set<String> allAlerts = new TreeSet<>(firstAlerts);
        allAlerts.addAll(
            expected.alertsIn(
                now / ExpectedAlerts.WINDOW_MILLIS * ExpectedAlerts.WINDOW_MILLIS, history));

        assertEquals(allAlerts, await(() -> ExpectedAlerts.table(session), allAlerts.size()));
        assertEquals(
            List.of(
                "{\"payload\":\"oops,01/01/2026,A,1.00,Gas\",\"error\":\"id must be a whole number, got 'oops'\"}"),
            deadLetters(kafka));
      } finally {
        StreamingRuns.cancel(result);
      }
    }
  }

  /** Polls until {@code count} rows are there (or two minutes passed), then returns them. */
  private static Set<String> await(Supplier<Set<String>> rows, int count)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
    Set<String> seen = rows.get();
    while (seen.size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
      seen = rows.get();
    }
    Thread.sleep(3000); // and nothing more arrives
    return rows.get();
  }

  private static List<String> deadLetters(EmbeddedKafka kafka) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "fraud-dead-letter-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC + "-dead-letters"));
      long deadline = System.currentTimeMillis() + 30_000;
      while (values.isEmpty() && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }

  private static void saveHistory(Session session, String account, BigDecimal average) {
    session.execute(
        "INSERT INTO finances.account_aggregates (account_number, average_transaction) VALUES (?, ?)",
        account,
        average.doubleValue());
  }

  private static void send(KafkaProducer<String, String> producer, long timestamp, String value)
      throws Exception {
    producer.send(new ProducerRecord<>(TOPIC, null, timestamp, null, value)).get();
  }
}
