package dev.streamstate.benchmarks;

import java.util.List;

/**
 * One contender's run of a workload: its steady batches, how it finished (whether every record of
 * the workload went through before the time limit, and the heap in use then), and what it computed,
 * to be checked against the workload.
 */
record Measured<T>(List<BatchTimes.Batch> batches, SparkJobs.Finish finish, T computed) {
  /** The processing times of the steady batches, in order. */
  List<Long> batchMillis() {
    return batches.stream().map(BatchTimes.Batch::millis).toList();
  }

  boolean complete() {
    return finish.complete();
  }
}
