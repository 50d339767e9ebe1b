package dev.streamstate.benchmarks;

import java.io.Serializable;
import java.util.Map;

/**
 * What one window of a join of two streams carrying the same {@link Workload} gave: how many pairs,
 * and the lowest and highest record number on each side of them. Both sides of a window hold the
 * same run of records, each record's key is in it on the other side too, so every record of the
 * window is in some pair: the numbers tell which run the window held, and {@link
 * Workload#pairsInRun} how many pairs that run makes, whoever computed them.
 */
record JoinStats(long pairs, long leftMin, long leftMax, long rightMin, long rightMax)
    implements Serializable {

  /** The stats of one pair, of left record {@code left} and right record {@code right}. */
  static JoinStats of(long left, long right) {
    return new JoinStats(1, left, left, right, right);
  }

  /** No pair; the identity of {@link #plus}. */
  static JoinStats none() {
    return new JoinStats(0, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE);
  }

  JoinStats plus(JoinStats other) {
    return new JoinStats(
        pairs + other.pairs,
        Math.min(leftMin, other.leftMin),
        Math.max(leftMax, other.leftMax),
        Math.min(rightMin, other.rightMin),
        Math.max(rightMax, other.rightMax));
  }

  /**
   * Checks every window, by its end: each must hold the same run of whole steady batches on both
   * sides, no more than a window of {@code windowBatches} batches, and exactly the pairs that run
   * makes; at least one window must be full.
   */
  static String check(Workload workload, long windowBatches, Map<Long, JoinStats> windows) {
    long full = workload.recordsIn(windowBatches);
    long batch = workload.eventsPerBatch();
    int fullWindows = 0;
    for (Map.Entry<Long, JoinStats> window : windows.entrySet()) {
      JoinStats stats = window.getValue();
      String which = "the window ending " + window.getKey();
      if (stats.leftMin() != stats.rightMin() || stats.leftMax() != stats.rightMax()) {
        return which
            + " joined left records "
            + stats.leftMin()
            + "-"
            + stats.leftMax()
            + " with right records "
            + stats.rightMin()
            + "-"
            + stats.rightMax();
      }
      long records = stats.leftMax() - stats.leftMin() + 1;
      if (records > full) {
        return which
            + " joined records "
            + stats.leftMin()
            + "-"
            + stats.leftMax()
            + ", more than the "
            + full
            + " a window holds";
      }
      if (stats.leftMin() % batch != 0 || records % batch != 0) {
        return which
            + " joined records "
            + stats.leftMin()
            + "-"
            + stats.leftMax()
            + ", not whole batches of "
            + batch;
      }
      long expected = workload.pairsInRun(records);
      if (stats.pairs() != expected) {
        return which
            + " joined "
            + stats.pairs()
            + " pairs of records "
            + stats.leftMin()
            + "-"
            + stats.leftMax()
            + ", expected "
            + expected;
      }
      if (records == full) {
        fullWindows++;
      }
    }
    return fullWindows > 0
        ? Results.OK
        : "no full window among " + windows.size() + " windows: " + windows;
  }
}
