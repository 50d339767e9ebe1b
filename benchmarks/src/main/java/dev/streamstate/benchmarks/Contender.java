package dev.streamstate.benchmarks;

import java.nio.file.Path;

/**
 * One job of a benchmark, ours or native, by the name its figures go under: it runs a {@link
 * Workload} through and reports the times of {@code batches} steady batches after {@code settle}
 * and what it computed.
 */
record Contender<T>(String name, boolean ours, Job<T> job) {
  Contender {
    if (name.contains(",")) {
      throw new IllegalArgumentException("a contender's name is a CSV column of its own: no commas in '" + name + "'");
    }
  }

  /** Runs a workload through one job. */
  @FunctionalInterface
  interface Job<T> {
    Measured<T> run(Workload workload, int settle, int batches, Path checkpoints) throws Exception;
  }
}
