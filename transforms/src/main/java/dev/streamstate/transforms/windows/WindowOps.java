package dev.streamstate.transforms.windows;

import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.Ones;
import dev.streamstate.transforms.common.ParseOrDeadLetter;
import dev.streamstate.transforms.common.Reasons;
import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The DStream window operations in event time, all on {@link WindowedSums}: {@code countByWindow},
 * {@code countByValueAndWindow}, {@code reduceByWindow} (sum) and {@code reduceByKeyAndWindow} (sum
 * per key). Numbers are exact decimals; unparsable lines go to the dead letters.
 */
public final class WindowOps {
  /** Compiled once: {@code String.split} with a regular expression compiles it on every call. */
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private WindowOps() {}

  /** How many elements fall in each window (windows without elements produce nothing). */
  public static <T> PTransform<PCollection<T>, PCollection<Long>> countByWindow(
      EventTimeWindows windows) {
    return PTransform.compose(
        "CountByWindow",
        elements ->
            elements
                .apply("One", MapElements.into(TypeDescriptors.longs()).via(e -> 1L))
                .apply("Count", WindowedSums.globally(windows, Long::sum)));
  }

  /** How often each distinct value occurs in each window. */
  public static <T> PTransform<PCollection<T>, PCollection<KV<T, Long>>> countByValueAndWindow(
      EventTimeWindows windows) {
    return PTransform.compose(
        "CountByValueAndWindow",
        (PCollection<T> elements) ->
            elements
                .apply("Ones", Ones.perElement())
                .apply("Sum", WindowedSums.perKey(windows, Long::sum)));
  }

  /** The sum of the numbers in each window. */
  public static PTransform<PCollection<BigDecimal>, PCollection<BigDecimal>> reduceByWindow(
      EventTimeWindows windows) {
    return PTransform.compose(
        "ReduceByWindow",
        numbers -> numbers.apply("Sum", WindowedSums.globally(windows, BigDecimal::add)));
  }

  /** The sum of the numbers of each key in each window. */
  public static PTransform<PCollection<KV<String, BigDecimal>>, PCollection<KV<String, BigDecimal>>>
      reduceByKeyAndWindow(EventTimeWindows windows) {
    return WindowedSums.perKey(windows, BigDecimal::add);
  }

  /** Parses one decimal number a line, e.g. {@code 42} or {@code -3.25}. */
  public static PTransform<
          PCollection<String>, WithFailures.Result<PCollection<BigDecimal>, DeadLetter>>
      parseNumbers() {
    return ParseOrDeadLetter.with(WindowOps::parseNumber, BigDecimalCoder.of());
  }

  /** Parses {@code key value} lines: a key, whitespace, then a decimal number. */
  public static PTransform<
          PCollection<String>, WithFailures.Result<PCollection<KV<String, BigDecimal>>, DeadLetter>>
      parseKeyValues() {
    return ParseOrDeadLetter.with(
        WindowOps::parseKeyValue, KvCoder.of(StringUtf8Coder.of(), BigDecimalCoder.of()));
  }

  /**
   * Numbers are summed exactly, so their size is bounded: {@code 1e999999999} parses to a few
   * bytes, but a sum with it needs a billion digits and failed the stream, and parsing a megabyte
   * of digits takes minutes. Beyond the bound a number is a dead letter, not a stalled stream.
   */
  static final int MAX_DIGITS = 1000;

  static BigDecimal parseNumber(String text) {
    String trimmed = text.trim();
    if (trimmed.length() > 2 * MAX_DIGITS + 10) { // digits, sign, point and a short exponent
      throw new IllegalArgumentException(
          "number too long: "
              + trimmed.length()
              + " characters, at most "
              + MAX_DIGITS
              + " digits before and after the decimal point");
    }
    BigDecimal number;
    try {
      number = new BigDecimal(trimmed);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a decimal number: " + Reasons.quote(trimmed));
    }
    if (number.precision() - number.scale() > MAX_DIGITS || number.scale() > MAX_DIGITS) {
      throw new IllegalArgumentException(
          "number out of range: at most "
              + MAX_DIGITS
              + " digits before and after the decimal point, got "
              + Reasons.quote(trimmed));
    }
    return number;
  }

  static KV<String, BigDecimal> parseKeyValue(String line) {
    String[] fields = WHITESPACE.split(line.trim());
    if (fields.length != 2 || fields[0].isEmpty()) {
      throw new IllegalArgumentException(
          "expected '<key> <number>', got " + fields.length + " fields");
    }
    return KV.of(fields[0], parseNumber(fields[1]));
  }
}
