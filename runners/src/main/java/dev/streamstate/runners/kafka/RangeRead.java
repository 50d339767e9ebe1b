package dev.streamstate.runners.kafka;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.values.WindowedValue;

/**
 * What a batch read from one partition: its records, stamped by KafkaIO's timestamp policy, and the
 * partition's watermark after them.
 */
record RangeRead<T>(OffsetRange range, List<WindowedValue<T>> records, long watermarkMillis)
    implements Serializable {

  /** The driver's view of it: the partition's watermarks before and after. */
  Summary summary() {
    return new Summary(range.watermarkMillis(), watermarkMillis);
  }

  record Summary(long watermarkBefore, long watermarkAfter) implements Serializable {}
}
