package dev.streamstate.benchmarks;

import java.util.List;

/**
 * One contender's run of a workload: the processing times of its steady batches, how it finished
 * (whether every record of the workload went through before the time limit, and the heap in use
 * then), and what it computed, to be checked against the workload.
 */
record Measured<T>(List<Long> batchMillis, SparkJobs.Finish finish, T computed) {
  boolean complete() {
    return finish.complete();
  }
}
