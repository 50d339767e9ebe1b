package dev.streamstate.testing;

import static dev.streamstate.testing.Scenario.window;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Mean;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Combines per key and window on every runner, where our runner combines a batch's values before
 * the shuffle and keeps one accumulator per key and window (combiner lifting): the same results,
 * panes and late corrections as a bag grouped and then combined, and no lifting where the trigger
 * counts elements. Every expectation is worked out by hand from the scenario.
 */
class CombineLiftingTest {
  private static final KvCoder<String, Long> KEYED =
      KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void aMeanPerKeyAndWindowTakesItsLateValuesIntoItsLatePane(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<KV<String, Double>> means =
        p.apply(
                Scenario.of(KEYED)
                    .add(1, KV.of("a", 2L), KV.of("a", 4L), KV.of("b", 10L))
                    .add(3, KV.of("a", 6L))
                    .add(12, KV.of("a", 100L)) // the next window's: not in these means
                    .watermark(10) // [0, 10) fires on time
                    .watermark(11) // Beam's Spark translation sees a watermark a batch late
                    .add(5, KV.of("a", 12L), KV.of("b", 20L)) // late, within the allowed lateness
                    .watermark(40)
                    .watermark(41)
                    .add(7, KV.of("a", 1000L)) // past the allowed lateness: dropped
                    .end())
            .apply(
                Window.<KV<String, Long>>into(FixedWindows.of(Duration.standardSeconds(10)))
                    .triggering(
                        AfterWatermark.pastEndOfWindow()
                            .withLateFirings(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(Duration.standardSeconds(20))
                    .accumulatingFiredPanes())
            .apply(Mean.perKey());

    PAssert.that(means)
        .inOnTimePane(window(0, 10))
        .containsInAnyOrder(KV.of("a", 4.0), KV.of("b", 10.0));
    // Accumulating: the late pane's mean takes the on-time values too.
    PAssert.that(means)
        .inLatePane(window(0, 10))
        .containsInAnyOrder(KV.of("a", 6.0), KV.of("b", 15.0));
    runner.run(p);
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void aTriggerThatCountsElementsSeesEveryElement(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<KV<String, Long>> sums =
        p.apply(
                Scenario.of(KEYED)
                    .add(1, KV.of("a", 1L), KV.of("a", 2L), KV.of("a", 4L))
                    .add(2, KV.of("a", 8L))
                    .watermark(10)
                    .end())
            .apply(
                Window.<KV<String, Long>>into(FixedWindows.of(Duration.standardSeconds(10)))
                    .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(3)))
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes())
            .apply(Combine.perKey(Sum.ofLongs()));

    // The first arrival's three elements fire a pane; the last element is left for the window's
    // end, where the on-time pane fires. Combined before the shuffle (on two partitions), the
    // first arrival would count as at most two elements and the panes would be 1 + 2 + 4 + 8
    // and an empty one.
    PAssert.that(sums).inWindow(window(0, 10)).containsInAnyOrder(KV.of("a", 7L), KV.of("a", 8L));
    runner.run(p);
  }
}
