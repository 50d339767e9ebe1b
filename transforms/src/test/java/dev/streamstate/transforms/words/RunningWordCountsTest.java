package dev.streamstate.transforms.words;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.running.RunningTotal;
import dev.streamstate.transforms.running.RunningTotals;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RunningWordCountsTest {

  private static final Map<String, Long> SEED_STATE = Map.of("dummy", 100L, "source", 32L);

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void countsFromInitialStateAndEmitsEveryUpdate(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<RunningTotal> counts =
        p.apply(
                Scenario.lines()
                    .add(5, "source a")
                    .add(2, "a") // out of order: running counts follow arrival
                    .watermark(10)
                    .add(1, "source") // behind the watermark: state has no windows to be late for
                    .end())
            .apply(RunningWordCounts.with(RunningTotals.perKey().withInitialTotals(SEED_STATE)));

    // "dummy" is only initial state: like mapWithState, nothing is emitted for it.
    PAssert.that(counts)
        .containsInAnyOrder(
            RunningTotal.updated("source", 33),
            RunningTotal.updated("a", 1),
            RunningTotal.updated("a", 2),
            RunningTotal.updated("source", 34));
    runner.run(p);
  }

  /** Processing-time behaviour: the Spark runner cannot advance a TestStream's processing time. */
  @Test
  void dropsIdleWordsAfterTheTimeoutAndStartsThemAgainFromZero() {
    TestRunner runner = TestRunner.DIRECT;
    Pipeline p = runner.newPipeline();
    PCollection<RunningTotal> counts =
        p.apply(
                Scenario.lines()
                    .add(1, "source a")
                    .processingTime(Duration.standardSeconds(40))
                    .add(2, "a") // a's timeout restarts; source stays idle
                    .processingTime(Duration.standardSeconds(40)) // source and dummy idle 80 s
                    .add(3, "source") // a new life: initial state is not applied again
                    .processingTime(Duration.standardSeconds(30)) // a idle 70 s
                    .end())
            .apply(
                RunningWordCounts.with(
                    RunningTotals.perKey()
                        .withInitialTotals(SEED_STATE)
                        .withIdleTimeout(Duration.standardSeconds(60))));

    PAssert.that(counts)
        .containsInAnyOrder(
            RunningTotal.updated("source", 33),
            RunningTotal.updated("a", 1),
            RunningTotal.updated("a", 2),
            RunningTotal.timedOut("dummy", 100),
            RunningTotal.timedOut("source", 33),
            RunningTotal.updated("source", 1),
            RunningTotal.timedOut("a", 2));
    runner.run(p);
  }

  /**
   * The same timeout in event time: a word whose last update the watermark has passed by the
   * timeout is emitted once and starts again from zero; initial totals have no event time and never
   * time out on their own.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void dropsWordsTheWatermarkLeftIdleForTheTimeoutInEventTime(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<RunningTotal> counts =
        p.apply(
                Scenario.lines()
                    .add(1, "a b") // a and b expire at 11 s
                    .add(2, "source") // expires at 12 s
                    .add(5, "a") // a now expires at 15 s
                    .watermark(14)
                    .watermark(14.5) // (Spark sees a watermark one micro-batch late)
                    .add(14.6, "a b") // a goes on; a new life for b
                    .end()) // a and b expire
            .apply(
                RunningWordCounts.with(
                    RunningTotals.perKey()
                        .withInitialTotals(SEED_STATE)
                        .withEventTimeTimeout(Duration.standardSeconds(10))));

    PAssert.that(counts)
        .containsInAnyOrder(
            RunningTotal.updated("a", 1),
            RunningTotal.updated("b", 1),
            RunningTotal.updated("source", 33),
            RunningTotal.updated("a", 2),
            RunningTotal.timedOut("b", 1),
            RunningTotal.timedOut("source", 33),
            RunningTotal.updated("a", 3),
            RunningTotal.updated("b", 1),
            RunningTotal.timedOut("a", 3),
            RunningTotal.timedOut("b", 1));
    runner.run(p);
  }
}
