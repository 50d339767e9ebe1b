package dev.streamstate.runners.state;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.util.CoderUtils;
import scala.Tuple2;

/**
 * What a {@link KeyedStateDStream} does with one partition of one micro-batch: from the partition's
 * state before the batch and the batch's keyed elements, the state after it and what was output.
 * Runs in the task, once per partition and batch, and again if Spark recomputes it.
 */
interface KeyedBatch extends Serializable {
  PartitionRecord run(
      Clock clock, PartitionState previous, Iterator<Tuple2<ByteArray, byte[]>> elements);

  /**
   * The keys a batch visits in a partition, each with its elements: the keys of {@code elements} in
   * the order they came, then the {@code due} keys that got none.
   */
  static Map<ByteArray, List<byte[]>> visitedKeys(
      Iterator<Tuple2<ByteArray, byte[]>> elements, Set<ByteArray> due) {
    Map<ByteArray, List<byte[]>> keys = new LinkedHashMap<>();
    while (elements.hasNext()) {
      Tuple2<ByteArray, byte[]> element = elements.next();
      keys.computeIfAbsent(element._1(), key -> new ArrayList<>()).add(element._2());
    }
    for (ByteArray key : due) {
      keys.putIfAbsent(key, List.of());
    }
    return keys;
  }

  /** A key or an element as the stream holds it, decoded with {@code coder}. */
  static <T> T decode(Coder<T> coder, byte[] bytes) {
    try {
      return CoderUtils.decodeFromByteArray(coder, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a keyed element with " + coder, e);
    }
  }

  /**
   * A batch's times, fixed on the driver when the batch is made: its batch time (the processing
   * time of its timers) and its input watermark, the previous batch's when elements arrive and
   * {@code nextWatermarkMillis} once they are in (see {@link BatchWatermarks}).
   */
  record Clock(long batchMillis, long watermarkMillis, long nextWatermarkMillis)
      implements Serializable {}
}
