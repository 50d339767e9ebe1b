package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.testing.RealServers;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code fraud} killed with SIGKILL twice and restarted from its checkpoint (see {@link
 * DriverCrashes}): every (account, window) alert in Cassandra, with its running totals, must be the
 * one the test computes from the ledger. The second kill hits a driver that recovered from the
 * first; {@code CrashRecoveryTest} stops its driver three times. Two, not three, for the build's
 * length: each restart of this pipeline recovers for 1.5-2 minutes on a loaded 2-core machine.
 * Batches of 2 s for the same reason: beside the build's other tests an empty batch of this
 * pipeline takes 1-2.5 s, so a restarted driver on 1-second batches hardly caught up (its
 * scheduling delay grew to 85 s). The state is still checkpointed every 10 batches, so a kill 3-10
 * s after progress still makes the restart recompute batches from an older state checkpoint.
 *
 * <p>On Beam's translation it is tagged {@value #BEAMS_TRANSLATION} and left out of the default
 * run: there a batch recomputed after a restart reads the watermark of the moment, so its windows
 * can fire differently than in its first run (see docs/operations.md, "Surviving a crash").
 */
@ExtendWith(RealServers.class)
class FraudCrashRecoveryTest {
  static final String BEAMS_TRANSLATION = "recovery-on-beams-translation";

  @Test
  void fraudAlertsResumeWithNothingLostOrCountedTwiceOnOurTranslation() throws Exception {
    crashAndCompare("StreamStateSparkRunner");
  }

  @Test
  @Tag(BEAMS_TRANSLATION)
  void fraudAlertsResumeWithNothingLostOrCountedTwiceOnBeamsTranslation() throws Exception {
    crashAndCompare("SparkRunner");
  }

  private static void crashAndCompare(String runner) throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "crash-transactions-" + runner;
    kafka.createTopic(topic, 1);
    kafka.createTopic(topic + "-dead-letters", 1);
    TransactionLedger ledger = new TransactionLedger(20261201L, 1_200, 8);
    try (Cluster cluster = DriverCrashes.cassandra();
        Session session = cluster.connect()) {
      session.execute("TRUNCATE finances.alerts"); // other tests share the node
      session.execute("TRUNCATE finances.account_aggregates");
      ledger.history.forEach(
          (account, average) ->
              session.execute(
                  "INSERT INTO finances.account_aggregates (account_number, average_transaction) VALUES (?, ?)",
                  account,
                  average.doubleValue()));
      DriverCrashes.Crashes crashes =
          DriverCrashes.crashAndRestart(
              "fraud",
              runner,
              List.of("--batchSeconds=2"),
              List.of(DriverCrashes.Stop.KILL, DriverCrashes.Stop.KILL),
              topic,
              ledger.lines.size(),
              (from, to) -> ledger.produce(kafka.bootstrapServers(), topic, 20, from, to),
              () -> ExpectedAlerts.table(session));
      Set<String> actual = ledger.awaitAlerts(session, Duration.ofMinutes(5));
      System.out.println(
          "crash recovery on " + runner + ": " + ledger.compare(actual) + crashes.stop());
      assertEquals(ledger.alerts(), actual, "alerts in Cassandra vs the ledger's");
    }
  }
}
