package dev.streamstate.benchmarks;

import dev.streamstate.runners.state.KeyedStateKeys;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;

/**
 * Reads how many keys a running streaming job holds in Spark state, from the outside: the newest
 * state RDD that is fully in Spark's cache is counted — of a DStream operation (for example {@code
 * updateStateByKey}, on which Beam's Spark runner keeps every GroupByKey), or of {@code
 * StreamStateSparkRunner}'s keyed state (every GroupByKey and stateful ParDo). Counting a cached
 * RDD reads its blocks; it does not change the job.
 */
public final class StateProbe {
  private final JavaSparkContext spark;
  private final Predicate<RDDInfo> mayBeState;
  private final Function<JavaRDD<?>, OptionalLong> keysIn;

  private StateProbe(
      JavaSparkContext spark,
      Predicate<RDDInfo> mayBeState,
      Function<JavaRDD<?>, OptionalLong> keysIn) {
    this.spark = spark;
    this.mayBeState = mayBeState;
    this.keysIn = keysIn;
  }

  /** Probes the state of the job's {@code updateStateByKey} stream (Beam's GroupByKey). */
  public static StateProbe updateStateByKey(JavaSparkContext spark) {
    return new StateProbe(
        spark,
        info ->
            info.scope().isDefined() && info.scope().get().name().startsWith("updateStateByKey"),
        state -> OptionalLong.of(state.count()));
  }

  /**
   * Probes the keyed state of a job on {@code StreamStateSparkRunner}: the keys holding state or
   * timers in its stateful stage (a job with one; with more, the one whose state was cached last).
   * Its state RDDs have no scope of their own to tell them by: the job's cached RDDs are tried,
   * newest first, until one holds keyed state.
   */
  public static StateProbe keyedState(JavaSparkContext spark) {
    return new StateProbe(spark, info -> true, KeyedStateKeys::in);
  }

  /** The keys in the newest complete state RDD, or empty while there is none yet. */
  public OptionalLong keys() {
    for (JavaRDD<?> state : cachedNewestFirst()) {
      OptionalLong keys = keysIn.apply(state);
      if (keys.isPresent()) {
        return keys;
      }
    }
    return OptionalLong.empty();
  }

  /**
   * What {@code key}, encoded as the job's stateful stage encodes its keys, holds in the newest
   * complete keyed state of a job on {@code StreamStateSparkRunner} (a {@link #keyedState} probe):
   * its state cells and timers, or empty where it holds nothing.
   */
  public Optional<String> holdings(byte[] key) {
    for (JavaRDD<?> state : cachedNewestFirst()) {
      if (KeyedStateKeys.in(state).isPresent()) {
        return KeyedStateKeys.holdings(state, key);
      }
    }
    return Optional.empty();
  }

  /** The RDDs that may be the state and are fully in the cache, newest first. */
  private List<JavaRDD<?>> cachedNewestFirst() {
    Map<Integer, JavaRDD<?>> cached = spark.getPersistentRDDs();
    return Arrays.stream(spark.sc().getRDDStorageInfo())
        .filter(info -> mayBeState.test(info) && info.numCachedPartitions() == info.numPartitions())
        .sorted(Comparator.comparingInt(RDDInfo::id).reversed())
        .<JavaRDD<?>>map(info -> cached.get(info.id()))
        .filter(rdd -> rdd != null)
        .toList();
  }
}
