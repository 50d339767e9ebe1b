package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.testing.RealServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recovery from a real crash: a pipeline killed with SIGKILL three times while a ledger arrives,
 * and restarted each time from its checkpoint (see {@link DriverCrashes}); at the end Cassandra
 * must hold exactly what the ledger gives: nothing lost, nothing twice. {@code sessions} is stopped
 * once of the three with SIGTERM instead, as a process manager stops a job: it must end within 15
 * s, with exit code 143 and no stack trace, and resume from its checkpoint like the others. {@code
 * running-word-count} on Beam's Spark runner; {@code sessions} on ours, where it is a stateful DoFn
 * with an event-time timer per user: our translation checkpoints state and timers every 10 batches
 * and recovers the batches since from the source's checkpointed records, with the watermarks they
 * had.
 *
 * <p>{@code sessions} runs on batches of 2 s, as {@code FraudCrashRecoveryTest} does: beside the
 * build's other tests an empty batch of it took 0.4-2.4 s, so a restarted driver on 1-second
 * batches ran one missed batch after another (scheduling delay up to 29 s) and the test took 6-7
 * minutes. Its state is still checkpointed every 10 batches, so a stop 3-10 s after progress still
 * makes the restart recompute batches from an older state checkpoint.
 */
@ExtendWith(RealServers.class)
class CrashRecoveryTest {
  static final String RUNNING_COUNTS_ON_OURS = "running-count-recovery-on-ours";

  @Test
  void sessionsByEventTimeTimersResumeWithNothingLostOrTwiceOnOurTranslation() throws Exception {
    String runner = "StreamStateSparkRunner";
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "crash-sessions";
    kafka.createTopic(topic, 1);
    kafka.createTopic(topic + "-dead-letters", 1);
    Duration gap = Duration.ofSeconds(3);
    SessionLedger ledger = new SessionLedger(20261203L, 800, 10, 6, 10);
    try (Cluster cluster = DriverCrashes.cassandra();
        Session session = cluster.connect()) {
      session.execute("TRUNCATE " + SessionLedger.TABLE); // other tests share the node
      DriverCrashes.Crashes crashes =
          DriverCrashes.crashAndRestart(
              "sessions",
              runner,
              List.of("--gapSeconds=" + gap.toSeconds(), "--batchSeconds=2"),
              List.of(DriverCrashes.Stop.KILL, DriverCrashes.Stop.TERM, DriverCrashes.Stop.KILL),
              topic,
              ledger.events.size(),
              (from, to) -> ledger.produce(kafka.bootstrapServers(), topic, from, to),
              () -> SessionLedger.table(session));
      Set<String> expected = ledger.sessions(gap);
      Set<String> actual = SessionLedger.await(session, expected, Duration.ofMinutes(3));
      System.out.println(
          "crash recovery on " + runner + ": " + ledger.compare(expected, actual) + crashes.stop());
      assertEquals(expected, actual, "sessions in Cassandra vs the ledger's");
    }
  }

  /** Out of the default run for the build's length, as {@code FraudCrashRecoveryTest} on Beam's. */
  @Test
  @Tag(FraudCrashRecoveryTest.BEAMS_TRANSLATION)
  void runningCountsResumeWithNothingLostOrCountedTwiceOnBeamsTranslation() throws Exception {
    runningCounts("SparkRunner");
  }

  /** Out of the default run to keep the build short: the sessions test covers our stateful DoFn. */
  @Test
  @Tag(RUNNING_COUNTS_ON_OURS)
  void runningCountsResumeWithNothingLostOrCountedTwiceOnOurTranslation() throws Exception {
    runningCounts("StreamStateSparkRunner");
  }

  private static void runningCounts(String runner) throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "crash-lines-" + runner;
    kafka.createTopic(topic, 1);
    WordLedger ledger = new WordLedger(20261130L, 2_400);
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
      System.out.println(
          "crash recovery on " + runner + ": " + ledger.compare(actual) + crashes.stop());
      assertEquals(ledger.counts, actual, "word counts in Cassandra vs the ledger");
    }
  }
}
