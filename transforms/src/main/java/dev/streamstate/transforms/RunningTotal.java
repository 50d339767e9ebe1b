package dev.streamstate.transforms;

import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * A key's running total after an update, or its last total when its state timed out.
 *
 * @param key the key (a word, a product)
 * @param total the total after the update, including any initial total
 * @param timedOut true for the single record emitted when an idle key's state is dropped
 */
@DefaultCoder(SerializableCoder.class)
public record RunningTotal(String key, long total, boolean timedOut) implements Serializable {

  public static RunningTotal updated(String key, long total) {
    return new RunningTotal(key, total, false);
  }

  public static RunningTotal timedOut(String key, long total) {
    return new RunningTotal(key, total, true);
  }
}
