package dev.streamstate.benchmarks;

import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.RDDInfo;

/**
 * Reads how many keys a running streaming job holds in Spark state, from the outside: the newest
 * state RDD of a DStream operation (for example {@code updateStateByKey}, on which Beam's Spark
 * runner keeps every GroupByKey) that is fully in Spark's cache is counted. Counting a cached RDD
 * reads its blocks; it does not change the job.
 */
public final class StateProbe {
  private final JavaSparkContext spark;
  private final String operation;

  private StateProbe(JavaSparkContext spark, String operation) {
    this.spark = spark;
    this.operation = operation;
  }

  /** Probes the state of the job's {@code updateStateByKey} stream (Beam's GroupByKey). */
  public static StateProbe updateStateByKey(JavaSparkContext spark) {
    return new StateProbe(spark, "updateStateByKey");
  }

  /** The keys in the newest complete state RDD, or empty while there is none yet. */
  public OptionalLong keys() {
    int newest = -1;
    for (RDDInfo info : spark.sc().getRDDStorageInfo()) {
      boolean ours = info.scope().isDefined() && info.scope().get().name().startsWith(operation);
      if (ours && info.numCachedPartitions() == info.numPartitions() && info.id() > newest) {
        newest = info.id();
      }
    }
    Map<Integer, JavaRDD<?>> cached = spark.getPersistentRDDs();
    JavaRDD<?> state = cached.get(newest);
    if (state == null) {
      return OptionalLong.empty();
    }
    RDD<?> rdd = state.rdd();
    return OptionalLong.of(rdd.count());
  }
}
