package dev.streamstate.runners.kafka;

import java.io.Serializable;

/**
 * The records one micro-batch reads from one Kafka partition: offsets {@code from} (inclusive) to
 * {@code until} (exclusive), fixed when the batch is made, so a batch recomputed after a crash
 * reads exactly the records it read the first time. {@code split} is the partition's place among
 * the source's splits; {@code watermarkMillis} the partition's watermark before the batch, which a
 * reader opened anew starts from.
 */
record OffsetRange(
    int split, String topic, int partition, long from, long until, long watermarkMillis)
    implements Serializable {

  long size() {
    return until - from;
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "[" + from + ", " + until + ")";
  }
}
