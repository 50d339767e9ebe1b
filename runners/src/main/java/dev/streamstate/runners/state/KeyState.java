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

  KeyState(Table<String, String, byte[]> cells, List<byte[]> timers, long bucket) {
    this.cells = cells;
    this.timers = List.copyOf(timers);
    this.bucket = bucket;
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
