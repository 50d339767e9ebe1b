package dev.streamstate.benchmarks;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.Optional;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;

/**
 * The hand-written DStream jobs our users would otherwise write, {@code StatefulNetworkWordCount}:
 * a running count per word with {@code mapWithState} and with {@code updateStateByKey}, on a {@link
 * Workload}, local[2]. Each job's output operation folds what it computed into a {@link
 * RunningTally} (one pass over the batch's output, as the {@code count()} a benchmark would do).
 */
public final class NativeRunningCounts {
  private NativeRunningCounts() {}

  /** The two native state operations. */
  public enum Kind {
    MAP_WITH_STATE,
    UPDATE_STATE_BY_KEY
  }

  /**
   * Runs the workload through; the times of {@code batches} steady batches after {@code settle}.
   */
  public static Measured<RunningTally> run(
      Kind kind, Workload workload, int settle, int batches, Path checkpoints)
      throws InterruptedException {
    BatchTimes times = new BatchTimes();
    JavaStreamingContext streaming =
        SparkJobs.nativeContext("native-" + kind.name().toLowerCase(), checkpoints, times);
    return count(
        kind,
        streaming,
        WorkloadStream.wordOnes(streaming, workload),
        times,
        workload,
        settle,
        batches);
  }

  /**
   * Counts {@code ones}, the words of {@code workload} from any input of {@code streaming}, with
   * {@code kind}; starts the job and stops it once every record went through.
   */
  static Measured<RunningTally> count(
      Kind kind,
      JavaStreamingContext streaming,
      JavaPairDStream<String, Long> ones,
      BatchTimes times,
      Workload workload,
      int settle,
      int batches)
      throws InterruptedException {
    Tally tally = new Tally();
    if (kind == Kind.MAP_WITH_STATE) {
      ones.mapWithState(
              StateSpec.function(
                  (String word, Optional<Long> one, State<Long> count) -> {
                    long next = (count.exists() ? count.get() : 0L) + one.orElse(0L);
                    count.update(next);
                    return next;
                  }))
          .foreachRDD(emitted -> tally.add(sum(emitted.map(count -> new long[] {1, count}))));
    } else {
      ones.updateStateByKey(
              (List<Long> increments, Optional<Long> count) ->
                  Optional.of(
                      count.orElse(0L) + increments.stream().mapToLong(Long::longValue).sum()))
          // The whole state after each batch: what emitting every count from 1 up would add up to.
          .foreachRDD(
              state -> tally.set(sum(state.values().map(c -> new long[] {c, c * (c + 1) / 2}))));
    }
    streaming.start();
    SparkJobs.Finish finish = SparkJobs.awaitAll(times, workload, 0);
    streaming.stop(true, false);
    return new Measured<>(
        times.steady(workload.loadRecords(), settle, batches), finish, tally.get());
  }

  /** Adds up (counted, emitted) pairs in one pass over the batch's output. */
  private static RunningTally sum(JavaRDD<long[]> pairs) {
    long[] sum = pairs.fold(new long[2], (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    return new RunningTally(sum[0], sum[1]);
  }

  /**
   * The driver-side tally the output operations fold into (serializable for DStream checkpoints).
   */
  private static final class Tally implements Serializable {
    private RunningTally tally = new RunningTally(0, 0);

    synchronized void add(RunningTally batch) {
      tally =
          new RunningTally(
              tally.counted() + batch.counted(), tally.emittedSum() + batch.emittedSum());
    }

    synchronized void set(RunningTally state) {
      tally = state;
    }

    synchronized RunningTally get() {
      return tally;
    }
  }
}
