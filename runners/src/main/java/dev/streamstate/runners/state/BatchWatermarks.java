package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.beam.runners.spark.stateful.SparkTimerInternals;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder.SparkWatermarks;

/**
 * The watermark of each micro-batch of a stage, read from the runner's global watermarks (the
 * slowest of the stage's sources, advanced when a batch completes) once, on the driver, when the
 * batch is made, and kept with the stream.
 *
 * <p>A batch's input watermark is where the batch before it advanced to, and it advances to what
 * the runner's watermarks say when the batch is made. Batches are made on a timer, not when the
 * batch before them completes, so a batch made while others are queued can find the runner's
 * watermarks several batches further on; starting it from there instead would let a stage fire a
 * window and find its input watermark already past that window in the same batch: the stage after
 * it, which reads the same watermark, would drop the window's result as late (Beam's
 * ValidatesRunner tests caught this: a GroupByKey's result missing from a PAssert when the
 * watermark jumped to the end of time). Every stage of a batch reads the same snapshot of the
 * runner's watermarks ({@link #snapshotAt}), so a stage downstream never has an input watermark
 * ahead of the one its input was computed with.
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

  /**
   * Where the watermarks come from: the input watermark and where it is advanced to, for the batch
   * at the given time.
   */
  interface Reader extends Serializable {
    long[] read(long batchMillis);
  }

  /** The runner's watermarks per batch time on this driver, see {@link #snapshotAt}. */
  private static final NavigableMap<Long, Map<Integer, SparkWatermarks>> SNAPSHOTS =
      new TreeMap<>();

  private final Reader reader;
  private final NavigableMap<Long, long[]> byBatch = new TreeMap<>();

  BatchWatermarks(Reader reader) {
    this.reader = reader;
  }

  /** The runner's watermarks of a stage fed by {@code sourceIds}. */
  static BatchWatermarks ofSources(List<Integer> sourceIds, long cacheMillis) {
    List<Integer> sources = new ArrayList<>(sourceIds);
    return new BatchWatermarks(
        batchMillis ->
            read(
                sources,
                snapshotAt(
                    batchMillis,
                    () ->
                        ofThisJob(
                            GlobalWatermarkHolder.getLastWatermarkedBatchTime(),
                            () -> GlobalWatermarkHolder.get(cacheMillis)))));
  }

  /**
   * The runner's watermarks, or none before a batch of this job has completed. Until then the
   * runner's holder answers on the driver from a cache it keeps for half a batch interval, which
   * can still hold the watermarks of the job that ran before in this JVM (same source numbers,
   * often the end of time): a stage would fire its windows in its first batches and the stage after
   * it drop their results as late (Beam's {@code ParDoTest$StateTests#testMapState} lost its result
   * this way when it started within that time of the test before it). After the first completed
   * batch the holder answers from the copy it advanced.
   */
  static Map<Integer, SparkWatermarks> ofThisJob(
      long lastCompletedBatchMillis, Supplier<Map<Integer, SparkWatermarks>> runner) {
    return lastCompletedBatchMillis == 0 ? Map.of() : runner.get();
  }

  /**
   * The batch at {@code batchMillis}'s clock, read now if it has none yet; forgets batches before
   * {@code forgetBefore}.
   */
  synchronized KeyedBatch.Clock clockFor(long batchMillis, long forgetBefore) {
    long[] watermarks = byBatch.get(batchMillis);
    if (watermarks == null) {
      watermarks = reader.read(batchMillis);
      Map.Entry<Long, long[]> before = byBatch.lowerEntry(batchMillis);
      if (before != null) {
        watermarks[0] = before.getValue()[1];
        watermarks[1] = Math.max(watermarks[1], watermarks[0]);
      }
      byBatch.put(batchMillis, watermarks);
    }
    byBatch.headMap(forgetBefore, false).clear();
    return new KeyedBatch.Clock(batchMillis, watermarks[0], watermarks[1]);
  }

  /**
   * The runner's watermarks as the first stage of the batch at {@code batchMillis} read them: the
   * runner advances them from a listener thread when a batch completes, which can happen between
   * two stages of one batch being made.
   */
  static Map<Integer, SparkWatermarks> snapshotAt(
      long batchMillis, Supplier<Map<Integer, SparkWatermarks>> runner) {
    synchronized (SNAPSHOTS) {
      Map<Integer, SparkWatermarks> snapshot = SNAPSHOTS.get(batchMillis);
      if (snapshot == null) {
        Map<Integer, SparkWatermarks> now = runner.get();
        snapshot = now == null ? Map.of() : Map.copyOf(now);
        SNAPSHOTS.put(batchMillis, snapshot);
        // Stages of one batch are made together: older batches' snapshots are not needed again.
        SNAPSHOTS.headMap(batchMillis, false).clear();
      }
      return snapshot;
    }
  }

  private static long[] read(List<Integer> sourceIds, Map<Integer, SparkWatermarks> snapshot) {
    SparkTimerInternals watermarks = SparkTimerInternals.forStreamFromSources(sourceIds, snapshot);
    long watermark = watermarks.currentInputWatermarkTime().getMillis();
    watermarks.advanceWatermark();
    long next = watermarks.currentInputWatermarkTime().getMillis();
    return new long[] {watermark, next};
  }
}
