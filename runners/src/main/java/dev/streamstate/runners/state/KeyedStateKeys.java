package dev.streamstate.runners.state;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.spark.api.java.JavaRDD;

/**
 * Counts the keys in one state RDD of {@code StreamStateSparkRunner}'s keyed-state streams (each
 * element one partition's {@link PartitionState}), and tells what one key holds there: how a
 * footprint benchmark, from outside the runner, sees whether state is freed.
 */
public final class KeyedStateKeys {
  private KeyedStateKeys() {}

  /**
   * The keys {@code rdd}'s partitions hold, or empty if its elements are not partitions of keyed
   * state (some other cached RDD of the job).
   */
  public static OptionalLong in(JavaRDD<?> rdd) {
    long[] partitionsAndKeys =
        rdd.map(KeyedStateKeys::partitionAndKeys)
            .fold(new long[2], (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    return partitionsAndKeys[0] == 0 ? OptionalLong.empty() : OptionalLong.of(partitionsAndKeys[1]);
  }

  /**
   * What {@code key} (encoded as the stage encodes its keys) holds in {@code rdd}'s partitions: the
   * names of its state cells and how many timers, or empty where no partition holds it.
   */
  public static Optional<String> holdings(JavaRDD<?> rdd, byte[] key) {
    ByteArray wanted = new ByteArray(key);
    return rdd
        .map(element -> holdings(element, wanted))
        .filter(held -> !held.isEmpty())
        .take(1)
        .stream()
        .findFirst();
  }

  private static String holdings(Object element, ByteArray key) {
    KeyState state = element instanceof PartitionRecord record ? record.state().get(key) : null;
    if (state == null) {
      return "";
    }
    return "state cells "
        + new TreeSet<>(state.cells().columnKeySet())
        + ", "
        + state.timers().size()
        + " timers";
  }

  private static long[] partitionAndKeys(Object element) {
    return element instanceof PartitionRecord record
        ? new long[] {1, record.state().size()}
        : new long[2];
  }
}
