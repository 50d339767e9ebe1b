package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.driver.core.Cluster;
import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.localstack.ServerProcess;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.testing.RealServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Real crashes for recovery tests: a pipeline runs on a Spark runner as a driver JVM of its own
 * with a checkpoint directory, reading a ledger from the real Kafka broker and upserting into the
 * real Cassandra node, and is killed with SIGKILL at points drawn from a fixed seed while the
 * ledger is still arriving, then started again with the same checkpoint directory.
 */
final class DriverCrashes {
  /** How a driver is stopped while its part of the ledger arrives. */
  enum Stop {
    /** SIGKILL, a crash: nothing runs after it. */
    KILL,
    /**
     * SIGTERM, as a process manager stops a job: it must end within {@link #TERM_WITHIN} with the
     * signal's exit code and no stack trace in its output.
     */
    TERM
  }

  static final List<Stop> KILLS = List.of(Stop.KILL, Stop.KILL, Stop.KILL);
  static final Duration TERM_WITHIN = Duration.ofSeconds(15);
  private static final int TERM_EXIT_CODE = 128 + 15;

  private DriverCrashes() {}

  /** Sends part {@code from} to {@code to} of a ledger. */
  interface Part {
    void send(int from, int to);
  }

  /** The last driver, still running, and what happened to the ones before it. */
  record Crashes(ServerProcess driver, List<String> kills, long started) {
    /** Stops the last driver; says when the others were stopped and how long it all took. */
    String stop() {
      driver.close();
      return " after "
          + kills.size()
          + " stops ("
          + String.join("; ", kills)
          + "), "
          + Duration.ofNanos(System.nanoTime() - started).toSeconds()
          + " s";
    }
  }

  /**
   * Runs {@code pipeline} on {@code runner} (Beam's {@code SparkRunner} or our {@code
   * StreamStateSparkRunner}) from {@code topic} into Cassandra with a checkpoint directory while a
   * ledger of {@code size} records arrives in {@code stops.size()} + 1 parts: each driver is
   * stopped as {@code stops} says while its part is arriving (at a point after its first results),
   * the rest of the part arrives while no driver runs, and the next driver must pick it up. Returns
   * with the last driver running and the whole ledger sent.
   */
  static Crashes crashAndRestart(
      String pipeline,
      String runner,
      List<String> options,
      String topic,
      int size,
      Part part,
      Supplier<?> sink)
      throws Exception {
    return crashAndRestart(pipeline, runner, options, KILLS, topic, size, part, sink);
  }

  static Crashes crashAndRestart(
      String pipeline,
      String runner,
      List<String> options,
      List<Stop> stops,
      String topic,
      int size,
      Part part,
      Supplier<?> sink)
      throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    EmbeddedCassandra cassandra = RealServers.cassandra();
    Path dir = Files.createTempDirectory(Path.of("target"), "crash-" + pipeline).toAbsolutePath();
    List<String> args =
        new ArrayList<>(List.of(pipeline, "--runner=" + runner, "--sparkMaster=local[2]"));
    args.addAll(KafkaToCassandraRun.kafkaToCassandra(kafka, topic, cassandra));
    args.add("--checkpointDir=" + dir.resolve("checkpoint"));
    args.addAll(options);
    Random killAt = new Random(7L);
    long started = System.nanoTime();
    int partSize = size / (stops.size() + 1);
    List<String> kills = new ArrayList<>();
    for (int run = 0; ; run++) {
      int from = run * partSize;
      int to = run == stops.size() ? size : from + partSize;
      ServerProcess driver = driver(run, args, dir);
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> part.send(from, to));
      awaitProgress(sink, driver);
      if (run == stops.size()) {
        producing.get();
        return new Crashes(driver, kills, started);
      }
      long millis = 3_000 + killAt.nextInt(7_000);
      Thread.sleep(millis);
      if (stops.get(run) == Stop.KILL) {
        driver.kill();
      } else {
        terminate(driver);
      }
      kills.add(stops.get(run) + " " + millis + " ms after progress");
      producing.get();
    }
  }

  /**
   * SIGTERM: the driver must stop in time, with the signal's exit code, saying so in its own line,
   * and with no stack trace in what it writes from the signal on.
   */
  private static void terminate(ServerProcess driver) throws Exception {
    long before = Files.size(driver.log());
    OptionalInt exit = driver.terminate(TERM_WITHIN);
    if (exit.isEmpty()) {
      driver.kill();
      throw new AssertionError(
          "still running " + TERM_WITHIN.toSeconds() + " s after SIGTERM; see " + driver.log());
    }
    byte[] log = Files.readAllBytes(driver.log());
    String afterSignal =
        new String(log, (int) before, log.length - (int) before, StandardCharsets.UTF_8);
    assertEquals(TERM_EXIT_CODE, exit.getAsInt(), "exit code after SIGTERM:\n" + afterSignal);
    assertTrue(
        afterSignal.contains("SIGTERM received, stopping"), "no word of the stop:\n" + afterSignal);
    assertTrue(
        afterSignal.lines().noneMatch(line -> line.startsWith("\tat ")),
        "a stack trace after SIGTERM:\n" + afterSignal);
  }

  /** The shared Cassandra node, its schema in place. */
  static Cluster cassandra() {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    return TestCassandra.cluster(cassandra);
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

  /**
   * How long a (re)started driver may take to change the sink: a limit for a driver that hangs, not
   * a speed to meet. A restarted driver first recomputes the batches since its last state
   * checkpoint and runs those it missed while down; with both crash tests on two cores, a restart
   * of {@code fraud} once took more than three minutes to its first new result.
   */
  private static final Duration PROGRESS_WITHIN = Duration.ofMinutes(6);

  /** Waits until the sink changes, i.e. the (re)started driver finishes micro-batches again. */
  private static void awaitProgress(Supplier<?> sink, ServerProcess driver)
      throws InterruptedException {
    Object before = sink.get();
    long deadline = System.nanoTime() + PROGRESS_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(driver.isAlive(), "the driver exited; see " + driver.log());
      if (!sink.get().equals(before)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "no progress in " + PROGRESS_WITHIN.toMinutes() + " minutes; see " + driver.log());
  }
}
