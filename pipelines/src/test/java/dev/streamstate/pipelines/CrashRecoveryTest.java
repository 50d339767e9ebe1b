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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Recovery from a real crash: a pipeline runs on the Spark runner as a driver JVM of its own,
 * reading a known ledger from the real Kafka broker and upserting its results into the real
 * Cassandra node. The test kills that JVM with SIGKILL at three points drawn from a fixed seed while
 * the ledger is still arriving, restarts it each time with the same {@code --checkpointDir}, and
 * finally compares the Cassandra table with the ledger: nothing lost, nothing counted twice.
 */
@ExtendWith(RealServers.class)
class CrashRecoveryTest {
  private static final int KILLS = 3;

  @Test
  void runningCountsResumeWithNothingLostOrCountedTwice() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "crash-lines";
    kafka.createTopic(topic, 1);
    WordLedger ledger = new WordLedger(20261130L, 4_000);
    try (Cluster cluster = cassandra();
        Session session = cluster.connect()) {
      session.execute("TRUNCATE " + WordLedger.TABLE); // other tests share the node
      Crashes crashes =
          crashAndRestart(
              "running-word-count",
              List.of("--idleTimeoutSeconds=0"),
              topic,
              ledger.lines.size(),
              (from, to) -> ledger.produce(kafka.bootstrapServers(), topic, 40, from, to),
              () -> WordLedger.table(session));
      Map<String, Long> actual = ledger.awaitCounts(session, Duration.ofMinutes(5));
      System.out.println("crash recovery: " + ledger.compare(actual) + crashes.stop());
      assertEquals(ledger.counts, actual, "word counts in Cassandra vs the ledger");
    }
  }

  @Test
  void fraudAlertsResumeWithNothingLostOrCountedTwice() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "crash-transactions";
    kafka.createTopic(topic, 1);
    kafka.createTopic(topic + "-dead-letters", 1);
    TransactionLedger ledger = new TransactionLedger(20261201L, 1_600, 8);
    try (Cluster cluster = cassandra();
        Session session = cluster.connect()) {
      session.execute("TRUNCATE finances.alerts"); // other tests share the node
      session.execute("TRUNCATE finances.account_aggregates");
      ledger.history.forEach(
          (account, average) ->
              session.execute(
                  "INSERT INTO finances.account_aggregates (account_number, average_transaction) VALUES (?, ?)",
                  account,
                  average.doubleValue()));
      Crashes crashes =
          crashAndRestart(
              "fraud",
              List.of(),
              topic,
              ledger.lines.size(),
              (from, to) -> ledger.produce(kafka.bootstrapServers(), topic, 20, from, to),
              () -> ExpectedAlerts.table(session));
      Set<String> actual = ledger.awaitAlerts(session, Duration.ofMinutes(5));
      System.out.println("crash recovery: " + ledger.compare(actual) + crashes.stop());
      assertEquals(ledger.alerts(), actual, "alerts in Cassandra vs the ledger's");
    }
  }

  /** Sends part {@code from} to {@code to} of a ledger. */
  private interface Part {
    void send(int from, int to);
  }

  /** The last driver, still running, and what happened to the ones before it. */
  private record Crashes(ServerProcess driver, List<String> kills, long started) {
    /** Stops the last driver; says when the others were killed and how long it all took. */
    String stop() {
      driver.close();
      return " after " + KILLS + " kills -9 (" + String.join("; ", kills) + "), "
          + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s";
    }
  }

  /**
   * Runs {@code pipeline} from {@code topic} into Cassandra with a checkpoint directory while a
   * ledger of {@code size} records arrives in {@link #KILLS} + 1 parts: each driver is killed while
   * its part is arriving (at a point after its first results), the rest of the part arrives while no
   * driver runs, and the next driver must pick it up. Returns with the last driver running and the
   * whole ledger sent.
   */
  private static Crashes crashAndRestart(
      String pipeline, List<String> options, String topic, int size, Part part, Supplier<?> sink) throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    EmbeddedCassandra cassandra = RealServers.cassandra();
    Path dir = Files.createTempDirectory(Path.of("target"), "crash-" + pipeline).toAbsolutePath();
    List<String> args = new ArrayList<>(List.of(pipeline, "--runner=SparkRunner", "--sparkMaster=local[2]"));
    args.addAll(KafkaToCassandraRun.kafkaToCassandra(kafka, topic, cassandra));
    args.add("--checkpointDir=" + dir.resolve("checkpoint"));
    args.addAll(options);
    Random killAt = new Random(7L);
    long started = System.nanoTime();
    int partSize = size / (KILLS + 1);
    List<String> kills = new ArrayList<>();
    for (int run = 0; ; run++) {
      int from = run * partSize;
      int to = run == KILLS ? size : from + partSize;
      ServerProcess driver = driver(run, args, dir);
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> part.send(from, to));
      awaitProgress(sink, driver);
      if (run == KILLS) {
        producing.get();
        return new Crashes(driver, kills, started);
      }
      long millis = 3_000 + killAt.nextInt(7_000);
      Thread.sleep(millis);
      driver.kill();
      kills.add(millis + " ms after progress");
      producing.get();
    }
  }

  /** The shared Cassandra node, its schema in place. */
  private static Cluster cassandra() {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    CassandraSchema.bootstrap(cassandra.host(), cassandra.port(), CassandraLogin.NONE);
    return CassandraSessions.cluster(cassandra.host(), cassandra.port(), CassandraLogin.NONE);
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
  private static void awaitProgress(Supplier<?> sink, ServerProcess driver) throws InterruptedException {
    Object before = sink.get();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(driver.isAlive(), "the driver exited; see " + driver.log());
      if (!sink.get().equals(before)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no progress in 3 minutes; see " + driver.log());
  }
}
