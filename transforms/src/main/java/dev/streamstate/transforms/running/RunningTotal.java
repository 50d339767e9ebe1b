package dev.streamstate.transforms.running;

import dev.streamstate.transforms.common.RecordCoder;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A key's running total after an update, or its last total when its state timed out.
 *
 * @param key the key (a word, a product)
 * @param total the total after the update, including any initial total
 * @param timedOut true for the single record emitted when an idle key's state is dropped
 */
@DefaultCoder(RunningTotal.Coder.class)
public record RunningTotal(String key, long total, boolean timedOut) {

  public static RunningTotal updated(String key, long total) {
    return new RunningTotal(key, total, false);
  }

  public static RunningTotal timedOut(String key, long total) {
    return new RunningTotal(key, total, true);
  }

  /**
   * Its coder (see {@link RecordCoder}): every update of a running count is one of these, encoded
   * between stages.
   */
  public static final class Coder extends RecordCoder<RunningTotal> {
    public Coder() {
      super(RunningTotal.class, STRING, LONG, BOOLEAN);
    }
  }
}
