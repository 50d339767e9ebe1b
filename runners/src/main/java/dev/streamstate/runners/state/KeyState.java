package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;

/**
 * What one key keeps between micro-batches: its Beam state cells, its timers (encoded), when the
 * earliest of them is due and the timer-index bucket it is filed under.
 *
 * <p>Never changed once built: the previous batch's partition state must stay as it was, since
 * Spark may compute a batch again (a lost block, a retried task) from the same previous state.
 */
final class KeyState implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The bucket of a key with no timers: it is in no bucket. */
  static final long NO_BUCKET = Long.MAX_VALUE;

  private final Table<String, String, byte[]> cells;
  private final List<byte[]> timers;
  private final long bucket;
  private final long approximateBytes;

  /**
   * Object headers, the hash-trie entry, the table and list around the bytes: a rough constant,
   * used only for Spark's accounting of cached state.
   */
  private static final long OVERHEAD_BYTES = 400;

  KeyState(Table<String, String, byte[]> cells, List<byte[]> timers, long bucket) {
    this.cells = cells;
    this.timers = List.copyOf(timers);
    this.bucket = bucket;
    long bytes = OVERHEAD_BYTES;
    for (byte[] cell : cells.values()) {
      bytes += cell.length;
    }
    for (byte[] timer : timers) {
      bytes += timer.length;
    }
    this.approximateBytes = bytes;
  }

  /** Roughly how much memory this key takes, key bytes excepted. */
  long approximateBytes() {
    return approximateBytes;
  }

  /** The state cells; callers copy them before changing anything. */
  Table<String, String, byte[]> cells() {
    return cells;
  }

  List<byte[]> timers() {
    return timers;
  }

  long bucket() {
    return bucket;
  }
}
