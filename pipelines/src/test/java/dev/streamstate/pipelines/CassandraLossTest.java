package dev.streamstate.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cassandra goes away mid-stream: the sink retries the writes it cannot make, with growing pauses,
 * for {@code --cassandraRetrySeconds}, and then the pipeline stops with an error naming the node —
 * it never drops results silently. The test has a Cassandra node of its own, since it stops it.
 */
@ExtendWith(RealServers.class)
class CassandraLossTest {
  private static final String TOPIC = "loss-lines";

  @Test
  void aNodeLostMidStreamStopsThePipelineWithAClearErrorAfterRetrying() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    kafka.createTopic(TOPIC, 1);
    WordLedger before = new WordLedger(1L, 200);
    WordLedger after = new WordLedger(2L, 200);
    try (EmbeddedCassandra cassandra =
        EmbeddedCassandra.start(Files.createTempDirectory(Path.of("target"), "cassandra-loss"))) {
      TestCassandra.schema(cassandra);
      RunningWordCountPipeline.Options options =
          KafkaToCassandraRun.options(
              "StreamStateSparkRunner",
              RunningWordCountPipeline.SPEC,
              kafka,
              TOPIC,
              cassandra,
              "--idleTimeoutSeconds=0",
              "--cassandraRetrySeconds=5");
      PipelineResult result = Job.start(RunningWordCountPipeline.SPEC, options);
      try {
        before.produce(kafka.bootstrapServers(), TOPIC, 200);
        try (Cluster cluster = TestCassandra.cluster(cassandra);
            Session session = cluster.connect()) {
          while (WordLedger.table(session).isEmpty()) {
            Thread.sleep(500);
          }
        }
        cassandra.close();
        after.produce(kafka.bootstrapServers(), TOPIC, 200);

        CompletableFuture<PipelineResult.State> finished =
            CompletableFuture.supplyAsync(result::waitUntilFinish);
        Exception failure = assertThrows(Exception.class, () -> finished.get(3, TimeUnit.MINUTES));
        String reason = StreamState.rootCause(failure);
        System.out.println("cassandra lost mid-stream: the pipeline stopped with: " + reason);
        assertThat(
            reason,
            containsString(
                "Cassandra at " + cassandra.host() + ":" + cassandra.port() + " did not take"));
        assertThat(reason, containsString("within 5 s"));
        assertThat(reason, containsString("stopping rather than losing results"));
      } finally {
        StreamingRuns.cancel(result);
      }
    }
  }
}
