package dev.streamstate.transforms.common;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Stamps each element with the event time its data carries (a replay line's first field, an
 * activity's {@code timestamp}), replacing the time the source gave it. An event time behind the
 * watermark makes the element late, which the windows downstream then handle explicitly.
 */
public final class EventTime<T> extends PTransform<PCollection<T>, PCollection<T>> {
  /** The earliest event time data may carry, the start of year 1. */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /** The end (exclusive) of the event times data may carry, the start of year 10000. */
  public static final Instant END = Instant.parse("10000-01-01T00:00:00Z");

  private final SerializableFunction<T, Instant> eventTime;

  private EventTime(SerializableFunction<T, Instant> eventTime) {
    this.eventTime = eventTime;
  }

  /** Stamps each element with {@code eventTime(element)}. */
  public static <T> EventTime<T> from(SerializableFunction<T, Instant> eventTime) {
    return new EventTime<>(eventTime);
  }

  /**
   * Whether data may carry this event time: years 1 to 9999. Far outside them an element cannot
   * even be stamped (Beam's limits lie near year ±290 000, and a window's end must fit too), and a
   * record there is broken, not early or late; parsers send it to the dead letters with this check
   * instead of letting it fail the stream.
   */
  public static boolean isSupported(Instant time) {
    return !time.isBefore(EARLIEST) && time.isBefore(END);
  }

  @Override
  public PCollection<T> expand(PCollection<T> elements) {
    return elements
        .apply("Stamp", ParDo.of(new StampFn<>(eventTime)))
        .setCoder(elements.getCoder());
  }

  private static final class StampFn<T> extends DoFn<T, T> {
    private final SerializableFunction<T, Instant> eventTime;

    StampFn(SerializableFunction<T, Instant> eventTime) {
      this.eventTime = eventTime;
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) {
      out.outputWithTimestamp(element, eventTime.apply(element));
    }

    // The data's own time may lie before the time the source stamped (a file's elements carry
    // none, a Kafka message's is when it was sent): any event time is valid here.
    @SuppressWarnings("deprecation")
    @Override
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }
}
