package dev.streamstate.transforms.windows;

import dev.streamstate.testing.TestRunner;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The two ways {@link WindowedSums} sums sliding windows, for the tests that expect the same
 * results from both:
 * {@code @MethodSource("dev.streamstate.transforms.windows.SlideSums#onEveryRunner")}.
 */
public enum SlideSums {
  /** In Beam's sliding windows, every runner. */
  IN_SLIDING_WINDOWS {
    @Override
    public EventTimeWindows of(EventTimeWindows windows) {
      return windows;
    }
  },
  /**
   * In a ring per key ({@link SlideSumRing}), on the runners with event-time timers only, where the
   * pipelines choose it: Beam's Spark runner has none in streaming, and it accepts the ring's timer
   * family without ever firing it.
   */
  IN_A_RING {
    @Override
    public EventTimeWindows of(EventTimeWindows windows) {
      return windows.withEventTimeTimers();
    }
  };

  /** The windows, summed this way. */
  public abstract EventTimeWindows of(EventTimeWindows windows);

  /** Every runner with each way it can sum. */
  public static Stream<Arguments> onEveryRunner() {
    return Arrays.stream(TestRunner.values())
        .flatMap(
            runner ->
                Arrays.stream(values())
                    .filter(sums -> sums == IN_SLIDING_WINDOWS || runner.hasEventTimeTimers())
                    .map(sums -> Arguments.of(runner, sums)));
  }
}
