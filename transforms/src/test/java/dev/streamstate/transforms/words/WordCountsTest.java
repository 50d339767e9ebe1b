package dev.streamstate.transforms.words;

import static dev.streamstate.testing.Scenario.window;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.windows.EventTimeWindows;
import dev.streamstate.transforms.windows.SlideSums;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class WordCountsTest {

  private static final EventTimeWindows TEN_SECONDS =
      EventTimeWindows.fixed(Duration.standardSeconds(10))
          .withAllowedLateness(Duration.standardSeconds(5));
  private static final EventTimeWindows TEN_EVERY_FIVE =
      EventTimeWindows.sliding(Duration.standardSeconds(10), Duration.standardSeconds(5));
  private static final EventTimeWindows TEN_EVERY_FIVE_LATE =
      TEN_EVERY_FIVE.withAllowedLateness(Duration.standardSeconds(10));

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void countsWordsPerWindowWithLateCorrectionsAndDrops(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(
                Scenario.lines()
                    .add(3, "a b")
                    .add(1, "a  ") // out of order, blanks dropped
                    .add(9.999, "B") // last instant of the window; case kept
                    .add(10, "b") // exactly on the boundary: next window
                    .watermark(12) // [0, 10) fires on time
                    .watermark(13)
                    .add(4, "a") // late, within 5 s of allowed lateness
                    .watermark(16) // [0, 10) expires at 15
                    .watermark(17)
                    .add(5, "c") // too late: dropped
                    .end())
            .apply(WordCounts.in(TEN_SECONDS));

    PAssert.that(counts)
        .inOnTimePane(window(0, 10))
        .containsInAnyOrder(KV.of("a", 2L), KV.of("b", 1L), KV.of("B", 1L));
    PAssert.that(counts).inLatePane(window(0, 10)).containsInAnyOrder(KV.of("a", 3L));
    PAssert.that(counts).inWindow(window(10, 20)).containsInAnyOrder(KV.of("b", 1L));
    PipelineResult result = runner.run(p);
    // Beam's Spark translation counts drops in a metrics container of its own that it never
    // reports; the DirectRunner and ours report them.
    assertEquals(
        runner == TestRunner.SPARK ? 0 : 1,
        TestRunner.counter(result, "DroppedDueToLateness"),
        "records dropped as too late, in the runner's DroppedDueToLateness metric");
  }

  @ParameterizedTest
  @MethodSource("dev.streamstate.transforms.windows.SlideSums#onEveryRunner")
  void slidingCountsFollowEachWindow(TestRunner runner, SlideSums sums) {
    EventTimeWindows windows = sums.of(TEN_EVERY_FIVE);
    Pipeline p = runner.newPipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(
                Scenario.lines()
                    .add(7, "x") // in [0,10) and [5,15)
                    .add(2, "x y") // in [-5,5) and [0,10)
                    .add(12, "y") // in [5,15) and [10,20)
                    .end())
            .apply(WordCounts.in(windows));

    PAssert.that(counts).inWindow(window(-5, 5)).containsInAnyOrder(KV.of("x", 1L), KV.of("y", 1L));
    PAssert.that(counts).inWindow(window(0, 10)).containsInAnyOrder(KV.of("x", 2L), KV.of("y", 1L));
    PAssert.that(counts).inWindow(window(5, 15)).containsInAnyOrder(KV.of("x", 1L), KV.of("y", 1L));
    PAssert.that(counts).inWindow(window(10, 20)).containsInAnyOrder(KV.of("y", 1L));
    runner.run(p);
  }

  /**
   * Late records in sliding windows (10 s every 5 s, 10 s of allowed lateness): a late record
   * corrects every window it falls in, on-time panes and late panes apart, whether its windows
   * fired already, are still to fire, or both; each of its windows keeps it or drops it by that
   * window's own end. Worked out by hand from Beam's window semantics; the same in a ring of slide
   * sums, where a late record is forwarded to the windows that fired, kept for the others, or both.
   */
  @ParameterizedTest
  @MethodSource("dev.streamstate.transforms.windows.SlideSums#onEveryRunner")
  void lateRecordsCorrectEverySlidingWindowTheyFallIn(TestRunner runner, SlideSums sums) {
    EventTimeWindows windows = sums.of(TEN_EVERY_FIVE_LATE);
    Pipeline p = runner.newPipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(
                Scenario.lines()
                    .add(1, "a b")
                    .add(6, "a")
                    .add(11, "a")
                    .watermark(7) // [-5,5) fires on time
                    .watermark(8) // (a batch more on Spark, for every stage to see the watermark)
                    .add(3, "a") // late for [-5,5), on time for [0,10)
                    .watermark(16) // [0,10) and [5,15) fire on time
                    .watermark(17)
                    // Too late for [-5,5), open until 15 s: dropped there; [0,10), open until
                    // 20 s, counts it.
                    .add(4, "a")
                    .add(9, "a") // late for [0,10) and [5,15), both fired
                    .add(8, "b") // late for [0,10), fired, and [5,15), which b had no record in
                    .end())
            .apply(WordCounts.in(windows));

    PAssert.that(counts)
        .inOnTimePane(window(-5, 5))
        .containsInAnyOrder(KV.of("a", 1L), KV.of("b", 1L));
    PAssert.that(counts).inLatePane(window(-5, 5)).containsInAnyOrder(KV.of("a", 2L));
    PAssert.that(counts)
        .inOnTimePane(window(0, 10))
        .containsInAnyOrder(KV.of("a", 3L), KV.of("b", 1L));
    // a's two late records may come in one late pane or two: a runner's choice.
    PAssert.that(counts)
        .inLatePane(window(0, 10))
        .satisfies(lastOfEachKey(Map.of("a", 5L, "b", 2L)));
    // b's first pane in [5,15) is late on the DirectRunner; on Spark its record reaches the
    // window's stage before that stage's watermark passes 15 s, and the pane is on time.
    PAssert.that(counts)
        .inWindow(window(5, 15))
        .containsInAnyOrder(KV.of("a", 2L), KV.of("a", 3L), KV.of("b", 1L));
    PAssert.that(counts).inOnTimePane(window(10, 20)).containsInAnyOrder(KV.of("a", 1L));
    PipelineResult result = runner.run(p);
    assertEquals(
        runner == TestRunner.SPARK ? 0 : 1,
        TestRunner.counter(result, "DroppedDueToLateness"),
        "records dropped as too late, in the runner's DroppedDueToLateness metric");
  }

  /**
   * Checks accumulating panes by the count each key reached last (its largest), whatever panes the
   * runner fired on the way.
   */
  private static SerializableFunction<Iterable<KV<String, Long>>, Void> lastOfEachKey(
      Map<String, Long> expected) {
    return panes -> {
      Map<String, Long> last = new HashMap<>();
      panes.forEach(pane -> last.merge(pane.getKey(), pane.getValue(), Math::max));
      assertEquals(expected, last, "each key's count in its last pane");
      return null;
    };
  }
}
