package dev.streamstate.pipelines.options;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.windows.EventTimeWindows;
import org.joda.time.Duration;

/** Event-time windows as the options describe them, checked with messages naming the option. */
public final class OptionWindows {
  private OptionWindows() {}

  /** Tumbling windows of {@code --batchSeconds}: one per micro-batch, as DStreams count. */
  public static EventTimeWindows batches(StreamStateOptions options) {
    return EventTimeWindows.fixed(Seconds.positive("batchSeconds", options.getBatchSeconds()))
        .withAllowedLateness(allowedLateness(options));
  }

  /**
   * Sliding windows of {@code --windowSeconds} every {@code --slideSeconds}; their sums kept per
   * slide in a ring per key where the runner has event-time timers.
   */
  public static EventTimeWindows sliding(WindowOptions options) {
    Duration size = Seconds.positive("windowSeconds", options.getWindowSeconds());
    Duration slide = Seconds.positive("slideSeconds", options.getSlideSeconds());
    EventTimeWindows windows;
    try {
      windows = EventTimeWindows.sliding(size, slide).withAllowedLateness(allowedLateness(options));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--windowSeconds and --slideSeconds: " + e.getMessage());
    }
    return SparkStreaming.hasEventTimeTimers(options) ? windows.withEventTimeTimers() : windows;
  }

  private static Duration allowedLateness(StreamStateOptions options) {
    return Seconds.nonNegative("allowedLatenessSeconds", options.getAllowedLatenessSeconds());
  }
}
