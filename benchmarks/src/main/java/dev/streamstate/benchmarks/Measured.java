package dev.streamstate.benchmarks;

import java.util.List;

/**
 * One contender's run of a workload: the processing times of its steady batches, whether every
 * record of the workload went through before the time limit, and what it computed, to be checked
 * against the workload.
 */
record Measured<T>(List<Long> batchMillis, boolean complete, T computed) {}
