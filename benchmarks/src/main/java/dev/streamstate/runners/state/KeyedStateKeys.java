package dev.streamstate.runners.state;

import java.util.OptionalLong;
import org.apache.spark.api.java.JavaRDD;

/**
 * Counts, from outside the runner, the keys in one state RDD of {@code StreamStateSparkRunner}'s
 * keyed-state streams (each element one partition's {@link PartitionState}): what a footprint
 * benchmark reads. It sits in the runner's package, in the benchmarks module, because the
 * runner's state classes are package-private and the runner has no public way to read them.
 */
public final class KeyedStateKeys {
  private KeyedStateKeys() {}

  /**
   * The keys {@code rdd}'s partitions hold, or empty if its elements are not partitions of keyed
   * state (some other cached RDD of the job).
   */
  public static OptionalLong in(JavaRDD<?> rdd) {
    long[] partitionsAndKeys =
        rdd.map(KeyedStateKeys::partitionAndKeys).fold(new long[2], (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    return partitionsAndKeys[0] == 0 ? OptionalLong.empty() : OptionalLong.of(partitionsAndKeys[1]);
  }

  private static long[] partitionAndKeys(Object element) {
    return element instanceof PartitionRecord record ? new long[] {1, record.state().size()} : new long[2];
  }
}
