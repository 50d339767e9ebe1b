package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.testing.EmbeddedKafka;
import dev.streamstate.testing.RealServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recovery from a real crash: {@code running-word-count} killed with SIGKILL three times while a
 * ledger of lines arrives, and restarted each time from its checkpoint (see {@link
 * DriverCrashes}); at the end every word's count in Cassandra must be the ledger's: nothing lost,
 * nothing counted twice. On Beam's Spark runner and on ours, whose translation of the stateful
 * DoFn checkpoints its state every 10 batches and recovers the batches since from the source's
 * checkpointed records.
 */
@ExtendWith(RealServers.class)
class CrashRecoveryTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SparkRunner", "StreamStateSparkRunner"})
  void runningCountsResumeWithNothingLostOrCountedTwice(String runner) throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "crash-lines-" + runner;
    kafka.createTopic(topic, 1);
    WordLedger ledger = new WordLedger(20261130L, 4_000);
    try (Cluster cluster = DriverCrashes.cassandra();
        Session session = cluster.connect()) {
      session.execute("TRUNCATE " + WordLedger.TABLE); // other tests share the node
      DriverCrashes.Crashes crashes =
          DriverCrashes.crashAndRestart(
              "running-word-count",
              runner,
              List.of("--idleTimeoutSeconds=0"),
              topic,
              ledger.lines.size(),
              (from, to) -> ledger.produce(kafka.bootstrapServers(), topic, 40, from, to),
              () -> WordLedger.table(session));
      Map<String, Long> actual = ledger.awaitCounts(session, Duration.ofMinutes(5));
      System.out.println("crash recovery on " + runner + ": " + ledger.compare(actual) + crashes.stop());
      assertEquals(ledger.counts, actual, "word counts in Cassandra vs the ledger");
    }
  }
}
