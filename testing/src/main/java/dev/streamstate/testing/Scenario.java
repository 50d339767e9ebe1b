package dev.streamstate.testing;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Builds {@link TestStream} scenarios on a readable clock: every time is whole seconds after {@link
 * #T0}, so a test reads "line at 3 s, watermark to 10 s, late line at 4 s" and its windows are
 * {@code window(0, 10)}.
 */
public final class Scenario<T> {
  /** The origin of every scenario's event time. */
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000Z");

  private TestStream.Builder<T> stream;

  private Scenario(Coder<T> coder) {
    this.stream = TestStream.create(coder).advanceWatermarkTo(T0);
  }

  /** A scenario of text payloads. */
  public static Scenario<String> lines() {
    return new Scenario<>(StringUtf8Coder.of());
  }

  /** A scenario of elements encoded with {@code coder}. */
  public static <T> Scenario<T> of(Coder<T> coder) {
    return new Scenario<>(coder);
  }

  /** The instant {@code seconds} after {@link #T0}. */
  public static Instant at(double seconds) {
    return T0.plus(Duration.millis(Math.round(seconds * 1000)));
  }

  /** The event-time window [from, to) in seconds after {@link #T0}. */
  public static IntervalWindow window(double fromSeconds, double toSeconds) {
    return new IntervalWindow(at(fromSeconds), at(toSeconds));
  }

  /** Adds elements, all with event time {@code seconds}, as one arrival (one Spark micro-batch). */
  @SafeVarargs
  public final Scenario<T> add(double seconds, T first, T... more) {
    @SuppressWarnings("unchecked")
    TimestampedValue<T>[] rest = new TimestampedValue[more.length];
    for (int i = 0; i < more.length; i++) {
      rest[i] = TimestampedValue.of(more[i], at(seconds));
    }
    stream = stream.addElements(TimestampedValue.of(first, at(seconds)), rest);
    return this;
  }

  /** An element at event time {@code seconds}, for {@link #add(List)}. */
  public static <T> TimestampedValue<T> timed(double seconds, T element) {
    return TimestampedValue.of(element, at(seconds));
  }

  /**
   * Adds elements with event times of their own as one arrival (one Spark micro-batch), so that a
   * scenario needs few micro-batches.
   */
  public Scenario<T> add(List<TimestampedValue<T>> elements) {
    @SuppressWarnings("unchecked")
    TimestampedValue<T>[] rest =
        elements.subList(1, elements.size()).toArray(new TimestampedValue[0]);
    stream = stream.addElements(elements.get(0), rest);
    return this;
  }

  /** Moves the watermark to {@code seconds}: later elements before it are late. */
  public Scenario<T> watermark(double seconds) {
    stream = stream.advanceWatermarkTo(at(seconds));
    return this;
  }

  /** Moves processing time forward (DirectRunner only: the Spark runner cannot). */
  public Scenario<T> processingTime(Duration by) {
    stream = stream.advanceProcessingTime(by);
    return this;
  }

  /** Ends the stream: the watermark goes to infinity and every window fires. */
  public TestStream<T> end() {
    return stream.advanceWatermarkToInfinity();
  }
}
