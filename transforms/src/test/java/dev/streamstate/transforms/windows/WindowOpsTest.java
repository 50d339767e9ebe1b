package dev.streamstate.transforms.windows;

import static dev.streamstate.testing.Scenario.timed;
import static dev.streamstate.testing.Scenario.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.common.DeadLetter;
import java.math.BigDecimal;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class WindowOpsTest {

  private static final EventTimeWindows TEN_EVERY_FIVE =
      EventTimeWindows.sliding(Duration.standardSeconds(10), Duration.standardSeconds(5))
          .withAllowedLateness(Duration.standardSeconds(10));

  @ParameterizedTest
  @MethodSource("dev.streamstate.transforms.windows.SlideSums#onEveryRunner")
  void countsLinesAndValuesPerWindow(TestRunner runner, SlideSums sums) {
    EventTimeWindows windows = sums.of(TEN_EVERY_FIVE);
    Pipeline p = runner.newPipeline();
    PCollection<String> lines =
        p.apply(
            Scenario.lines()
                .add(6, "error disk")
                .add(1, "ok")
                .add(5, "ok") // on the slide boundary: [0,10) and [5,15)
                .watermark(16) // [0,10) and [5,15) fire on time
                .watermark(17)
                .add(7, "ok") // late into [0,10) and [5,15)
                .end());

    PCollection<Long> lineCounts = lines.apply(WindowOps.countByWindow(windows));
    PCollection<KV<String, Long>> valueCounts =
        lines.apply(WindowOps.countByValueAndWindow(windows));

    PAssert.that(lineCounts).inWindow(window(-5, 5)).containsInAnyOrder(1L);
    PAssert.that(lineCounts).inOnTimePane(window(0, 10)).containsInAnyOrder(3L);
    PAssert.that(lineCounts).inLatePane(window(0, 10)).containsInAnyOrder(4L);
    PAssert.that(lineCounts).inOnTimePane(window(5, 15)).containsInAnyOrder(2L);
    PAssert.that(lineCounts).inLatePane(window(5, 15)).containsInAnyOrder(3L);
    PAssert.that(valueCounts)
        .inOnTimePane(window(0, 10))
        .containsInAnyOrder(KV.of("ok", 2L), KV.of("error disk", 1L));
    PAssert.that(valueCounts).inLatePane(window(0, 10)).containsInAnyOrder(KV.of("ok", 3L));
    runner.run(p);
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void sumsNumbersPerWindowAndPerKeyExactly(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<String> lines =
        p.apply(
            Scenario.lines()
                .add(2, "0.1", "x 0.1")
                .add(3, "0.2", "x 0.2", "y -1")
                .add(4, "NaN", "x", "y 1e309x")
                .end());

    WithFailures.Result<PCollection<BigDecimal>, DeadLetter> numbers =
        lines.apply(WindowOps.parseNumbers());
    WithFailures.Result<PCollection<KV<String, BigDecimal>>, DeadLetter> keyed =
        lines.apply(WindowOps.parseKeyValues());
    PCollection<BigDecimal> sums = numbers.output().apply(WindowOps.reduceByWindow(TEN_EVERY_FIVE));
    PCollection<KV<String, BigDecimal>> keySums =
        keyed.output().apply(WindowOps.reduceByKeyAndWindow(TEN_EVERY_FIVE));

    // Exact decimals: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
    PAssert.that(sums).inWindow(window(0, 10)).containsInAnyOrder(new BigDecimal("0.3"));
    PAssert.that(keySums)
        .inWindow(window(-5, 5))
        .containsInAnyOrder(KV.of("x", new BigDecimal("0.3")), KV.of("y", new BigDecimal("-1")));
    PAssert.that(numbers.failures())
        .containsInAnyOrder(
            new DeadLetter("x 0.1", "not a decimal number: 'x 0.1'"),
            new DeadLetter("x 0.2", "not a decimal number: 'x 0.2'"),
            new DeadLetter("y -1", "not a decimal number: 'y -1'"),
            new DeadLetter("NaN", "not a decimal number: 'NaN'"),
            new DeadLetter("x", "not a decimal number: 'x'"),
            new DeadLetter("y 1e309x", "not a decimal number: 'y 1e309x'"));
    PAssert.that(keyed.failures())
        .containsInAnyOrder(
            new DeadLetter("0.1", "expected '<key> <number>', got 1 fields"),
            new DeadLetter("0.2", "expected '<key> <number>', got 1 fields"),
            new DeadLetter("NaN", "expected '<key> <number>', got 1 fields"),
            new DeadLetter("x", "expected '<key> <number>', got 1 fields"),
            new DeadLetter("y 1e309x", "not a decimal number: '1e309x'"));
    runner.run(p);
  }

  /**
   * A window that is not a whole number of slides, as Spark's {@code window(2 s, 3 s)} and Beam's
   * {@code SlidingWindows} allow: [0, 2), [3, 5), … with gaps between them (a line in a gap is in
   * no window), and 5 s every 3 s, overlapping unevenly. The slide-sum shortcut cannot add such
   * windows up from slides, so these go through plain sliding windows.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void windowsThatAreNotWholeSlidesWork(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<String> lines =
        p.apply(
            Scenario.lines()
                .add(
                    List.of(
                        timed(1, "a"), timed(2.5, "in the gap"), timed(3.5, "b"), timed(4, "c")))
                .end());
    PAssert.that(
            lines.apply(
                "TwoEveryThree",
                WindowOps.countByWindow(
                    EventTimeWindows.sliding(
                        Duration.standardSeconds(2), Duration.standardSeconds(3)))))
        .containsInAnyOrder(1L, 2L); // [0, 2) and [3, 5); 2.5 s is in neither
    PAssert.that(
            lines.apply(
                "FiveEveryThree",
                WindowOps.countByWindow(
                    EventTimeWindows.sliding(
                        Duration.standardSeconds(5), Duration.standardSeconds(3)))))
        .containsInAnyOrder(1L, 4L, 2L); // [-3, 2), [0, 5) and [3, 8)
    runner.run(p);
  }

  @Test
  void boundsNumbersSoThatEverySumStaysCheap() {
    // 1e999999999 parses to a few bytes, but a sum with it needs a billion digits (or overflows).
    assertEquals(
        "number out of range: at most 1000 digits before and after the decimal point, got '1e999999999'",
        assertThrows(IllegalArgumentException.class, () -> WindowOps.parseNumber("1e999999999"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> WindowOps.parseNumber("1e-1001"));
    // A megabyte of digits took minutes to parse: it is refused before parsing.
    assertEquals(
        "number too long: 1000000 characters, at most 1000 digits before and after the decimal point",
        assertThrows(
                IllegalArgumentException.class, () -> WindowOps.parseNumber("7".repeat(1_000_000)))
            .getMessage());
    assertEquals(new BigDecimal("1e309"), WindowOps.parseNumber("1e309"));
    assertEquals(new BigDecimal("-0.001"), WindowOps.parseNumber(" -1e-3 "));
  }
}
