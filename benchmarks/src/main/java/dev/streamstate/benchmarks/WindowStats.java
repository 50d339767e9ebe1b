package dev.streamstate.benchmarks;

import java.io.Serializable;
import java.util.Map;

/**
 * What one window's word counts added up to — all words, distinct words, the smallest and the
 * largest count — which is all it takes to check a window against the {@link Workload}: a window
 * that spans whole steady batches holds a known run of records, and in any run of records every key
 * is counted the same number of times, give or take one.
 */
record WindowStats(long total, long words, long min, long max) implements Serializable {

  /** The stats of a single word's count. */
  static WindowStats of(long count) {
    return new WindowStats(count, 1, count, count);
  }

  /** Nothing counted; the identity of {@link #plus}. */
  static WindowStats none() {
    return new WindowStats(0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
  }

  WindowStats plus(WindowStats other) {
    return new WindowStats(
        total + other.total,
        words + other.words,
        Math.min(min, other.min),
        Math.max(max, other.max));
  }

  /**
   * Checks every window, by its end: none may hold more than a window of {@code windowBatches}
   * steady batches can; the windows that hold that many (at least one must) must count every word
   * the workload's number of times.
   */
  static String check(Workload workload, long windowBatches, Map<Long, WindowStats> windows) {
    long full = workload.recordsIn(windowBatches);
    long floor = full / workload.keys();
    long ceiling = floor + (full % workload.keys() == 0 ? 0 : 1);
    WindowStats expected = new WindowStats(full, Math.min(workload.keys(), full), floor, ceiling);
    int fullWindows = 0;
    for (Map.Entry<Long, WindowStats> window : windows.entrySet()) {
      WindowStats stats = window.getValue();
      if (stats.total() > full) {
        return "the window ending "
            + window.getKey()
            + " counted "
            + stats.total()
            + " words, more than the "
            + full
            + " a window holds";
      }
      if (stats.total() == full) {
        fullWindows++;
        if (stats.words() != expected.words() || stats.min() < floor || stats.max() > ceiling) {
          return "the full window ending "
              + window.getKey()
              + " counted "
              + stats
              + ", expected "
              + expected;
        }
      }
    }
    return fullWindows > 0
        ? Results.OK
        : "no full window among " + windows.size() + " windows: " + windows.values();
  }
}
