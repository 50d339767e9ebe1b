package dev.streamstate.runners.counting;

import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * What {@code GenerateSequence.from(start).withRate(n, period)} reads, as numbers due by a time:
 * {@code n} numbers a period, {@code start}, {@code start + stride}, …; the {@code k}-th number is
 * due {@code k / n} periods after the read started, as Beam's own reader counts.
 *
 * <p>Timestamps: those of the sequence's {@code withTimestampFn}, with the watermark at the last
 * number's, as on Beam's reader. A sequence without one is stamped, on Beam's reader, with the time
 * each number is read; here each number gets the time it was due instead: at most a batch interval
 * earlier, and the same when a batch is recomputed after a crash, so a number lands in the window
 * it landed in the first time. Its watermark after a batch is the batch's time, before which every
 * number due has been read.
 *
 * <p>Why reflection: Beam 2.70's unbounded counting source is package-private; its fields are read
 * here. If a Beam upgrade changes them, this fails at translation with one line saying so.
 */
record Sequence(
    long start,
    long stride,
    long elementsPerPeriod,
    long periodMillis,
    SerializableFunction<Long, Instant> timestampFn,
    boolean stampedWhenDue)
    implements Serializable {

  private static final String SOURCE =
      "org.apache.beam.sdk.io.CountingSource$UnboundedCountingSource";

  /** The timestamps of a sequence without {@code withTimestampFn}: the time a number is read. */
  private static final String READ_TIME = "org.apache.beam.sdk.io.CountingSource$NowTimestampFn";

  /**
   * The sequence {@code source} reads, if it is {@code GenerateSequence}'s with a rate; a sequence
   * without one is read as fast as it can be, which no batch time fixes.
   */
  static Optional<Sequence> of(UnboundedSource<?, ?> source) {
    if (!source.getClass().getName().equals(SOURCE)) {
      return Optional.empty();
    }
    try {
      @SuppressWarnings("unchecked")
      Sequence sequence =
          new Sequence(
              (long) field(source, "start"),
              (long) field(source, "stride"),
              (long) field(source, "elementsPerPeriod"),
              ((Duration) field(source, "period")).getMillis(),
              (SerializableFunction<Long, Instant>) field(source, "timestampFn"));
      return sequence.periodMillis > 0 ? Optional.of(sequence) : Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "StreamStateSparkRunner reads GenerateSequence through the fields of Beam 2.70's "
              + SOURCE
              + ", which this Beam does not have ("
              + e
              + "); run with --runner=SparkRunner or update"
              + " dev.streamstate.runners.counting",
          e);
    }
  }

  /**
   * A sequence stamped when due where {@code timestampFn} is Beam's default, the time a number is
   * read.
   */
  Sequence(
      long start,
      long stride,
      long elementsPerPeriod,
      long periodMillis,
      SerializableFunction<Long, Instant> timestampFn) {
    this(
        start,
        stride,
        elementsPerPeriod,
        periodMillis,
        timestampFn,
        timestampFn.getClass().getName().equals(READ_TIME));
  }

  private static Object field(Object source, String name) throws ReflectiveOperationException {
    Field field = source.getClass().getDeclaredField(name);
    field.setAccessible(true);
    return field.get(source);
  }

  /**
   * The indices of the numbers a batch of {@code intervalMillis} ending at {@code batchMillis}
   * reads, in a read started at {@code startedAt}: those due by its end and not by its start.
   */
  Slice batch(long startedAt, long intervalMillis, long batchMillis) {
    return new Slice(
        dueAfter(batchMillis - intervalMillis - startedAt), dueAfter(batchMillis - startedAt));
  }

  /** Indices {@code from} (inclusive) to {@code until} (exclusive) of the sequence. */
  record Slice(long from, long until) implements Serializable {
    long size() {
      return until - from;
    }

    /** This slice cut into {@code parts} contiguous slices, as even as they can be. */
    List<Slice> split(int parts) {
      List<Slice> slices = new ArrayList<>(parts);
      for (int i = 0; i < parts; i++) {
        slices.add(new Slice(from + size() * i / parts, from + size() * (i + 1) / parts));
      }
      return slices;
    }
  }

  /** How many numbers are due {@code elapsedMillis} after the read started. */
  private long dueAfter(long elapsedMillis) {
    if (elapsedMillis <= 0) {
      return 0;
    }
    long due = (long) (elementsPerPeriod * (elapsedMillis / (double) periodMillis));
    if (due <= 0) {
      return 0;
    }
    // The sequence ends at Long.MAX_VALUE, as Beam's does: its last index is (MAX - start) /
    // stride.
    return Math.min(due - 1, (Long.MAX_VALUE - start) / stride) + 1;
  }

  /** The {@code index}-th number (from 0). */
  long number(long index) {
    return start + index * stride;
  }

  /** The timestamp of the {@code index}-th number of a read started at {@code startedAt}. */
  Instant timestamp(long index, long startedAt) {
    return stampedWhenDue
        ? new Instant(startedAt + dueMillis(index))
        : timestampFn.apply(number(index));
  }

  /**
   * The watermark once the batch at {@code batchMillis} has read the first {@code count} numbers:
   * the timestamp of the last of them (of the number before the first while none is read), as
   * Beam's reader reports it, or for numbers stamped when due the batch's time.
   */
  Instant watermark(long count, long startedAt, long batchMillis) {
    return stampedWhenDue ? new Instant(batchMillis) : timestampFn.apply(number(count - 1));
  }

  /**
   * How long after the read started the {@code index}-th number is due: the first millisecond by
   * which {@link #dueAfter} counts it, found from the rate and corrected for its rounding.
   */
  private long dueMillis(long index) {
    long millis = (long) Math.ceil((index + 1) * (periodMillis / (double) elementsPerPeriod));
    while (dueAfter(millis) <= index) {
      millis++;
    }
    while (millis > 1 && dueAfter(millis - 1) > index) {
      millis--;
    }
    return millis;
  }
}
