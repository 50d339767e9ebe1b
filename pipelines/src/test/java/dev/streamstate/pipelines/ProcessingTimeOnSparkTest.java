package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.testing.StreamingRuns;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real transforms' processing-time timers, fired by a real stream on our runner: lines from a
 * TCP socket (as {@code nc -lk} serves them, stamped on arrival), the pipeline started through the
 * entry point's job on {@code StreamStateSparkRunner} with 1-second micro-batches, results read
 * from the streaming file sink. The DirectRunner tests advance a TestStream's processing time,
 * which no Spark runner can; here the batches' own clock has to fire the timers.
 */
class ProcessingTimeOnSparkTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final long WAIT_MILLIS = 120_000;

  @TempDir Path dir;

  @Test
  void anIdleWordTimesOutOnceAndCountsFromZeroAfterwards() throws Exception {
    try (LineServer stream = new LineServer()) {
      PipelineResult job =
          stream.start(
              RunningWordCountPipeline.SPEC,
              "--idleTimeoutSeconds=2",
              "--sink=file",
              "--output=" + dir.resolve("counts"));
      try {
        stream.send("alpha beta alpha");
        List<Map<String, Object>> results =
            awaitResults(
                "counts",
                lines -> lines.stream().filter(ProcessingTimeOnSparkTest::timedOut).count() == 2);
        List<Map<String, Object>> expected =
            new ArrayList<>(
                List.of(
                    Map.of("word", "alpha", "count", 1),
                    Map.of("word", "alpha", "count", 2),
                    Map.of("word", "beta", "count", 1),
                    Map.of("word", "alpha", "count", 2, "timed_out", true),
                    Map.of("word", "beta", "count", 1, "timed_out", true)));
        assertEquals(sorted(expected), sorted(results));

        // Timed out, the word's state is gone: it counts from zero again, and times out again.
        stream.send("alpha");
        expected.add(Map.of("word", "alpha", "count", 1));
        expected.add(Map.of("word", "alpha", "count", 1, "timed_out", true));
        assertEquals(
            sorted(expected),
            sorted(awaitResults("counts", lines -> lines.size() >= results.size() + 2)));
      } finally {
        StreamingRuns.cancel(job);
      }
    }
  }

  @Test
  void aQuietSessionTimesOutAndALastEventEndsOneAtOnce() throws Exception {
    try (LineServer stream = new LineServer()) {
      PipelineResult job =
          stream.start(
              SessionPipelines.SESSIONS,
              "--idleTimeoutSeconds=2",
              "--sink=file",
              "--output=" + dir.resolve("sessions"));
      try {
        stream.send("{\"id\":1,\"data\":\"home\"}");
        stream.send("{\"id\":2,\"data\":\"search\"}");
        stream.send("{\"id\":1,\"data\":\"checkout\",\"isLast\":true}");
        awaitResults("sessions", lines -> lines.size() >= 2);
        Thread.sleep(3_000); // a session must not come out twice, nor a third appear
        List<Map<String, Object>> sessions = awaitResults("sessions", lines -> lines.size() >= 2);
        assertEquals(2, sessions.size(), sessions.toString());
        Map<Object, Map<String, Object>> byId = new TreeMap<>();
        sessions.forEach(session -> byId.put(session.get("id"), session));
        assertEquals(List.of("home", "checkout"), byId.get(1).get("events"));
        assertEquals("last", byId.get(1).get("closed_by"));
        assertEquals(List.of("search"), byId.get(2).get("events"));
        assertEquals("timeout", byId.get(2).get("closed_by"));
      } finally {
        StreamingRuns.cancel(job);
      }
    }
  }

  @Test
  void snapshotsOfAnAccountsTotalsComeEveryFewSeconds() throws Exception {
    Path history = dir.resolve("history.csv");
    Files.writeString(history, "123-ABC-789,50.00\n");
    try (LineServer stream = new LineServer()) {
      PipelineResult job =
          stream.start(
              FraudPipeline.SPEC,
              "--historyFile=" + history,
              "--windowSeconds=1",
              "--snapshotSeconds=2",
              "--sink=file",
              "--output=" + dir.resolve("fraud"));
      try {
        stream.send("1,12/01/2026,123-ABC-789,100.00,coffee");
        stream.send("2,12/01/2026,123-ABC-789,300.00,books");
        // Snapshots come every 2 s from the first window that closed; wait for one that has both
        // transactions (they may fall in one window or two) and for periodic ones before it.
        List<Map<String, Object>> snapshots =
            snapshots(
                awaitResults(
                    "fraud",
                    lines ->
                        snapshots(lines).size() >= 2
                            && snapshots(lines).stream()
                                .anyMatch(line -> line.get("num_tx").equals(2))));
        for (Map<String, Object> snapshot : snapshots) {
          assertEquals("123-ABC-789", snapshot.get("account"));
        }
        Map<String, Object> both =
            snapshots.stream()
                .filter(line -> line.get("num_tx").equals(2))
                .findFirst()
                .orElseThrow();
        assertEquals(new BigDecimal("400.00"), both.get("total_spending"));
        assertEquals(new BigDecimal("200.00"), both.get("average_tx"));
      } finally {
        StreamingRuns.cancel(job);
      }
    }
  }

  private static List<Map<String, Object>> snapshots(List<Map<String, Object>> results) {
    return results.stream().filter(line -> "snapshot".equals(line.get("kind"))).toList();
  }

  private static boolean timedOut(Map<String, Object> line) {
    return Boolean.TRUE.equals(line.get("timed_out"));
  }

  /** Results in a fixed order, to compare them as a multiset. */
  private static List<String> sorted(List<Map<String, Object>> results) {
    return results.stream().map(line -> new TreeMap<>(line).toString()).sorted().toList();
  }

  /** Every JSON line in the sink's files named {@code prefix…}, once {@code done} holds of them. */
  private List<Map<String, Object>> awaitResults(
      String prefix, Predicate<List<Map<String, Object>>> done) throws Exception {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    List<Map<String, Object>> lines = read(prefix);
    while (!done.test(lines)) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "not within " + WAIT_MILLIS / 1000 + " s; the results so far: " + lines);
      }
      Thread.sleep(500);
      lines = read(prefix);
    }
    return lines;
  }

  /** The sink's files in the order they were written (their names hold the pane's time). */
  private List<Map<String, Object>> read(String prefix) throws IOException {
    List<Map<String, Object>> lines = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files =
          listed.filter(file -> file.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
    for (Path file : files) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          @SuppressWarnings("unchecked")
          Map<String, Object> parsed = JSON.readValue(line, Map.class);
          lines.add(parsed);
        }
      }
    }
    return lines;
  }

  /**
   * A TCP server on 127.0.0.1 that the pipeline's socket source connects to, writing lines to its
   * connection. The job's start also connects once to check the address and hangs up: lines go to
   * the newest connection still open.
   */
  private static final class LineServer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());

    /** A connection and when it was accepted, newest first. */
    private record Accepted(Socket socket, long atMillis) {}

    private final LinkedBlockingDeque<Accepted> accepted = new LinkedBlockingDeque<>();
    private final Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.addFirst(new Accepted(server.accept(), System.currentTimeMillis()));
                }
              } catch (IOException closed) {
                // the test is over
              }
            },
            "line-server");

    LineServer() throws IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    <O extends StreamStateOptions> PipelineResult start(PipelineSpec<O> spec, String... more) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--runner=StreamStateSparkRunner",
                  "--source=socket",
                  "--host=127.0.0.1",
                  "--port=" + server.getLocalPort(),
                  "--batchSeconds=1"));
      args.addAll(List.of(more));
      O options =
          PipelineOptionsFactory.fromArgs(
                  StreamState.withDefaults(args.toArray(String[]::new), spec.defaults()))
              .as(spec.optionsType());
      options.as(SparkPipelineOptions.class).setSparkMaster("local[2]");
      return Job.start(spec, options);
    }

    void send(String line) throws Exception {
      OutputStream out = open().getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /**
     * The newest connection whose other end has not hung up within a second: the check of the
     * address hangs up at once, the source's connection stays.
     */
    private Socket open() throws Exception {
      long deadline = System.currentTimeMillis() + WAIT_MILLIS;
      while (System.currentTimeMillis() < deadline) {
        Accepted newest = accepted.peekFirst();
        if (newest != null && System.currentTimeMillis() - newest.atMillis() > 1_000) {
          Socket socket = newest.socket();
          socket.setSoTimeout(200);
          try {
            if (socket.getInputStream().read() < 0) {
              accepted.remove(newest); // hung up: the job's check of the address
              socket.close();
              continue;
            }
          } catch (SocketTimeoutException stillOpen) {
            return socket;
          }
        }
        Thread.sleep(100);
      }
      throw new AssertionError("the job did not connect within " + WAIT_MILLIS / 1000 + " s");
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Accepted connection : accepted) {
        connection.socket().close();
      }
    }
  }
}
