package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kafka broker stops mid-stream and comes back: {@code running-word-count} on our runner waits
 * for it and then goes on where it was, and its counts in Cassandra match the ledger — nothing
 * lost, nothing counted twice. Mid-stream: words were counted before the broker stopped, and
 * records were sent after it came back. The test has a broker of its own, since it stops it.
 */
@ExtendWith(RealServers.class)
class BrokerRestartTest {
  private static final String TOPIC = "restart-lines";

  @Test
  void aBrokerStoppedAndRestartedMidStreamLosesNothing() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    WordLedger ledger = new WordLedger(1130L, 3_000);
    try (EmbeddedKafka kafka =
            EmbeddedKafka.start(Files.createTempDirectory(Path.of("target"), "broker-restart"));
        Cluster cluster = TestCassandra.cluster(cassandra);
        Session session = cluster.connect()) {
      kafka.createTopic(TOPIC, 1);
      session.execute("TRUNCATE " + WordLedger.TABLE); // other tests share the node
      RunningWordCountPipeline.Options options =
          KafkaToCassandraRun.options(
              "StreamStateSparkRunner",
              RunningWordCountPipeline.SPEC,
              kafka,
              TOPIC,
              cassandra,
              "--idleTimeoutSeconds=0");
      PipelineResult result = Job.start(RunningWordCountPipeline.SPEC, options);
      List<Long> sentAt = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(
              () ->
                  LedgerProducer.send(
                      kafka.bootstrapServers(),
                      TOPIC,
                      100,
                      ledger.lines,
                      (line, time) -> sentAt.add(time)));
      try {
        while (WordLedger.table(session).isEmpty()) {
          Thread.sleep(500);
        }
        long countedBefore = WordLedger.sum(WordLedger.table(session));
        long stoppedAt = System.currentTimeMillis();
        kafka.stop();
        Thread.sleep(10_000);
        kafka.restart();
        long restartedAt = System.currentTimeMillis();
        producing.get();
        long sentAfter = sentAt.stream().filter(time -> time >= restartedAt).count();
        long sentBefore = sentAt.stream().filter(time -> time < stoppedAt).count();
        Map<String, Long> actual = ledger.awaitCounts(session, Duration.ofMinutes(3));
        System.out.printf(
            "broker restart: %s (broker down 10 s; %d lines sent and %d words counted before it stopped,"
                + " %d lines sent after it came back)%n",
            ledger.compare(actual), sentBefore, countedBefore, sentAfter);
        assertTrue(countedBefore > 0, "nothing was counted before the broker stopped");
        assertTrue(
            sentAfter > 0,
            "every line was sent before the broker restarted: it did not stop mid-stream");
        assertEquals(ledger.counts, actual, "word counts in Cassandra vs the ledger");
      } finally {
        StreamingRuns.cancel(result);
      }
    }
  }
}
