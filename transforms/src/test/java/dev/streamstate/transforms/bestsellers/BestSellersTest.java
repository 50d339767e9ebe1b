package dev.streamstate.transforms.bestsellers;

import static dev.streamstate.testing.Scenario.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.windows.EventTimeWindows;
import dev.streamstate.transforms.windows.SlideSums;
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

class BestSellersTest {

  private static final EventTimeWindows TWENTY_EVERY_TEN =
      EventTimeWindows.sliding(Duration.standardSeconds(20), Duration.standardSeconds(10))
          .withAllowedLateness(Duration.standardSeconds(30));

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void allTimeBestSellerFollowsRunningTotals(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<KV<String, Long>> best =
        p.apply(
                Scenario.lines()
                    .add(1, "pen,2")
                    .add(2, "book,2") // a tie: book wins on its name
                    .add(3, "pen,1") // pen leads
                    .add(4, "book,1") // tie again: book
                    .add(5, "ink,1") // changes nothing
                    .end())
            .apply(BestSellers.parseSales())
            .output()
            .apply(BestSellers.allTime());

    PAssert.that(best)
        .containsInAnyOrder(
            KV.of("pen", 2L), KV.of("book", 2L), KV.of("pen", 3L), KV.of("book", 3L));
    runner.run(p);
  }

  @Test
  void parsesSalesStrictly() {
    assertEquals(KV.of("pen", 3L), BestSellers.parseSale(" pen , 3 "));
    assertEquals(
        "expected 'product,quantity', got 3 field(s)",
        assertThrows(IllegalArgumentException.class, () -> BestSellers.parseSale("a,1,2"))
            .getMessage());
    assertEquals(
        "quantity is not a whole number: '1.5'",
        assertThrows(IllegalArgumentException.class, () -> BestSellers.parseSale("a,1.5"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> BestSellers.parseSale(",1"));
    assertThrows(IllegalArgumentException.class, () -> BestSellers.parseSale("a,0"));
    // Two sales of 2^62 would overflow a long total into a negative best seller.
    assertEquals(
        "quantity must be at most 1000000000, got 4611686018427387904",
        assertThrows(
                IllegalArgumentException.class,
                () -> BestSellers.parseSale("a,4611686018427387904"))
            .getMessage());
    assertEquals(KV.of("a", 1_000_000_000L), BestSellers.parseSale("a,1000000000"));
  }

  @ParameterizedTest
  @MethodSource("dev.streamstate.transforms.windows.SlideSums#onEveryRunner")
  void bestSellerPerSlidingWindowWithTiesAndLateSales(TestRunner runner, SlideSums sums) {
    EventTimeWindows windows = sums.of(TWENTY_EVERY_TEN);
    Pipeline p = runner.newPipeline();
    WithFailures.Result<PCollection<KV<String, Long>>, DeadLetter> sales =
        p.apply(
                Scenario.lines()
                    .add(12, "pen,3")
                    .add(5, "book,2", "ink,-1") // out of order; a bad quantity
                    .add(15, "book,1") // book ties pen at 3 in [0,20) and [10,30)
                    .watermark(31) // [0,20) and [10,30) fire on time
                    .watermark(32)
                    .add(25, "pen,1") // late: pen leads [10,30) again
                    .end())
            .apply(BestSellers.parseSales());
    PCollection<KV<String, Long>> best = sales.output().apply(BestSellers.overWindows(windows));

    PAssert.that(best).inWindow(window(-10, 10)).containsInAnyOrder(KV.of("book", 2L));
    PAssert.that(best).inOnTimePane(window(0, 20)).containsInAnyOrder(KV.of("book", 3L));
    PAssert.that(best).inOnTimePane(window(10, 30)).containsInAnyOrder(KV.of("pen", 3L));
    PAssert.that(best).inLatePane(window(10, 30)).containsInAnyOrder(KV.of("pen", 4L));
    PAssert.that(best).inWindow(window(20, 40)).containsInAnyOrder(KV.of("pen", 1L));
    PAssert.that(sales.failures())
        .containsInAnyOrder(new DeadLetter("ink,-1", "quantity must be positive, got -1"));
    runner.run(p);
  }
}
