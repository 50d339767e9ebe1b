package dev.streamstate.transforms.common;

import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TimestampedValue.TimestampedValueCoder;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.joda.time.format.DateTimeFormatter;
import org.joda.time.format.ISODateTimeFormat;

/**
 * Reads the replay format: {@code <event time, ISO-8601 UTC>TAB<payload>} a line. The payload is
 * exactly what the Kafka message value would be, and its element timestamp becomes the event time
 * in the first field, so a replayed stream is windowed exactly as the live one.
 */
public final class ReplayLines
    extends PTransform<PCollection<String>, WithFailures.Result<PCollection<String>, DeadLetter>> {

  private static final DateTimeFormatter ISO_UTC = ISODateTimeFormat.dateTimeParser().withZoneUTC();

  private ReplayLines() {}

  /** Parses replay lines into payloads stamped with their event time. */
  public static ReplayLines parse() {
    return new ReplayLines();
  }

  @Override
  public WithFailures.Result<PCollection<String>, DeadLetter> expand(PCollection<String> lines) {
    WithFailures.Result<PCollection<TimestampedValue<String>>, DeadLetter> parsed =
        lines.apply(
            "ParseReplayLine",
            ParseOrDeadLetter.with(
                ReplayLines::parseLine, TimestampedValueCoder.of(StringUtf8Coder.of())));
    PCollection<String> payloads =
        parsed
            .output()
            .apply("UseEventTime", EventTime.from(TimestampedValue::getTimestamp))
            .apply(
                "Payloads",
                MapElements.into(TypeDescriptors.strings()).via(TimestampedValue::getValue));
    return WithFailures.Result.of(payloads, parsed.failures());
  }

  /** Splits one replay line; throws {@link IllegalArgumentException} saying what is wrong. */
  public static TimestampedValue<String> parseLine(String line) {
    int tab = line.indexOf('\t');
    if (tab < 0) {
      throw new IllegalArgumentException(
          "replay line has no TAB: expected <ISO-8601 event time>TAB<payload>");
    }
    String time = line.substring(0, tab).trim();
    Instant eventTime;
    try {
      eventTime = ISO_UTC.parseDateTime(time).toInstant();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "replay line has no valid event time: "
              + Reasons.quote(time)
              + " is not ISO-8601, e.g. 2026-01-01T00:00:03.000Z");
    }
    if (!EventTime.isSupported(eventTime)) {
      throw new IllegalArgumentException(
          "replay line has no valid event time: "
              + Reasons.quote(time)
              + " is outside the years 0001 to 9999");
    }
    return TimestampedValue.of(line.substring(tab + 1), eventTime);
  }

  /** Formats one replay line, the inverse of {@link #parseLine}. */
  public static String formatLine(Instant eventTime, String payload) {
    return eventTime + "\t" + payload;
  }
}
