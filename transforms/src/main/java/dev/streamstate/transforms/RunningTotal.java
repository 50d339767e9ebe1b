package dev.streamstate.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviders;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A key's running total after an update, or its last total when its state timed out.
 *
 * @param key the key (a word, a product)
 * @param total the total after the update, including any initial total
 * @param timedOut true for the single record emitted when an idle key's state is dropped
 */
@DefaultCoder(RunningTotal.Coder.class)
public record RunningTotal(String key, long total, boolean timedOut) implements Serializable {

  public static RunningTotal updated(String key, long total) {
    return new RunningTotal(key, total, false);
  }

  public static RunningTotal timedOut(String key, long total) {
    return new RunningTotal(key, total, true);
  }

  /**
   * Its coder: the key, the total and the flag, a few bytes. Every update of a running count is one
   * of these, encoded between stages; Java serialization (Beam's {@code SerializableCoder}) wrote
   * a class descriptor with each and took a fifth of a running count's batch time at 1 M keys.
   */
  public static final class Coder extends AtomicCoder<RunningTotal> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    /** What {@link DefaultCoder} asks for. */
    public static CoderProvider getCoderProvider() {
      return CoderProviders.forCoder(TypeDescriptor.of(RunningTotal.class), INSTANCE);
    }

    @Override
    public void encode(RunningTotal value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.key(), out);
      VarLongCoder.of().encode(value.total(), out);
      BooleanCoder.of().encode(value.timedOut(), out);
    }

    @Override
    public RunningTotal decode(InputStream in) throws IOException {
      return new RunningTotal(
          StringUtf8Coder.of().decode(in), VarLongCoder.of().decode(in), BooleanCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
