package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import dev.streamstate.testing.EmbeddedCassandra;
import dev.streamstate.testing.EmbeddedKafka;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recovery from a real crash: {@code running-word-count} runs on the Spark runner as a driver JVM
 * of its own, reading a known ledger of lines from the real Kafka broker and upserting running
 * counts into the real Cassandra node. The test kills that JVM with SIGKILL at three points drawn
 * from a fixed seed while the ledger is still arriving, restarts it each time with the same
 * {@code --checkpointDir}, and finally compares every word's count in Cassandra with the ledger:
 * nothing lost, nothing counted twice.
 */
@ExtendWith(RealServers.class)
class CrashRecoveryTest {
  private static final String TOPIC = "crash-lines";
  private static final int KILLS = 3;

  @Test
  void killedDriverResumesFromItsCheckpointWithNothingLostOrCountedTwice() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    EmbeddedCassandra cassandra = RealServers.cassandra();
    kafka.createTopic(TOPIC, 1);
    CassandraSchema.bootstrap(cassandra.host(), cassandra.port(), CassandraLogin.NONE);
    Path dir = Files.createTempDirectory(Path.of("target"), "crash-recovery").toAbsolutePath();
    WordLedger ledger = new WordLedger(20261130L, 4_000);
    Random killAt = new Random(7L);
    List<String> args =
        List.of(
            "running-word-count",
            "--runner=SparkRunner",
            "--sparkMaster=local[2]",
            "--source=kafka",
            "--bootstrapServers=" + kafka.bootstrapServers(),
            "--topic=" + TOPIC,
            "--offsetReset=earliest",
            "--idleTimeoutSeconds=0",
            "--sink=cassandra",
            "--cassandraHost=" + cassandra.host(),
            "--cassandraPort=" + cassandra.port(),
            "--checkpointDir=" + dir.resolve("checkpoint"));

    try (Cluster cluster = CassandraSessions.cluster(cassandra.host(), cassandra.port(), CassandraLogin.NONE);
        Session session = cluster.connect()) {
      session.execute("TRUNCATE " + WordLedger.TABLE); // other tests share the node
      long started = System.nanoTime();
      int part = ledger.lines.size() / (KILLS + 1);
      List<String> kills = new ArrayList<>();
      for (int run = 0; run <= KILLS; run++) {
        // Each run gets its part of the ledger while it is up; it is killed in the middle of it, so
        // the rest arrives while no driver runs and the next one must pick it up.
        int from = run * part;
        int to = run == KILLS ? ledger.lines.size() : from + part;
        ServerProcess driver = driver(run, args, dir);
        CompletableFuture<Void> producing =
            CompletableFuture.runAsync(() -> ledger.produce(kafka.bootstrapServers(), TOPIC, 40, from, to));
        awaitProgress(session, driver);
        if (run == KILLS) {
          producing.get();
          Map<String, Long> actual = ledger.awaitCounts(session, Duration.ofMinutes(5));
          driver.close();
          System.out.printf(
              "crash recovery: %s after %d kills -9 (%s), %d s%n",
              ledger.compare(actual), KILLS, String.join("; ", kills),
              Duration.ofNanos(System.nanoTime() - started).toSeconds());
          assertEquals(ledger.counts, actual, "word counts in Cassandra vs the ledger");
          return;
        }
        long millis = 3_000 + killAt.nextInt(7_000);
        Thread.sleep(millis);
        driver.kill();
        kills.add(millis + " ms after progress with " + WordLedger.sum(WordLedger.table(session)) + " counted");
        producing.get();
      }
    }
  }

  /** The pipeline in a JVM of its own, as {@code streamstate} would start it. */
  private static ServerProcess driver(int run, List<String> args, Path dir) {
    return ServerProcess.startWithClasspath(
        "driver-" + run,
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        List.of("@" + Path.of("..", ".mvn", "jvm.config").toAbsolutePath(), "-Xmx2g"),
        StreamState.class.getName(),
        args,
        dir);
  }

  /** Waits until the sink changes, i.e. the (re)started driver finishes micro-batches again. */
  private static void awaitProgress(Session session, ServerProcess driver) throws InterruptedException {
    Map<String, Long> before = WordLedger.table(session);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(driver.isAlive(), "the driver exited; see " + driver.log());
      if (!WordLedger.table(session).equals(before)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no progress in 3 minutes; see " + driver.log());
  }
}
