package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.testing.EmbeddedCassandra;
import dev.streamstate.testing.EmbeddedKafka;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kafka broker stops mid-stream and comes back: {@code running-word-count} on the Spark runner
 * waits for it and then goes on where it was, and its counts in Cassandra match the ledger —
 * nothing lost, nothing counted twice. The test has a broker of its own, since it stops it.
 */
@ExtendWith(RealServers.class)
class BrokerRestartTest {
  private static final String TOPIC = "restart-lines";

  @Test
  void aBrokerStoppedAndRestartedMidStreamLosesNothing() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    CassandraSchema.bootstrap(cassandra.host(), cassandra.port(), CassandraLogin.NONE);
    WordLedger ledger = new WordLedger(1130L, 3_000);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(Files.createTempDirectory(Path.of("target"), "broker-restart"));
        Cluster cluster = CassandraSessions.cluster(cassandra.host(), cassandra.port(), CassandraLogin.NONE);
        Session session = cluster.connect()) {
      kafka.createTopic(TOPIC, 1);
      session.execute("TRUNCATE " + WordLedger.TABLE); // other tests share the node
      RunningWordCountPipeline.Options options =
          KafkaToCassandraRun.options(
              RunningWordCountPipeline.SPEC, kafka, TOPIC, cassandra, "--idleTimeoutSeconds=0");
      PipelineResult result = Job.start(RunningWordCountPipeline.SPEC, options);
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(() -> ledger.produce(kafka.bootstrapServers(), TOPIC, 100));
      try {
        while (WordLedger.table(session).isEmpty()) {
          Thread.sleep(500);
        }
        long countedBefore = WordLedger.sum(WordLedger.table(session));
        kafka.stop();
        Thread.sleep(10_000);
        kafka.restart();
        producing.get();
        Map<String, Long> actual = ledger.awaitCounts(session, Duration.ofMinutes(3));
        System.out.printf(
            "broker restart: %s (broker down 10 s, %d counted before it stopped)%n",
            ledger.compare(actual), countedBefore);
        assertEquals(ledger.counts, actual, "word counts in Cassandra vs the ledger");
      } finally {
        StreamingRuns.cancel(result);
      }
    }
  }
}
