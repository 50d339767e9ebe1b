package dev.streamstate.runners.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.kafka.KafkaCheckpointMark;
import org.apache.beam.sdk.io.kafka.KafkaCheckpointMark.PartitionMark;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads offset ranges on an executor with KafkaIO's own reader, so deserializers, timestamp policy
 * and watermark are KafkaIO's. A reader is opened at a range's first offset from a checkpoint mark
 * and kept open after the range: the next batch's range of the same partition starts where it
 * stopped, so the reader goes on without a new consumer. A range that starts anywhere else (a batch
 * recomputed after a crash, or a task on another executor) gets a reader of its own.
 */
final class RangeReaders {
  private static final Logger LOG = LoggerFactory.getLogger(RangeReaders.class);

  /** A reader no batch used for this long belongs to a stopped or moved stream. */
  private static final long IDLE_MILLIS = 120_000;

  private static final Map<String, Open<?>> OPEN = new ConcurrentHashMap<>();

  /**
   * Closes readers off the task's thread: KafkaIO's reader waits up to 10 s for its fetch thread,
   * which no batch should wait for.
   */
  private static final ExecutorService CLOSER =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "kafka-range-reader-closer");
            thread.setDaemon(true);
            return thread;
          });

  private RangeReaders() {}

  /**
   * The records of {@code range} of {@code stream}, read through {@code split} (its source for the
   * range's partition alone); fails when they cannot all be read within {@code timeoutMillis}.
   */
  static <T> RangeRead<T> read(
      String stream,
      UnboundedSource<T, KafkaCheckpointMark> split,
      OffsetRange range,
      PipelineOptions options,
      long timeoutMillis) {
    closeIdle();
    String key = stream + "/" + range.split();
    @SuppressWarnings("unchecked")
    Open<T> open = (Open<T>) OPEN.remove(key);
    if (open != null && open.next != range.from()) {
      open.close();
      open = null;
    }
    try {
      if (open == null) {
        open = new Open<>(split.createReader(options, markAt(range)), range.from());
      }
      List<WindowedValue<T>> records = open.readUntil(range, timeoutMillis);
      RangeRead<T> read = new RangeRead<>(range, records, open.reader.getWatermark().getMillis());
      open.lastUsed = System.currentTimeMillis();
      Open<?> other = OPEN.put(key, open);
      if (other != null) {
        other.close();
      }
      return read;
    } catch (IOException | RuntimeException e) {
      if (open != null) {
        open.close();
      }
      if (e instanceof IOException) {
        throw new UncheckedIOException(
            "Reading " + range + " from Kafka failed: " + e.getMessage(), (IOException) e);
      }
      throw (RuntimeException) e;
    }
  }

  /** Closes the readers of {@code stream} in this JVM (the stream has stopped). */
  static void closeAll(String stream) {
    OPEN.keySet()
        .removeIf(
            key -> {
              if (key.startsWith(stream + "/")) {
                Open<?> open = OPEN.get(key);
                if (open != null) {
                  open.close();
                }
                return true;
              }
              return false;
            });
  }

  private static KafkaCheckpointMark markAt(OffsetRange range) {
    return new KafkaCheckpointMark(
        List.of(
            new PartitionMark(
                range.topic(), range.partition(), range.from(), range.watermarkMillis())),
        Optional.empty());
  }

  private static void closeIdle() {
    long now = System.currentTimeMillis();
    OPEN.entrySet()
        .removeIf(
            entry -> {
              if (now - entry.getValue().lastUsed > IDLE_MILLIS) {
                entry.getValue().close();
                return true;
              }
              return false;
            });
  }

  /** An open reader, and where it stands. */
  private static final class Open<T> {
    final UnboundedSource.UnboundedReader<T> reader;

    /** The first offset the reader has not handed out yet. */
    long next;

    boolean started;

    /** Whether the reader's current record is read but belongs to a later range. */
    boolean holding;

    long lastUsed = System.currentTimeMillis();

    Open(UnboundedSource.UnboundedReader<T> reader, long next) {
      this.reader = reader;
      this.next = next;
    }

    List<WindowedValue<T>> readUntil(OffsetRange range, long timeoutMillis) throws IOException {
      List<WindowedValue<T>> records = new ArrayList<>((int) Math.min(range.size(), 1 << 16));
      if (!started) {
        // Started even for an empty range: the watermark of an idle partition comes from it.
        holding = reader.start();
        started = true;
      }
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (next < range.until()) {
        if (!holding && !(holding = reader.advance())) {
          if (System.currentTimeMillis() > deadline) {
            throw new IOException(
                "offsets "
                    + next
                    + " to "
                    + range.until()
                    + " of "
                    + range.topic()
                    + "-"
                    + range.partition()
                    + " gave no record for "
                    + timeoutMillis
                    + " ms (is the broker up?)");
          }
          continue;
        }
        long offset = ((KafkaRecord<?, ?>) reader.getCurrent()).getOffset();
        if (offset >= range.until()) {
          // A gap in offsets (compaction, transaction markers): the rest of the range holds
          // nothing.
          break;
        }
        records.add(
            WindowedValues.timestampedValueInGlobalWindow(
                reader.getCurrent(), reader.getCurrentTimestamp()));
        holding = false;
        next = offset + 1;
        deadline =
            System.currentTimeMillis() + timeoutMillis; // a long range fails only when it stalls
      }
      next = range.until();
      return records;
    }

    void close() {
      CLOSER.execute(
          () -> {
            try {
              reader.close();
            } catch (IOException | RuntimeException e) {
              LOG.warn("Closing a Kafka reader failed: {}", e.toString());
            }
          });
    }
  }
}
