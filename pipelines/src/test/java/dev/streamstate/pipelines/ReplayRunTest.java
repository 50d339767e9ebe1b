package dev.streamstate.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.pipelines.cli.StreamState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Black-box runs of every pipeline through the entry point, as a user runs them: a replay file in,
 * JSON lines and dead letters out. In batch on the DirectRunner, the file in order and shuffled;
 * read as a stream ({@code --streaming=true}) on every runner, shuffled, so the watermark must wait
 * for the earliest line still to come. Each run's results must be exactly the expected ones, worked
 * out by hand from the input below (not by the code under test).
 */
class ReplayRunTest {

  private static final String DAY = "2026-01-01T00:00:";

  @TempDir Path dir;

  /** How a run is made: the runner and, for a stream, the options that make it one. */
  enum Mode {
    DIRECT_BATCH("DirectRunner"),
    DIRECT_STREAM("DirectRunner", "--streaming=true"),
    SPARK_STREAM("SparkRunner", "--streaming=true", "--sparkMaster=local[2]"),
    OURS_STREAM("StreamStateSparkRunner", "--streaming=true", "--sparkMaster=local[2]");

    final List<String> options;

    Mode(String runner, String... options) {
      this.options = new ArrayList<>(List.of("--runner=" + runner));
      this.options.addAll(List.of(options));
    }
  }

  static Stream<Arguments> pipelines() {
    return Stream.of(
        Arguments.of(
            "word-count",
            List.of(),
            List.of("a b", "b", "a"),
            List.of(
                window("00.000", "01.000") + "\"word\":\"a\",\"count\":1}",
                window("00.000", "01.000") + "\"word\":\"b\",\"count\":2}",
                window("01.000", "02.000") + "\"word\":\"a\",\"count\":1}")),
        Arguments.of(
            "running-word-count",
            List.of("--initialState=a=10"),
            List.of("a b", "b", "a"),
            List.of(
                "{\"word\":\"a\",\"count\":11}",
                "{\"word\":\"a\",\"count\":12}",
                "{\"word\":\"b\",\"count\":1}",
                "{\"word\":\"b\",\"count\":2}")),
        Arguments.of(
            "windowed-word-count",
            List.of("--windowSeconds=2", "--slideSeconds=1"),
            List.of("a b", "b", "a"),
            List.of(
                window("-1", "01.000") + "\"word\":\"a\",\"count\":1}",
                window("-1", "01.000") + "\"word\":\"b\",\"count\":2}",
                window("00.000", "02.000") + "\"word\":\"a\",\"count\":2}",
                window("00.000", "02.000") + "\"word\":\"b\",\"count\":2}",
                window("01.000", "03.000") + "\"word\":\"a\",\"count\":1}")),
        Arguments.of(
            "window-ops",
            List.of("--op=count-by-value-and-window", "--windowSeconds=4", "--slideSeconds=2"),
            List.of("WARN disk", "INFO ok", "INFO ok"),
            List.of(
                window("-2", "02.000") + "\"value\":\"INFO ok\",\"count\":2}",
                window("-2", "02.000") + "\"value\":\"WARN disk\",\"count\":1}",
                window("00.000", "04.000") + "\"value\":\"INFO ok\",\"count\":2}",
                window("00.000", "04.000") + "\"value\":\"WARN disk\",\"count\":1}")),
        Arguments.of(
            "window-ops",
            List.of("--op=reduce-by-key-and-window", "--windowSeconds=4", "--slideSeconds=2"),
            List.of("x 1.5", "x 2", "y 1"),
            List.of(
                window("-2", "02.000") + "\"key\":\"x\",\"sum\":3.5}",
                window("-2", "02.000") + "\"key\":\"y\",\"sum\":1}",
                window("00.000", "04.000") + "\"key\":\"x\",\"sum\":3.5}",
                window("00.000", "04.000") + "\"key\":\"y\",\"sum\":1}")),
        Arguments.of(
            "sessions",
            List.of("--gapSeconds=30"),
            List.of(
                "{\"id\":1,\"data\":\"a\",\"isLast\":false}",
                "{\"id\":1,\"data\":\"b\",\"isLast\":true}",
                "{\"id\":1,\"data\":\"c\",\"isLast\":false}",
                "{\"id\":2,\"data\":\"x\",\"isLast\":false}"),
            List.of(
                "{\"id\":1,\"start\":\"2026-01-01T00:00:00.000Z\",\"end\":\"2026-01-01T00:00:00.500Z\",\"events\":[\"a\",\"b\"],\"closed_by\":\"last\"}",
                "{\"id\":1,\"start\":\"2026-01-01T00:00:01.000Z\",\"end\":\"2026-01-01T00:00:01.000Z\",\"events\":[\"c\"],\"closed_by\":\"timeout\"}",
                "{\"id\":2,\"start\":\"2026-01-01T00:00:01.500Z\",\"end\":\"2026-01-01T00:00:01.500Z\",\"events\":[\"x\"],\"closed_by\":\"timeout\"}")),
        Arguments.of(
            "activity-runs",
            List.of("--gapSeconds=30"),
            List.of(
                "{\"user\":\"zoë\",\"timestamp\":1767225600000,\"activity\":\"walk\"}",
                "{\"user\":\"zoë\",\"timestamp\":1767225610000,\"activity\":\"walk\"}",
                "{\"user\":\"zoë\",\"timestamp\":1767225620000,\"activity\":\"run\"}"),
            List.of(
                "{\"user\":\"zoë\",\"activity\":\"walk\",\"start\":\"2026-01-01T00:00:00.000Z\",\"end\":\"2026-01-01T00:00:10.000Z\"}",
                "{\"user\":\"zoë\",\"activity\":\"run\",\"start\":\"2026-01-01T00:00:20.000Z\",\"end\":\"2026-01-01T00:00:20.000Z\"}")),
        Arguments.of(
            "fraud",
            List.of(
                "--historyFile=src/main/resources/dev/streamstate/pipelines/sample-history.csv"),
            List.of(
                "1,01/01/2026,456-DEF-456,4322.33,Electronics",
                "2,01/01/2026,456-DEF-456,20.00,Gas",
                "3,01/01/2026,123-ABC-789,10.34,Books"),
            List.of(
                "{\"kind\":\"transaction\",\"id\":1,\"account\":\"456-DEF-456\",\"amount\":4322.33,\"possible_fraud\":true}",
                "{\"kind\":\"transaction\",\"id\":2,\"account\":\"456-DEF-456\",\"amount\":20.00,\"possible_fraud\":false}",
                "{\"kind\":\"transaction\",\"id\":3,\"account\":\"123-ABC-789\",\"amount\":10.34,\"possible_fraud\":false}",
                "{\"kind\":\"alert\",\"account\":\"456-DEF-456\",\"window_start\":\"2026-01-01T00:00:00.000Z\",\"window_end\":\"2026-01-01T00:00:10.000Z\",\"window_spending_avg\":2171.17,\"total_spending\":4342.33,\"num_tx\":2,\"average_tx\":2171.17,\"historic_average\":120.25}")),
        Arguments.of(
            "best-seller",
            List.of("--windowSeconds=4", "--slideSeconds=2"),
            List.of("pen,3", "book,2", "book,1"),
            List.of(
                // book (2 + 1) ties with pen (3): the tie goes to the first name
                window("-2", "02.000") + "\"product\":\"book\",\"quantity\":3}",
                window("00.000", "04.000") + "\"product\":\"book\",\"quantity\":3}")));
  }

  /**
   * The seed's best-seller windows, 10 days sliding by a minute: 14 400 windows a sale, which take
   * a minute a run on Spark, so the DirectRunner runs them and Spark the same steps in small
   * windows.
   */
  static Stream<Arguments> seedWindows() {
    return Stream.of(
        Arguments.of(
            "best-seller", List.of(), List.of("pen,3", "book,2", "book,1"), bestSellers()));
  }

  /**
   * The start of a row of a window from {@code DAY + start} (a negative start: seconds before DAY).
   */
  private static String window(String start, String end) {
    String from =
        start.startsWith("-")
            ? String.format("2025-12-31T23:59:%02d.000Z", 60 + Integer.parseInt(start))
            : DAY + start + "Z";
    return "{\"window_start\":\"" + from + "\",\"window_end\":\"" + DAY + end + "Z\",";
  }

  /**
   * Best sellers over 10 days sliding by a minute: all three sales lie in the first second of the
   * day, so each of the 14 400 windows that start after the moment 10 days before them holds all
   * three, book (2 + 1) ties with pen (3), and the tie goes to the first name.
   */
  private static List<String> bestSellers() {
    DateTimeFormatter millis =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    List<String> rows = new ArrayList<>();
    Instant day = Instant.parse("2026-01-01T00:00:00Z");
    for (int minute = 0; minute < 10 * 24 * 60; minute++) {
      Instant end = day.plusSeconds(60L * (minute + 1));
      rows.add(
          "{\"window_start\":\""
              + millis.format(end.minus(Duration.ofDays(10)))
              + "\",\"window_end\":\""
              + millis.format(end)
              + "\",\"product\":\"book\",\"quantity\":3}");
    }
    return rows;
  }

  static Stream<Arguments> pipelinesInEveryMode() {
    return Stream.concat(
        pipelines().flatMap(pipeline -> inModes(pipeline, Mode.values())),
        seedWindows()
            .flatMap(pipeline -> inModes(pipeline, Mode.DIRECT_BATCH, Mode.DIRECT_STREAM)));
  }

  private static Stream<Arguments> inModes(Arguments pipeline, Mode... modes) {
    Object[] run = pipeline.get();
    return Stream.of(modes).map(mode -> Arguments.of(mode, run[0], run[1], run[2], run[3]));
  }

  @ParameterizedTest(name = "{1} {3} on {0}")
  @MethodSource("pipelinesInEveryMode")
  void replayGivesTheExpectedResults(
      Mode mode,
      String pipeline,
      List<String> options,
      List<String> payloads,
      List<String> expected)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      lines.add(
          String.format("2026-01-01T00:00:0%d.%03dZ\t%s", i / 2, (i % 2) * 500, payloads.get(i)));
    }
    List<String> shuffled = new ArrayList<>(lines);
    Collections.shuffle(shuffled, new Random(7));
    Collections.reverse(shuffled); // and surely not in order
    List<String> sorted = new ArrayList<>(expected);
    Collections.sort(sorted);

    List<String> withOptions = new ArrayList<>(mode.options);
    withOptions.addAll(options);
    if (mode == Mode.DIRECT_BATCH) {
      assertEquals(sorted, run(pipeline, withOptions, lines, "sorted", Set.of()));
    }
    assertEquals(sorted, run(pipeline, withOptions, shuffled, "shuffled", Set.of()));
  }

  /**
   * The join of impressions (--input) and clicks (--rightInput), both files in reverse time order.
   * Windows of 2 s, full join: [0, 2) pairs alice and bob with click 1 and carol with click 2; [2,
   * 4) pairs dave with click 4, and click 3 and erin are alone. Within 1 s, full join: click 1 (0.2
   * s) is 0.2 s after alice, click 2 (1.5 s) 0.5 s after carol, click 4 (3.5 s) exactly 1 s after
   * dave (the edge); bob, erin and click 3 are alone. A click without a comma is a dead letter.
   */
  static Stream<Arguments> joins() {
    List<String> windowed =
        List.of(
            window("00.000", "02.000")
                + "\"key\":\"ad-1\",\"left\":\"alice\",\"right\":\"click 1\"}",
            window("00.000", "02.000") + "\"key\":\"ad-1\",\"left\":\"bob\",\"right\":\"click 1\"}",
            window("00.000", "02.000")
                + "\"key\":\"ad-2\",\"left\":\"carol\",\"right\":\"click 2\"}",
            window("02.000", "04.000")
                + "\"key\":\"ad-1\",\"left\":\"dave\",\"right\":\"click 4\"}",
            window("02.000", "04.000") + "\"key\":\"ad-3\",\"left\":null,\"right\":\"click 3\"}",
            window("02.000", "04.000") + "\"key\":\"ad-9\",\"left\":\"erin\",\"right\":null}");
    List<String> interval =
        List.of(
            joined("ad-1", "alice", "click 1", "00.000", "00.200"),
            joined("ad-2", "carol", "click 2", "01.000", "01.500"),
            joined("ad-1", "dave", "click 4", "02.500", "03.500"),
            joined("ad-1", "bob", null, "00.500", null),
            joined("ad-9", "erin", null, "03.500", null),
            joined("ad-3", null, "click 3", null, "03.000"));
    return Stream.concat(
        Stream.of(Mode.values())
            .map(mode -> Arguments.of(mode, List.of("--windowSeconds=2"), windowed)),
        Stream.of(Mode.DIRECT_BATCH, Mode.DIRECT_STREAM, Mode.OURS_STREAM)
            .map(mode -> Arguments.of(mode, List.of("--withinSeconds=1"), interval)));
  }

  private static String joined(
      String key, String left, String right, String leftTime, String rightTime) {
    return "{\"key\":\""
        + key
        + "\",\"left\":"
        + quoted(left)
        + ",\"right\":"
        + quoted(right)
        + ",\"left_time\":"
        + quoted(leftTime == null ? null : DAY + leftTime + "Z")
        + ",\"right_time\":"
        + quoted(rightTime == null ? null : DAY + rightTime + "Z")
        + "}";
  }

  private static String quoted(String text) {
    return text == null ? "null" : "\"" + text + "\"";
  }

  @ParameterizedTest(name = "join {1} on {0}")
  @MethodSource("joins")
  void joinReplaysGiveTheExpectedResults(Mode mode, List<String> joinOptions, List<String> expected)
      throws IOException {
    Path clicks = dir.resolve("clicks.tsv");
    Files.write(
        clicks,
        List.of(
            DAY + "03.500Z\tad-1,click 4",
            DAY + "03.000Z\tad-3,click 3",
            DAY + "01.500Z\tad-2,click 2",
            DAY + "01.000Z\tnocomma",
            DAY + "00.200Z\tad-1,click 1"));
    List<String> options = new ArrayList<>(mode.options);
    options.addAll(joinOptions);
    options.addAll(List.of("--joinType=full", "--rightInput=" + clicks));
    List<String> sorted = new ArrayList<>(expected);
    Collections.sort(sorted);
    assertEquals(
        sorted,
        run(
            "join",
            options,
            List.of(
                DAY + "03.500Z\tad-9,erin",
                DAY + "02.500Z\tad-1,dave",
                DAY + "01.000Z\tad-2,carol",
                DAY + "00.500Z\tad-1,bob",
                DAY + "00.000Z\tad-1,alice"),
            "impressions",
            Set.of("{\"payload\":\"nocomma\",\"error\":\"no comma: expected key,value\"}")));
  }

  @Test
  void everyMalformedSessionEventIsADeadLetterWithItsReason() throws IOException {
    List<String> lines =
        List.of(
            "2026-01-01T00:00:00Z\t{\"id\":1,\"data\":\"a\",\"isLast\":true}",
            "2026-01-01T00:00:01Z\tnot json",
            "2026-01-01T00:00:02Z\t[1,2]",
            "2026-01-01T00:00:03Z\t{\"data\":\"no id\"}",
            "2026-01-01T00:00:04Z\t{\"id\":\"7\",\"data\":\"a\"}",
            "2026-01-01T00:00:05Z\t{\"id\":7,\"data\":5}",
            "2026-01-01T00:00:06Z\t{\"id\":7,\"data\":\"a\",\"isLast\":\"no\"}");

    List<String> results =
        run(
            "sessions",
            List.of("--runner=DirectRunner"),
            lines,
            "malformed",
            Set.of(
                "{\"payload\":\"not json\",\"error\":\"not JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\"}",
                "{\"payload\":\"[1,2]\",\"error\":\"not a JSON object\"}",
                "{\"payload\":\"{\\\"data\\\":\\\"no id\\\"}\",\"error\":\"'id' must be an integer, got nothing (missing)\"}",
                "{\"payload\":\"{\\\"id\\\":\\\"7\\\",\\\"data\\\":\\\"a\\\"}\",\"error\":\"'id' must be an integer, got string \\\"7\\\"\"}",
                "{\"payload\":\"{\\\"id\\\":7,\\\"data\\\":5}\",\"error\":\"'data' must be a string, got number 5\"}",
                "{\"payload\":\"{\\\"id\\\":7,\\\"data\\\":\\\"a\\\",\\\"isLast\\\":\\\"no\\\"}\",\"error\":\"'isLast' must be true or false, got string \\\"no\\\"\"}"));

    assertEquals(
        List.of(
            "{\"id\":1,\"start\":\"2026-01-01T00:00:00.000Z\",\"end\":\"2026-01-01T00:00:00.000Z\",\"events\":[\"a\"],\"closed_by\":\"last\"}"),
        results);
  }

  /**
   * Runs the pipeline on the lines plus two unreadable ones; checks the dead letters (those two and
   * {@code moreDeadLetters}) and the closing count; returns the results.
   */
  private List<String> run(
      String pipeline,
      List<String> options,
      List<String> lines,
      String name,
      Set<String> moreDeadLetters)
      throws IOException {
    Path input = dir.resolve(name + ".tsv");
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (String line : lines) {
      file.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    file.write("no time here\n".getBytes(StandardCharsets.UTF_8));
    file.write(new byte[] {'2', '0', '2', '6', '\t', (byte) 0xFF, '\n'});
    Files.write(input, file.toByteArray());
    Path output = dir.resolve(name + "-out.jsonl");
    Path deadLetters = dir.resolve(name + "-dead.jsonl");

    List<String> args =
        new ArrayList<>(
            List.of(
                pipeline,
                "--source=file",
                "--input=" + input,
                "--sink=file",
                "--output=" + output,
                "--deadLetters=" + deadLetters));
    args.addAll(options);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = StreamState.run(args.toArray(String[]::new), System.out, new PrintStream(err, true));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));

    Set<String> expectedDeadLetters =
        new TreeSet<>(
            Set.of(
                "{\"payload\":\"no time here\",\"error\":\"replay line has no TAB: expected <ISO-8601 event time>TAB<payload>\"}",
                "{\"payload\":\"2026\\t\uFFFD\",\"error\":\"not valid UTF-8 text\"}"));
    expectedDeadLetters.addAll(moreDeadLetters);
    List<String> written = Files.readAllLines(deadLetters);
    Collections.sort(written);
    assertEquals(new ArrayList<>(expectedDeadLetters), written);
    List<String> results = Files.readAllLines(output);
    assertThat(
        err.toString(StandardCharsets.UTF_8),
        containsString(
            "streamstate "
                + pipeline
                + ": "
                + results.size()
                + (results.size() == 1 ? " result" : " results")
                + ", "
                + expectedDeadLetters.size()
                + " dead letters, each with its reason in "
                + deadLetters));
    Collections.sort(results);
    return results;
  }
}
