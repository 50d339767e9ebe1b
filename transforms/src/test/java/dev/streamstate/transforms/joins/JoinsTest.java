package dev.streamstate.transforms.joins;

import static dev.streamstate.testing.Scenario.at;
import static dev.streamstate.testing.Scenario.timed;
import static dev.streamstate.testing.Scenario.window;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.windows.EventTimeWindows;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The stream-stream joins on every runner. Each scenario is one stream of lines {@code L key,value}
 * and {@code R key,value}, split into the two sides, so both share one watermark as two topics read
 * by one job do. Expected rows are worked out by hand in the comments.
 */
class JoinsTest {

  private static final EventTimeWindows TEN = EventTimeWindows.fixed(Duration.standardSeconds(10));

  /** Both sides of a scenario. */
  private record Sides(
      PCollection<KV<String, String>> left, PCollection<KV<String, String>> right) {}

  private static Sides sides(Pipeline p, TestStream<String> lines) {
    PCollection<String> all = p.apply(lines);
    return new Sides(side(all, "L "), side(all, "R "));
  }

  private static PCollection<KV<String, String>> side(PCollection<String> lines, String prefix) {
    return lines
        .apply(prefix.trim() + "Lines", Filter.by(line -> line.startsWith(prefix)))
        .apply(
            prefix.trim() + "Payloads",
            MapElements.into(TypeDescriptors.strings()).via(line -> line.substring(2)))
        .apply(prefix.trim() + "Parse", KeyedPayloads.parse())
        .output();
  }

  /**
   * Each row as text with its window and pane timing, led by {@code label}, for one assertion over
   * every join of a scenario (each assertion costs Spark stages in every micro-batch).
   */
  private static <V> PCollection<String> described(
      String label, String keyPrefix, PCollection<KV<String, V>> rows) {
    return rows.apply(label + "Described", ParDo.of(new DescribeFn<V>(label, keyPrefix)))
        .apply(
            label + "InOneWindow",
            Window.<String>into(new GlobalWindows())
                .triggering(DefaultTrigger.of())
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes());
  }

  private static final class DescribeFn<V> extends DoFn<KV<String, V>, String> {
    private final String label;
    private final String keyPrefix;

    DescribeFn(String label, String keyPrefix) {
      this.label = label;
      this.keyPrefix = keyPrefix;
    }

    @ProcessElement
    public void process(
        @Element KV<String, V> row,
        BoundedWindow window,
        PaneInfo pane,
        OutputReceiver<String> out) {
      if (row.getKey().startsWith(keyPrefix)) {
        String where =
            window instanceof IntervalWindow w
                ? " " + seconds(w.start()) + "-" + seconds(w.end()) + " " + pane.getTiming()
                : "";
        out.output(label + where + " " + row.getKey() + " " + row.getValue());
      }
    }

    private static long seconds(Instant time) {
      return (time.getMillis() - Scenario.T0.getMillis()) / 1000;
    }
  }

  /**
   * Three scenarios in one stream, each on keys of its own (a few micro-batches for all on Spark).
   *
   * <p>Keys t…, tumbling windows of 10 s. [0, 10): ta has lefts 1, 2 and rights x, y (duplicate
   * keys on both sides: four pairs), tb only a left. [10, 20): ta only a left (10 s starts the next
   * window), tc only a right.
   *
   * <p>Keys s…, windows of 10 s every 5 s. Left 1 at 106 s is in [100, 110) and [105, 115); right r
   * at 108 s in the same two, so the pair is in both; right s at 112 s is in [105, 115) and [110,
   * 120), so it meets 1 only in [105, 115). A cogroup gives both sides per window, one side
   * possibly empty.
   *
   * <p>Key late, tumbling windows with an allowed lateness of 5 s: left 1 at 41 s fires on time
   * alone (a left join's unmatched row); right x at 43 s comes with the watermark at 51 s, late but
   * allowed, and the late pane holds the window's rows again, now with the pair; right y at 44 s
   * comes after the watermark passed 55 s and is dropped.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void windowedJoinsAndCogroups(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    Sides sides =
        sides(
            p,
            Scenario.lines()
                .add(
                    List.of(
                        timed(9, "R ta,y"),
                        timed(1, "L ta,1"),
                        timed(1, "L ta,2"),
                        timed(1, "R ta,x"),
                        timed(5, "L tb,1"),
                        timed(10, "L ta,3"),
                        timed(12, "R tc,z"),
                        timed(112, "R sk,s"),
                        timed(106, "L sk,1"),
                        timed(108, "R sk,r"),
                        timed(41, "L late,1")))
                .watermark(51)
                .add(43, "R late,x")
                .watermark(56)
                .add(44, "R late,y")
                .end());

    PCollectionList<String> rows = PCollectionList.empty(p);
    List<String> expected = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      rows =
          rows.and(
              described(
                  type.name(),
                  "t",
                  sides
                      .left()
                      .apply(
                          type + "Join",
                          WindowedJoin.<String, String, String>of(sides.right(), TEN, type))));
      for (String pair : List.of("KV{1, x}", "KV{1, y}", "KV{2, x}", "KV{2, y}")) {
        expected.add(type + " 0-10 ON_TIME ta " + pair);
      }
      if (type.keepsUnmatchedLeft()) {
        expected.add(type + " 0-10 ON_TIME tb KV{1, null}");
        expected.add(type + " 10-20 ON_TIME ta KV{3, null}");
      }
      if (type.keepsUnmatchedRight()) {
        expected.add(type + " 10-20 ON_TIME tc KV{null, z}");
      }
    }

    EventTimeWindows tenEveryFive =
        EventTimeWindows.sliding(Duration.standardSeconds(10), Duration.standardSeconds(5));
    rows =
        rows.and(
            described(
                "sliding",
                "s",
                sides
                    .left()
                    .apply(
                        "SlidingJoin",
                        WindowedJoin.<String, String, String>of(
                            sides.right(), tenEveryFive, JoinType.INNER))));
    expected.addAll(
        List.of(
            "sliding 100-110 ON_TIME sk KV{1, r}",
            "sliding 105-115 ON_TIME sk KV{1, r}",
            "sliding 105-115 ON_TIME sk KV{1, s}"));
    PCollection<KV<String, String>> cogrouped =
        sides
            .left()
            .apply(
                "CoGroup",
                WindowedCoGroup.<String, String, String>with(sides.right(), tenEveryFive))
            .apply(
                "Sorted",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(
                        g ->
                            KV.of(
                                g.getKey(),
                                sorted(g.getValue().getKey())
                                    + " "
                                    + sorted(g.getValue().getValue()))));
    rows = rows.and(described("cogroup", "s", cogrouped));
    expected.addAll(
        List.of(
            "cogroup 100-110 ON_TIME sk [1] [r]",
            "cogroup 105-115 ON_TIME sk [1] [r, s]",
            "cogroup 110-120 ON_TIME sk [] [s]"));

    EventTimeWindows lateByFive = TEN.withAllowedLateness(Duration.standardSeconds(5));
    rows =
        rows.and(
            described(
                "late",
                "late",
                sides
                    .left()
                    .apply(
                        "LateJoin",
                        WindowedJoin.<String, String, String>of(
                            sides.right(), lateByFive, JoinType.LEFT))));
    expected.addAll(
        List.of("late 40-50 ON_TIME late KV{1, null}", "late 40-50 LATE late KV{1, x}"));

    PAssert.that(rows.apply(Flatten.pCollections())).containsInAnyOrder(expected);
    runner.run(p);
  }

  private static final Duration FIVE = Duration.standardSeconds(5);

  private static KV<String, KV<TimestampedValue<String>, TimestampedValue<String>>> pair(
      String key, String left, double leftSeconds, String right, double rightSeconds) {
    return KV.of(
        key,
        KV.of(
            left == null ? null : TimestampedValue.of(left, at(leftSeconds)),
            right == null ? null : TimestampedValue.of(right, at(rightSeconds))));
  }

  /**
   * Interval joins, a right record within 5 s after a left one; two scenarios in one stream.
   *
   * <p>Keys a to d, no allowed lateness. a: left 1 at 10 s; rights w at 10 s and x at 15 s are on
   * the edges (they match), y at 15.001 s and v at 9.999 s just outside (unmatched). b: a left
   * alone. c: two lefts at 30 s and rights at 31 s and 32 s, four pairs; right z at 33 s comes once
   * the watermark has passed 50 s and is dropped, as is left d at 35 s. The rights come before
   * their lefts.
   *
   * <p>Keys e and f, an allowed lateness of 10 s: right x at 42 s, 8 s behind the watermark, still
   * meets left e at 41 s; right y at 43 s, 27 s behind, is dropped, and left f is emitted by the
   * left join once nothing can match it.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void intervalJoinsMatchOnTheEdgesOnlyAndEmitTheUnmatchedOnce(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    Sides sides =
        sides(
            p,
            Scenario.lines()
                .add(
                    List.of(
                        timed(15, "R a,x"),
                        timed(15.001, "R a,y"),
                        timed(9.999, "R a,v"),
                        timed(32, "R c,y")))
                .add(
                    List.of(
                        timed(10, "R a,w"),
                        timed(10, "L a,1"),
                        timed(20, "L b,1"),
                        timed(30, "L c,1"),
                        timed(30, "L c,2"),
                        timed(31, "R c,x"),
                        timed(41, "L e,1"),
                        timed(41, "L f,1")))
                .watermark(50)
                .add(List.of(timed(33, "R c,z"), timed(35, "L d,1"), timed(42, "R e,x")))
                .watermark(70)
                .add(43, "R f,y")
                .end());
    List<KV<String, KV<TimestampedValue<String>, TimestampedValue<String>>>> pairs =
        List.of(
            pair("a", "1", 10, "w", 10),
            pair("a", "1", 10, "x", 15),
            pair("c", "1", 30, "x", 31),
            pair("c", "1", 30, "y", 32),
            pair("c", "2", 30, "x", 31),
            pair("c", "2", 30, "y", 32));
    PCollectionList<String> rows = PCollectionList.empty(p);
    List<String> expected = new ArrayList<>();
    for (JoinType type : JoinType.values()) {
      List<KV<String, KV<TimestampedValue<String>, TimestampedValue<String>>>> rowsOfType =
          new ArrayList<>(pairs);
      if (type.keepsUnmatchedLeft()) {
        rowsOfType.add(pair("b", "1", 20, null, 0));
      }
      if (type.keepsUnmatchedRight()) {
        rowsOfType.add(pair("a", null, 0, "y", 15.001));
        rowsOfType.add(pair("a", null, 0, "v", 9.999));
      }
      rowsOfType.forEach(row -> expected.add(type + " " + row.getKey() + " " + row.getValue()));
      rows =
          rows.and(
              described(
                  type.name(),
                  "",
                  sides
                      .left()
                      .apply(
                          type + "Join",
                          IntervalJoin.<String, String, String>of(
                              sides.right(), FIVE, type, Duration.ZERO))
                      .apply(type + "AtoD", Filter.by(row -> row.getKey().compareTo("e") < 0))));
    }
    rows =
        rows.and(
            described(
                "late",
                "",
                sides
                    .left()
                    .apply(
                        "LateJoin",
                        IntervalJoin.<String, String, String>of(
                            sides.right(), FIVE, JoinType.LEFT, Duration.standardSeconds(10)))
                    .apply("EandF", Filter.by(row -> row.getKey().compareTo("e") >= 0))));
    for (var row : List.of(pair("e", "1", 41, "x", 42), pair("f", "1", 41, null, 0))) {
      expected.add("late " + row.getKey() + " " + row.getValue());
    }
    PAssert.that(rows.apply(Flatten.pCollections())).containsInAnyOrder(expected);
    runner.run(p);
  }

  private static List<String> sorted(List<String> values) {
    List<String> copy = new ArrayList<>(values);
    Collections.sort(copy);
    return copy;
  }
}
