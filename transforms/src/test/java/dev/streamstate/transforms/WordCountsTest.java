package dev.streamstate.transforms;

import static dev.streamstate.testing.Scenario.window;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WordCountsTest {

  private static final EventTimeWindows TEN_SECONDS =
      EventTimeWindows.fixed(Duration.standardSeconds(10))
          .withAllowedLateness(Duration.standardSeconds(5));

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
  @EnumSource(TestRunner.class)
  void slidingCountsFollowEachWindow(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<KV<String, Long>> counts =
        p.apply(
                Scenario.lines()
                    .add(7, "x") // in [0,10) and [5,15)
                    .add(2, "x y") // in [-5,5) and [0,10)
                    .add(12, "y") // in [5,15) and [10,20)
                    .end())
            .apply(
                WordCounts.in(
                    EventTimeWindows.sliding(Duration.standardSeconds(10), Duration.standardSeconds(5))));

    PAssert.that(counts)
        .inWindow(window(-5, 5))
        .containsInAnyOrder(KV.of("x", 1L), KV.of("y", 1L));
    PAssert.that(counts)
        .inWindow(window(0, 10))
        .containsInAnyOrder(KV.of("x", 2L), KV.of("y", 1L));
    PAssert.that(counts)
        .inWindow(window(5, 15))
        .containsInAnyOrder(KV.of("x", 1L), KV.of("y", 1L));
    PAssert.that(counts).inWindow(window(10, 20)).containsInAnyOrder(KV.of("y", 1L));
    runner.run(p);
  }
}
