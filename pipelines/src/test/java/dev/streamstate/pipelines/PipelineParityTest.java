package dev.streamstate.pipelines;

import static dev.streamstate.testing.Scenario.at;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.common.DeadLetter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every pipeline's core scenario, through the pipeline's own logic (parsing, transforms, JSON), on
 * the DirectRunner and on the Spark runner in streaming mode, with the same expectations.
 */
class PipelineParityTest {

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void wordCount(TestRunner runner) {
    check(
        runner,
        WordCountPipelines.PER_BATCH,
        Scenario.lines().add(3, "a b").add(1, "a").add(10, "b").end(),
        new String[] {"--batchSeconds=10"},
        new String[] {
          windowed(0, 10, "'word':'a','count':2"),
          windowed(0, 10, "'word':'b','count':1"),
          windowed(10, 20, "'word':'b','count':1")
        });
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void runningWordCount(TestRunner runner) {
    check(
        runner,
        RunningWordCountPipeline.SPEC,
        Scenario.lines().add(2, "source a").add(1, "a").end(),
        new String[] {"--initialState=source=32,dummy=100", "--idleTimeoutSeconds=0"},
        new String[] {
          line("{'word':'source','count':33}"),
          line("{'word':'a','count':1}"),
          line("{'word':'a','count':2}")
        });
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void windowedWordCount(TestRunner runner) {
    check(
        runner,
        WordCountPipelines.SLIDING,
        Scenario.lines().add(7, "x").add(2, "x y").end(),
        new String[] {"--windowSeconds=10", "--slideSeconds=5"},
        new String[] {
          windowed(-5, 5, "'word':'x','count':1"),
          windowed(-5, 5, "'word':'y','count':1"),
          windowed(0, 10, "'word':'x','count':2"),
          windowed(0, 10, "'word':'y','count':1"),
          windowed(5, 15, "'word':'x','count':1")
        });
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void reduceByKeyAndWindow(TestRunner runner) {
    check(
        runner,
        WindowOpsPipeline.SPEC,
        Scenario.lines().add(6, "a 1.25").add(1, "a 2", "b x").end(),
        new String[] {"--op=reduce-by-key-and-window", "--windowSeconds=10", "--slideSeconds=5"},
        new String[] {
          windowed(-5, 5, "'key':'a','sum':2"),
          windowed(0, 10, "'key':'a','sum':3.25"),
          windowed(5, 15, "'key':'a','sum':1.25")
        },
        new DeadLetter("b x", "not a decimal number: 'x'"));
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void countByWindow(TestRunner runner) {
    check(
        runner,
        WindowOpsPipeline.SPEC,
        Scenario.lines().add(6, "INFO ok").add(1, "WARN disk", "INFO ok").end(),
        new String[] {"--op=count-by-window", "--windowSeconds=10", "--slideSeconds=5"},
        new String[] {
          windowed(-5, 5, "'count':2"), windowed(0, 10, "'count':3"), windowed(5, 15, "'count':1")
        });
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void bestSellerPerWindow(TestRunner runner) {
    check(
        runner,
        BestSellerPipeline.SPEC,
        Scenario.lines().add(12, "pen,3").add(5, "book,2", "ink,x").add(15, "book,1").end(),
        new String[] {"--windowSeconds=20", "--slideSeconds=10"},
        new String[] {
          windowed(-10, 10, "'product':'book','quantity':2"),
          windowed(0, 20, "'product':'book','quantity':3"),
          windowed(10, 30, "'product':'pen','quantity':3")
        },
        new DeadLetter("ink,x", "quantity is not a whole number: 'x'"));
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void bestSellerOfAllTime(TestRunner runner) {
    check(
        runner,
        BestSellerPipeline.SPEC,
        Scenario.lines().add(1, "pen,2").add(2, "book,3").add(3, "pen,2").end(),
        new String[] {"--allTime"},
        new String[] {
          line("{'product':'pen','quantity':2}"),
          line("{'product':'book','quantity':3}"),
          line("{'product':'pen','quantity':4}")
        });
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void sessions(TestRunner runner) {
    check(
        runner,
        SessionPipelines.SESSIONS,
        Scenario.lines()
            .add(4, "{\"id\":1,\"data\":\"b\",\"isLast\":true}")
            .add(1, "{\"id\":1,\"data\":\"a\"}", "{\"id\":2,\"data\":\"x\"}")
            .add(6, "{\"id\":1,\"data\":\"c\"}", "{\"id\":true}")
            .end(),
        new String[] {"--gapSeconds=10"},
        new String[] {
          line(
              "{'id':1,'start':'"
                  + t(1)
                  + "','end':'"
                  + t(4)
                  + "','events':['a','b'],'closed_by':'last'}"),
          line(
              "{'id':1,'start':'"
                  + t(6)
                  + "','end':'"
                  + t(6)
                  + "','events':['c'],'closed_by':'timeout'}"),
          line(
              "{'id':2,'start':'"
                  + t(1)
                  + "','end':'"
                  + t(1)
                  + "','events':['x'],'closed_by':'timeout'}")
        },
        new DeadLetter("{\"id\":true}", "'id' must be an integer, got boolean true"));
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void activityRuns(TestRunner runner) {
    check(
        runner,
        SessionPipelines.ACTIVITY_RUNS,
        Scenario.lines()
            .add(5, activity("ana", 5, "run"))
            .add(1, activity("ana", 1, "walk"), activity("bo", 2, "walk"))
            .add(3, activity("ana", 3, "walk"))
            .end(),
        new String[] {"--gapSeconds=10"},
        new String[] {
          line("{'user':'ana','activity':'walk','start':'" + t(1) + "','end':'" + t(3) + "'}"),
          line("{'user':'ana','activity':'run','start':'" + t(5) + "','end':'" + t(5) + "'}"),
          line("{'user':'bo','activity':'walk','start':'" + t(2) + "','end':'" + t(2) + "'}")
        });
  }

  /**
   * Thresholds at their boundaries, money rounding, an account without history, windows with one
   * and several transactions, out-of-order and late arrival, and an unreadable line.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void fraud(TestRunner runner) throws java.io.IOException {
    java.nio.file.Path history = java.nio.file.Files.createTempFile("history", ".csv");
    java.nio.file.Files.writeString(history, "A,100\nB,100\nR,0\nD,10000\nH,0\n");
    check(
        runner,
        FraudPipeline.SPEC,
        Scenario.lines()
            .add(5, "1,01/05/2026,A,2100.00,Gas") // exactly 2000 above history: no alert
            .add(3, "2,01/05/2026,B,2100.01,Gas") // 2000.01 above: alert
            .add(4, "3,01/05/2026,C,9000.00,Electronics") // no history: never an alert
            .add(6, "4,01/05/2026,R,2000.00,Misc", "5,01/05/2026,R,2000.01,Misc") // avg 2000.005
            .add(2, "6,01/05/2026,H,5000.00,Travel")
            .add(1, "x,01/05/2026,A,1.00,Gas")
            .watermark(10)
            .add(12, "7,01/06/2026,D,4000.00,Books") // not over 4000: not flagged
            .add(11, "8,01/06/2026,D,4000.01,Books") // flagged
            .add(15, "9,01/06/2026,A,10.00,Park", "10,01/06/2026,A,20.00,Park")
            .add(13, "11,01/06/2026,H,1.00,Park") // low window, but H's average is 2500.50
            .watermark(21)
            .watermark(22)
            .add(8, "12,01/05/2026,A,50000.00,Gas") // its window closed: judged, not averaged
            .end(),
        new String[] {"--historyFile=" + history},
        new String[] {
          transaction(1, "A", "2100.00", false),
          transaction(2, "B", "2100.01", false),
          transaction(3, "C", "9000.00", true),
          transaction(4, "R", "2000.00", false),
          transaction(5, "R", "2000.01", false),
          transaction(6, "H", "5000.00", true),
          transaction(7, "D", "4000.00", false),
          transaction(8, "D", "4000.01", true),
          transaction(9, "A", "10.00", false),
          transaction(10, "A", "20.00", false),
          transaction(11, "H", "1.00", false),
          transaction(12, "A", "50000.00", true),
          alert("B", 0, 10, "2100.01", "2100.01", 1, "2100.01", "100.00"),
          alert("R", 0, 10, "2000.01", "4000.01", 2, "2000.01", "0.00"),
          alert("H", 0, 10, "5000.00", "5000.00", 1, "5000.00", "0.00"),
          alert("H", 10, 20, "1.00", "5001.00", 2, "2500.50", "0.00")
        },
        new DeadLetter("x,01/05/2026,A,1.00,Gas", "id must be a whole number, got 'x'"));
  }

  /**
   * A left join in tumbling windows of 10 s. [0, 10): ad-1 has two impressions and two clicks (the
   * second click's value holds a comma), four pairs; ad-2 an impression with an empty value and no
   * click. [10, 20): ad-3 an impression alone. A payload without a comma and one with an empty key
   * are dead letters, one on each side.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void windowedJoin(TestRunner runner) {
    checkJoin(
        runner,
        Scenario.lines()
            .add(
                List.of(
                    Scenario.timed(1, "L ad-1,alice"),
                    Scenario.timed(2, "L ad-1,bob"),
                    Scenario.timed(5, "R ad-1,click a"),
                    Scenario.timed(6, "R ad-1,click,b"),
                    Scenario.timed(3, "L ad-2,"),
                    Scenario.timed(4, "R nocomma"),
                    Scenario.timed(4, "L ,x"),
                    Scenario.timed(12, "L ad-3,carol")))
            .end(),
        new String[] {"--joinType=left"},
        new String[] {
          windowed(0, 10, "'key':'ad-1','left':'alice','right':'click a'"),
          windowed(0, 10, "'key':'ad-1','left':'alice','right':'click,b'"),
          windowed(0, 10, "'key':'ad-1','left':'bob','right':'click a'"),
          windowed(0, 10, "'key':'ad-1','left':'bob','right':'click,b'"),
          windowed(0, 10, "'key':'ad-2','left':'','right':null"),
          windowed(10, 20, "'key':'ad-3','left':'carol','right':null")
        },
        new DeadLetter("nocomma", "no comma: expected key,value"),
        new DeadLetter(",x", "empty key: expected key,value"));
  }

  /**
   * A full join of clicks within 5 s after an impression: the click at 6 s is on the edge of the
   * impression at 1 s, the one at 6.001 s just past it; ad-2's impression meets nothing. Beam's
   * SparkRunner has no event-time timers in streaming, and the pipeline says so.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void intervalJoin(TestRunner runner) {
    TestStream<String> lines =
        Scenario.lines()
            .add(
                List.of(
                    Scenario.timed(1, "L ad-1,alice"),
                    Scenario.timed(6, "R ad-1,click"),
                    Scenario.timed(6.001, "R ad-1,late click"),
                    Scenario.timed(3, "L ad-2,bob"),
                    Scenario.timed(4, "R x")))
            .end();
    String[] args = {"--joinType=full", "--withinSeconds=5"};
    if (runner == TestRunner.SPARK) {
      assertEquals(
          "--withinSeconds (interval join) needs a runner with event-time timers: --runner=StreamStateSparkRunner"
              + " or DirectRunner (Beam's SparkRunner has none in streaming)",
          org.junit.jupiter.api.Assertions.assertThrows(
                  IllegalArgumentException.class,
                  () -> checkJoin(runner, lines, args, new String[0]))
              .getMessage());
      return;
    }
    checkJoin(
        runner,
        lines,
        args,
        new String[] {
          line(
              "{'key':'ad-1','left':'alice','right':'click','left_time':'"
                  + t(1)
                  + "','right_time':'"
                  + t(6)
                  + "'}"),
          line(
              "{'key':'ad-1','left':null,'right':'late click','left_time':null,'right_time':'"
                  + t(6.001)
                  + "'}"),
          line(
              "{'key':'ad-2','left':'bob','right':null,'left_time':'"
                  + t(3)
                  + "','right_time':null}")
        },
        new DeadLetter("x", "no comma: expected key,value"));
  }

  /**
   * Splits "L payload" and "R payload" lines into the join's two streams, which share one
   * watermark.
   */
  private static void checkJoin(
      TestRunner runner,
      TestStream<String> lines,
      String[] args,
      String[] results,
      DeadLetter... deadLetters) {
    JoinPipeline.Options options =
        PipelineOptionsFactory.fromArgs(
                StreamState.withDefaults(args, JoinPipeline.SPEC.defaults()))
            .as(JoinPipeline.Options.class);
    Pipeline p = runner.newPipeline();
    options.setRunner(p.getOptions().getRunner()); // which decides whether an interval join can run
    PCollection<String> all = p.apply(lines);
    PCollectionTuple out = JoinPipeline.join(side(all, "L "), side(all, "R "), options);
    PAssert.that(out.get(Outputs.MAIN)).containsInAnyOrder(results);
    PAssert.that(out.get(DeadLetter.TAG)).containsInAnyOrder(deadLetters);
    runner.run(p);
  }

  private static PCollection<String> side(PCollection<String> lines, String prefix) {
    return lines
        .apply(prefix.trim() + "Lines", Filter.by(line -> line.startsWith(prefix)))
        .apply(
            prefix.trim() + "Payloads",
            MapElements.into(TypeDescriptors.strings()).via(line -> line.substring(2)));
  }

  private static String transaction(long id, String account, String amount, boolean possibleFraud) {
    return line(
        "{'kind':'transaction','id':"
            + id
            + ",'account':'"
            + account
            + "','amount':"
            + amount
            + ",'possible_fraud':"
            + possibleFraud
            + "}");
  }

  private static String alert(
      String account,
      double from,
      double to,
      String windowAvg,
      String total,
      long numTx,
      String averageTx,
      String historic) {
    return line(
        "{'kind':'alert','account':'"
            + account
            + "','window_start':'"
            + t(from)
            + "','window_end':'"
            + t(to)
            + "','window_spending_avg':"
            + windowAvg
            + ",'total_spending':"
            + total
            + ",'num_tx':"
            + numTx
            + ",'average_tx':"
            + averageTx
            + ",'historic_average':"
            + historic
            + "}");
  }

  private static String activity(String user, double seconds, String activity) {
    return line(
        "{'user':'"
            + user
            + "','timestamp':"
            + at(seconds).getMillis()
            + ",'activity':'"
            + activity
            + "'}");
  }

  private static <O extends StreamStateOptions> void check(
      TestRunner runner,
      PipelineSpec<O> spec,
      TestStream<String> payloads,
      String[] args,
      String[] results,
      DeadLetter... deadLetters) {
    O options =
        PipelineOptionsFactory.fromArgs(StreamState.withDefaults(args, spec.defaults()))
            .as(spec.optionsType());
    Pipeline p = runner.newPipeline();
    // The pipeline chooses its transforms for the runner it runs on, as a job does.
    options.setRunner(p.getOptions().getRunner());
    PCollectionTuple out = spec.logic().apply(p.apply(payloads), options);
    PAssert.that(out.get(Outputs.MAIN)).containsInAnyOrder(results);
    if (out.has(DeadLetter.TAG)) {
      PAssert.that(out.get(DeadLetter.TAG)).containsInAnyOrder(deadLetters);
    } else {
      assertEquals(List.of(), List.of(deadLetters), spec.name() + " has no dead-letter output");
    }
    runner.run(p);
  }

  /**
   * A JSON line written out by hand in the test, with ' for " so it reads as it prints: the
   * expectations do not go through the renderer under test.
   */
  private static String line(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * The time {@code seconds} after the scenarios' start, 2026-01-01T00:00:00.000Z, as rows print
   * it.
   */
  private static String t(double seconds) {
    return ISO_MILLIS.format(
        java.time.Instant.parse("2026-01-01T00:00:00Z").plusMillis(Math.round(seconds * 1000)));
  }

  private static String windowed(double from, double to, String singleQuotedFields) {
    return line(
        "{'window_start':'"
            + t(from)
            + "','window_end':'"
            + t(to)
            + "',"
            + singleQuotedFields
            + "}");
  }
}
