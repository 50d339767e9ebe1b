package dev.streamstate.transforms.windows;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.NonMergingWindowFn;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.transforms.windowing.WindowMappingFn;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * How a windowed pipeline groups event time: window size, slide and how late data is treated, in
 * one value shared by every windowed transform.
 *
 * <p>Each window fires once when the watermark passes its end (the on-time pane, only if it has
 * data: an empty pane would be a zero nobody counted) and then once more for every late element
 * that arrives within the allowed lateness (late panes), so a result is corrected instead of lost.
 * Elements later than that are dropped by the runner and counted in its {@code
 * droppedDueToLateness} metric: the allowed lateness is the explicit bound on how long window state
 * is kept.
 */
public final class EventTimeWindows implements Serializable {
  private final Duration size;
  private final Duration period;
  private final Duration allowedLateness;
  private final boolean eventTimeTimers;

  private EventTimeWindows(
      Duration size, Duration period, Duration allowedLateness, boolean eventTimeTimers) {
    if (!size.isLongerThan(Duration.ZERO) || !period.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("window size and slide must be positive");
    }
    if (allowedLateness.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("allowed lateness must not be negative");
    }
    this.size = size;
    this.period = period;
    this.allowedLateness = allowedLateness;
    this.eventTimeTimers = eventTimeTimers;
  }

  /** Tumbling windows of {@code size}: every element in exactly one window. */
  public static EventTimeWindows fixed(Duration size) {
    return new EventTimeWindows(size, size, Duration.ZERO, false);
  }

  /**
   * Windows of {@code size} starting every {@code period} (Beam's {@link SlidingWindows}, offset
   * 0): overlapping where the size is longer than the period, with gaps between them where shorter.
   */
  public static EventTimeWindows sliding(Duration size, Duration period) {
    return new EventTimeWindows(size, period, Duration.ZERO, false);
  }

  /** The same windows, keeping each open for late data for {@code lateness} past its end. */
  public EventTimeWindows withAllowedLateness(Duration lateness) {
    return new EventTimeWindows(size, period, lateness, eventTimeTimers);
  }

  /**
   * The same windows, for a runner with event-time timers: sums over sliding windows then keep a
   * ring of slide sums per key (see {@link WindowedSums}) instead of an accumulator in every window
   * an element falls in. Beam's Spark runner has no event-time timers in streaming mode.
   */
  public EventTimeWindows withEventTimeTimers() {
    return new EventTimeWindows(size, period, allowedLateness, true);
  }

  public Duration size() {
    return size;
  }

  public Duration period() {
    return period;
  }

  public Duration allowedLateness() {
    return allowedLateness;
  }

  /**
   * Whether these windows are for a runner with event-time timers ({@link #withEventTimeTimers}).
   */
  boolean hasEventTimeTimers() {
    return eventTimeTimers;
  }

  public boolean isSliding() {
    return !size.equals(period);
  }

  /**
   * Whether each window is a whole number of slides, so that sums per slide add up to the window's.
   */
  public boolean isWholeSlides() {
    return size.getMillis() % period.getMillis() == 0;
  }

  /**
   * The window that groups results: fires on time, then once per late element; accumulating. Where
   * windows are shorter than their slide, an element in a gap between two windows belongs to none
   * and is dropped first (counted in {@code inNoWindow}), as Spark's {@code window()} drops it:
   * Beam's runners refuse an element that its window function gives no window.
   */
  public <T> PTransform<PCollection<T>, PCollection<T>> windowInto() {
    Window<T> window = this.<T>into(windowFn()).accumulatingFiredPanes();
    if (!size.isShorterThan(period)) {
      return window;
    }
    return PTransform.compose(
        "IntoWindows",
        (PCollection<T> elements) ->
            elements
                .apply("InSomeWindow", ParDo.of(new InSomeWindowFn<T>(size, period)))
                .setCoder(elements.getCoder())
                .apply("Window", window));
  }

  /** Keeps the elements that some window of {@code size} every {@code period} (offset 0) holds. */
  private static final class InSomeWindowFn<T> extends DoFn<T, T> {
    private final Counter inNoWindow = Metrics.counter(EventTimeWindows.class, "inNoWindow");
    private final long size;
    private final long period;

    InSomeWindowFn(Duration size, Duration period) {
      this.size = size.getMillis();
      this.period = period.getMillis();
    }

    @ProcessElement
    public void process(@Element T element, @Timestamp Instant time, OutputReceiver<T> out) {
      if (Math.floorMod(time.getMillis(), period) < size) {
        out.output(element);
      } else {
        inNoWindow.inc();
      }
    }
  }

  /**
   * The window of {@code size} that ends right after each element's timestamp, firing like {@link
   * #windowInto}: for results already summed per window and stamped with their window's last
   * instant ({@link SlideSumRing}), each back in its sliding window.
   */
  <T> Window<T> windowEndingAtTimestamp() {
    return this.<T>into(new EndingAtTimestamp(size)).accumulatingFiredPanes();
  }

  private <T> Window<T> into(WindowFn<? super T, IntervalWindow> windowFn) {
    return Window.<T>into(windowFn)
        .triggering(
            AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withAllowedLateness(allowedLateness)
        .withOnTimeBehavior(Window.OnTimeBehavior.FIRE_IF_NON_EMPTY);
  }

  private WindowFn<Object, IntervalWindow> windowFn() {
    return isSliding() ? SlidingWindows.of(size).every(period) : FixedWindows.of(size);
  }

  /** Assigns an element stamped {@code t} the window {@code [t + 1 ms - size, t + 1 ms)}. */
  private static final class EndingAtTimestamp extends NonMergingWindowFn<Object, IntervalWindow> {
    private final Duration size;

    EndingAtTimestamp(Duration size) {
      this.size = size;
    }

    @Override
    public Collection<IntervalWindow> assignWindows(AssignContext context) {
      Instant end = context.timestamp().plus(Duration.millis(1));
      return List.of(new IntervalWindow(end.minus(size), end));
    }

    @Override
    public boolean isCompatible(WindowFn<?, ?> other) {
      return equals(other);
    }

    @Override
    public Coder<IntervalWindow> windowCoder() {
      return IntervalWindow.getCoder();
    }

    @Override
    public WindowMappingFn<IntervalWindow> getDefaultWindowMappingFn() {
      throw new UnsupportedOperationException(
          "windows ending at each result's timestamp cannot be side inputs");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof EndingAtTimestamp that && size.equals(that.size);
    }

    @Override
    public int hashCode() {
      return size.hashCode();
    }
  }
}
