package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.beam.runners.spark.stateful.SparkTimerInternals;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;

/**
 * The watermark of each micro-batch of a stage, read from the runner's global watermarks (the
 * slowest of the stage's sources, advanced when a batch completes) once, on the driver, when the
 * batch is made, and kept with the stream.
 *
 * <p>Kept because a batch can be computed again: after a driver restart, Spark recomputes the
 * batches since the last state checkpoint, and by then the runner's watermark is another (the
 * beginning of time, right after the restart). The stream, and this with it, is part of the
 * checkpoint Spark writes for every batch it makes, so a recomputed batch gets the watermark its
 * first run had, fires the same windows and drops the same late elements, and its state comes out
 * as it did before the crash. A batch never gets a watermark earlier than the one before it.
 */
final class BatchWatermarks implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where the watermarks come from: the input watermark and where it is advanced to, now. */
  interface Reader extends Serializable {
    long[] read();
  }

  private final Reader reader;
  private final NavigableMap<Long, long[]> byBatch = new TreeMap<>();

  BatchWatermarks(Reader reader) {
    this.reader = reader;
  }

  /** The runner's watermarks of a stage fed by {@code sourceIds}. */
  static BatchWatermarks ofSources(List<Integer> sourceIds, long cacheMillis) {
    List<Integer> sources = new ArrayList<>(sourceIds);
    return new BatchWatermarks(() -> read(sources, cacheMillis));
  }

  /**
   * The batch at {@code batchMillis}'s clock, read now if it has none yet; forgets batches before
   * {@code forgetBefore}.
   */
  synchronized KeyedBatch.Clock clockFor(long batchMillis, long forgetBefore) {
    long[] watermarks = byBatch.get(batchMillis);
    if (watermarks == null) {
      watermarks = reader.read();
      Map.Entry<Long, long[]> before = byBatch.lowerEntry(batchMillis);
      if (before != null) {
        watermarks[0] = Math.max(watermarks[0], before.getValue()[1]);
        watermarks[1] = Math.max(watermarks[1], watermarks[0]);
      }
      byBatch.put(batchMillis, watermarks);
    }
    byBatch.headMap(forgetBefore, false).clear();
    return new KeyedBatch.Clock(batchMillis, watermarks[0], watermarks[1]);
  }

  private static long[] read(List<Integer> sourceIds, long cacheMillis) {
    SparkTimerInternals watermarks =
        SparkTimerInternals.forStreamFromSources(sourceIds, GlobalWatermarkHolder.get(cacheMillis));
    long watermark = watermarks.currentInputWatermarkTime().getMillis();
    watermarks.advanceWatermark();
    long next = watermarks.currentInputWatermarkTime().getMillis();
    return new long[] {watermark, next};
  }
}
