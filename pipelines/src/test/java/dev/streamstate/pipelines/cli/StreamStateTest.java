package dev.streamstate.pipelines.cli;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.pipelines.RunningWordCountPipeline;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The entry point: help, and bad options failing fast with one line that says what to fix. */
class StreamStateTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return StreamState.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryPipeline() {
    assertEquals(0, run("--help"));
    for (PipelineSpec<?> spec : StreamState.PIPELINES) {
      assertThat(out.toString(StandardCharsets.UTF_8), containsString(spec.name()));
    }
  }

  @Test
  void pipelineHelpListsItsOptionsWithItsOwnDefaults() {
    assertEquals(0, run("best-seller", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help, containsString("--windowSeconds"));
    assertThat(help, containsString("(default: 864000)"));
    assertThat(help, containsString("--allTime"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "frobnicate|unknown pipeline 'frobnicate': choose one of word-count, running-word-count, windowed-word-count, window-ops, best-seller, sessions, activity-runs, fraud, join, local-stack, local-cluster, produce-transactions, fraud-demo, load-history (see --help)",
        "word-count --source=kafkaa|--source must be one of file, socket, kafka, generator; got 'kafkaa'",
        "word-count --sink=paper|--sink must be one of console, file, kafka, cassandra; got 'paper'",
        "word-count --batchSeconds=abc|--batchSeconds must be a whole number, got 'abc'",
        "word-count --batchSeconds=0|--batchSeconds must be a positive whole number of seconds, got 0",
        "word-count --source=file|--source=file needs --input=PATH (a replay file)",
        "word-count --sink=file|--sink=file needs --output=PATH",
        "word-count --source=kafka|--source=kafka needs --topic=TOPIC",
        "word-count --source=kafka --topic=t --offsetReset=middle|--offsetReset must be earliest or latest; got 'middle'",
        "word-count --sink=kafka|--sink=kafka needs --outputTopic=TOPIC",
        "running-word-count --initialState=dummy=100,source|--initialState must be word=count pairs separated by commas, e.g. dummy=100,source=32; 'source' is not one",
        "running-word-count --idleTimeoutSeconds=-1|--idleTimeoutSeconds must be zero or a positive whole number of seconds, got -1",
        "sessions --source=file --input=pom.xml --idleTimeoutSeconds=30|--idleTimeoutSeconds is for sources without event time (socket); a replay file has event time: use --gapSeconds",
        "fraud --avgThreshold=abc|--avgThreshold must be a non-negative decimal amount, got 'abc'",
        "fraud --source=file --input=pom.xml --historyFile=no-such.csv|--historyFile=no-such.csv cannot be read: no-such.csv",
        "fraud --source=file --input=pom.xml --cassandraPort=1|no Cassandra answers at 127.0.0.1:1 (All host(s) tried for query failed (tried: /127.0.0.1:1 (com.datastax.driver.core.exceptions.TransportException: [/127.0.0.1:1] Cannot connect)))",
        "window-ops --op=median|--op must be one of count-by-window, count-by-value-and-window, reduce-by-window, reduce-by-key-and-window; got 'median'",
        "join --source=file --input=pom.xml|--source=file needs --rightInput=PATH (a replay file)",
        "join --joinType=outer|--joinType must be one of inner, left, right, full; got 'outer'",
        "join --withinSeconds=5 --runner=SparkRunner|--withinSeconds (interval join) needs a runner with event-time timers: --runner=StreamStateSparkRunner or DirectRunner (Beam's SparkRunner has none in streaming)",
        "join --withinSeconds=5 --windowSeconds=10|--withinSeconds (interval join) and --windowSeconds/--slideSeconds (windowed join) exclude each other",
        "join --slideSeconds=0|--slideSeconds must be a positive whole number of seconds, got 0",
      })
  void badOptionsFailFastWithOneLine(String command, String message) {
    String[] args = command.split(" ");
    assertEquals(2, run(args));
    String prefix = args.length == 1 ? "streamstate: " : "streamstate " + args[0] + ": ";
    assertEquals(prefix + message + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aMissingInputFileIsNamed() {
    Path missing = dir.resolve("missing.tsv");
    assertEquals(2, run("word-count", "--source=file", "--input=" + missing));
    assertEquals(
        "streamstate word-count: --input=" + missing + " matches no file" + System.lineSeparator(),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anUnreachableSocketSaysHowToStartOne() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    assertEquals(2, run("word-count", "--source=socket", "--host=127.0.0.1", "--port=" + port));
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message, containsString("cannot connect to 127.0.0.1:" + port));
    assertThat(message, containsString("start a line server first, e.g. nc -lk " + port));
    assertEquals(1, message.lines().count());
  }

  @Test
  void readsInitialState() {
    assertEquals(0, RunningWordCountPipeline.parseInitialState(" ").size());
    assertEquals(
        java.util.Map.of("dummy", 100L, "source", 32L),
        RunningWordCountPipeline.parseInitialState("dummy=100, source=32"));
  }
}
