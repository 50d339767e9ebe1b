package dev.streamstate.runners.state;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.spark.stateful.SparkStateInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The string keys of state namespaces, each worked out once for one partition's batch, and the
 * namespaces of stored keys, each parsed once.
 *
 * <p>A namespace's string key names a key's state cells and timers. Beam's {@code WindowNamespace}
 * makes it anew on every call, encoding its window and Base64-ing the bytes, and Beam's {@code
 * SparkStateInternals} asks for it on every read and write of a cell: in a flight recording of the
 * sliding-windows benchmark (60 s windows every 5 s, 100 k words) that was 36 % of the job's CPU.
 * The keys of a batch share a handful of windows, so each is keyed once here. Not thread-safe: one
 * instance serves one task.
 */
final class NamespaceKeys {
  /**
   * Namespaces remembered at most; past that the memory starts over (windows such as sessions are
   * rarely shared).
   */
  private static final int LIMIT = 10_000;

  private final Coder<? extends BoundedWindow> windowCoder;
  private final Map<StateNamespace, Keyed> keyed = new HashMap<>();
  private final Map<String, StateNamespace> parsed = new HashMap<>();

  /**
   * The namespace asked for last, and its key: a trigger's or a window's steps ask for one
   * namespace's cells in a row.
   */
  private @Nullable StateNamespace last;

  private @Nullable Keyed lastKeyed;

  NamespaceKeys(Coder<? extends BoundedWindow> windowCoder) {
    this.windowCoder = windowCoder;
  }

  Coder<? extends BoundedWindow> windowCoder() {
    return windowCoder;
  }

  /** {@code namespace}'s string key. */
  String keyOf(StateNamespace namespace) {
    return keyed(namespace).stringKey();
  }

  /** The namespace whose string key {@code key} is, in windows of this coder. */
  StateNamespace namespaceOf(String key) {
    if (parsed.size() >= LIMIT) {
      parsed.clear();
    }
    return parsed.computeIfAbsent(key, unused -> StateNamespaces.fromString(key, windowCoder));
  }

  /**
   * Beam's Spark state internals over {@code cells}, the key's state: the same cells, read and
   * written under the same names, with each namespace's name taken from here.
   */
  <K> StateInternals stateInternals(K key, Table<String, String, byte[]> cells) {
    SparkStateInternals<K> state = SparkStateInternals.forKeyAndState(key, cells);
    return new StateInternals() {
      @Override
      public K getKey() {
        return key;
      }

      @Override
      public <T extends State> T state(
          StateNamespace namespace, StateTag<T> address, StateContext<?> context) {
        return state.state(keyed(namespace), address, context);
      }
    };
  }

  private Keyed keyed(StateNamespace namespace) {
    if (namespace != last) {
      if (keyed.size() >= LIMIT) {
        keyed.clear();
      }
      lastKeyed =
          keyed.computeIfAbsent(
              namespace, unused -> new Keyed(namespace.stringKey(), namespace.getCacheKey()));
      last = namespace;
    }
    return lastKeyed;
  }

  /**
   * A namespace whose string key is known: what Beam's Spark state internals use of a namespace.
   */
  private record Keyed(String stringKey, Object getCacheKey) implements StateNamespace {
    @Override
    public void appendTo(Appendable out) throws IOException {
      out.append(stringKey);
    }
  }
}
