package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.localstack.LocalSparkCluster;
import dev.streamstate.localstack.ServerProcess;
import dev.streamstate.pipelines.cli.StreamState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cluster jar on a real Spark standalone cluster: a Master and a Worker started from Spark's
 * own jars, a real Kafka broker, and {@code running-word-count} on our runner submitted as a driver
 * process of its own in client mode, its state kept on the cluster's executor (our translation's
 * classes and state shipped to a JVM that is not the driver's). Every running count it writes to
 * Kafka is checked against a count made here; then driver, Worker and Master are stopped and must
 * be gone. Runs after {@code package}, which builds the jar.
 */
class ClusterRunIT {
  private static final Duration RESULTS_WITHIN = Duration.ofMinutes(3);
  private static final List<String> WORDS =
      List.of("spark", "beam", "state", "stream", "kafka", "window", "batch", "count");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void runningWordCountOnTheClusterCountsEveryWordExactly() throws Exception {
    Path jar =
        Path.of(System.getProperty("streamstate.clusterJar", "target/streamstate-cluster.jar"));
    assertTrue(Files.isRegularFile(jar), jar + " is missing: build it with mvn package");
    Path dir =
        Path.of("target", "cluster-run", "run-" + ProcessHandle.current().pid()).toAbsolutePath();
    long start = System.nanoTime();

    CompletableFuture<EmbeddedKafka> startingKafka =
        CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dir.resolve("kafka")));
    try (LocalSparkCluster cluster = LocalSparkCluster.start(dir.resolve("spark"), 2);
        EmbeddedKafka kafka = startingKafka.join()) {
      kafka.createTopic("lines", 2);
      kafka.createTopic("counts", 1);
      List<String> lines = lines(60);
      kafka.send("lines", lines);

      ServerProcess driver =
          cluster.submit(
              jar,
              StreamState.class.getName(),
              List.of(
                  "running-word-count",
                  "--runner=StreamStateSparkRunner",
                  "--source=kafka",
                  "--bootstrapServers=" + kafka.bootstrapServers(),
                  "--topic=lines",
                  "--offsetReset=earliest",
                  "--sink=kafka",
                  "--outputTopic=counts",
                  "--idleTimeoutSeconds=0",
                  // Each micro-batch reads Kafka for at least this long (the runner's default is
                  // 200 ms, and must stay below the batch): on a busy machine, short reads got a
                  // few records a batch.
                  "--batchSeconds=2",
                  "--minReadTimeMillis=1500",
                  "--checkpointDir=" + dir.resolve("checkpoint")),
              dir.resolve("driver"));
      long submitted = System.nanoTime();
      List<String> expected = runningCounts(lines);
      List<TopicReader.Received> received;
      String masterState;
      try {
        received =
            TopicReader.read(kafka, "counts", expected.size(), RESULTS_WITHIN, driver::isAlive);
        masterState = cluster.masterState();
      } finally {
        driver.close();
      }

      assertEquals(
          expected,
          sorted(received.stream().map(r -> asWordAndCount(r.value()))),
          "see " + driver.log());
      JsonNode apps = JSON.readTree(masterState).get("activeapps");
      assertEquals(1, apps.size(), "one application on the cluster: " + masterState);
      Path executorLog =
          cluster.workDir().resolve(apps.get(0).get("id").asText()).resolve("0").resolve("stderr");
      assertTrue(
          Files.readString(executorLog).contains("Running task"),
          "the cluster's executor ran the job's tasks; see " + executorLog);

      cluster.close();
      for (ServerProcess process : List.of(driver, cluster.worker(), cluster.master())) {
        assertFalse(
            ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false),
            process.log() + " still runs");
      }
      System.out.printf(
          "cluster run: %d running counts checked for %d lines on %s; first result %.1f s after submit, all after %.1f s; whole test %.1f s%n",
          expected.size(),
          lines.size(),
          cluster.masterUrl(),
          seconds(received.get(0).atNanos() - submitted),
          seconds(received.get(expected.size() - 1).atNanos() - submitted),
          seconds(System.nanoTime() - start));
    }
  }

  /** Lines of one to five words, the same every run. */
  private static List<String> lines(int count) {
    Random random = new Random(42);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<String> words = new ArrayList<>();
      for (int w = 0; w <= random.nextInt(5); w++) {
        words.add(WORDS.get(random.nextInt(WORDS.size())));
      }
      lines.add(String.join(" ", words));
    }
    return lines;
  }

  /**
   * What the running count must write, independently of the pipeline: a word seen n times is
   * written with the counts 1 to n, once each (in whatever order its occurrences were processed).
   */
  private static List<String> runningCounts(List<String> lines) {
    Map<String, Integer> totals = new TreeMap<>();
    lines.forEach(
        line -> Stream.of(line.split("\\s+")).forEach(word -> totals.merge(word, 1, Integer::sum)));
    List<String> counts = new ArrayList<>();
    totals.forEach(
        (word, total) ->
            Stream.iterate(1, n -> n <= total, n -> n + 1)
                .forEach(n -> counts.add(word + " " + n)));
    return sorted(counts.stream());
  }

  private static String asWordAndCount(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node.get("word").asText() + " " + node.get("count").asLong();
    } catch (java.io.IOException e) {
      throw new AssertionError("not a running count: " + json, e);
    }
  }

  private static List<String> sorted(Stream<String> values) {
    return values.sorted().toList();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
