package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.localstack.ServerProcess;
import dev.streamstate.pipelines.cli.StreamState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of a streaming job on our runner, run as {@code streamstate} runs it (a
 * driver JVM of its own): Spark's Prometheus endpoint on the driver's UI serves a valid page with
 * the job's {@code streamstate} counters and Spark's streaming batch metrics, the log has one
 * progress line per micro-batch, and SIGTERM stops it with exit code 143.
 */
class ObservabilityTest {
  /** A sample line in Prometheus' text format: name, labels, a number. */
  private static final Pattern SAMPLE =
      Pattern.compile(
          "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? -?([0-9.]+([eE][-+]?[0-9]+)?|NaN|[-+]?Inf)");

  private static final Pattern RESULTS =
      Pattern.compile(
          "^metrics_\\w*_streamstate_results_Value\\{type=\"gauges\"\\} ([0-9.]+)$",
          Pattern.MULTILINE);
  private static final Pattern PROGRESS =
      Pattern.compile(
          "running-word-count batch (\\S+): (\\d+) records in \\d+ ms \\(scheduling delay \\d+ ms\\), watermark \\S+, (\\d+) results, 0 dead letters");

  @Test
  void prometheusServesTheCountersAndTheLogHasALinePerBatch() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "observability").toAbsolutePath();
    int ui = ServerProcess.freePort();
    ServerProcess driver =
        ServerProcess.startWithClasspath(
            "driver",
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            List.of(
                "@" + Path.of("..", ".mvn", "jvm.config").toAbsolutePath(),
                "-Dspark.ui.port=" + ui),
            StreamState.class.getName(),
            List.of(
                "running-word-count",
                "--runner=StreamStateSparkRunner",
                "--sparkMaster=local[2]",
                "--idleTimeoutSeconds=0"),
            dir);
    try {
      String page =
          awaitResults(URI.create("http://127.0.0.1:" + ui + "/metrics/prometheus/"), driver);
      for (String line :
          page.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).toList()) {
        assertTrue(SAMPLE.matcher(line).matches(), "not a Prometheus sample: " + line);
      }
      assertTrue(
          page.contains("StreamingMetrics_streaming_lastCompletedBatch_processingDelay_Value"),
          page);
      assertTrue(page.contains("StreamingMetrics_streaming_totalProcessedRecords_Value"), page);

      String log = Files.readString(driver.log());
      assertTrue(log.contains("Spark UI at http://127.0.0.1:" + ui), log);
      List<String> batches =
          PROGRESS.matcher(log).results().map(progress -> progress.group(1)).toList();
      assertTrue(batches.size() >= 3, "progress lines:\n" + log);
      assertEquals(
          batches.stream().distinct().sorted().toList(), batches, "one line per batch, in order");
      long records =
          PROGRESS
              .matcher(log)
              .results()
              .mapToLong(progress -> Long.parseLong(progress.group(2)))
              .sum();
      assertTrue(records > 0, log);
    } finally {
      OptionalInt exit = driver.terminate(DriverCrashes.TERM_WITHIN);
      driver.kill();
      assertEquals(OptionalInt.of(143), exit, "exit after SIGTERM; see " + driver.log());
    }
  }

  /** The endpoint's page once the job has counted results and logged three batches. */
  private static String awaitResults(URI endpoint, ServerProcess driver) throws Exception {
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    String page = "";
    while (System.nanoTime() < deadline) {
      assertTrue(driver.isAlive(), "the driver exited; see " + driver.log());
      try {
        page =
            client
                .send(
                    HttpRequest.newBuilder(endpoint).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher results = RESULTS.matcher(page);
        if (results.find()
            && Double.parseDouble(results.group(1)) > 0
            && PROGRESS.matcher(Files.readString(driver.log())).results().count() >= 3) {
          return page;
        }
      } catch (IOException notYet) {
        // the UI is not up yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "no streamstate results on "
            + endpoint
            + " or three batches logged in 2 minutes:\n"
            + page);
  }
}
