package dev.streamstate.benchmarks;

import java.nio.file.Path;

/**
 * One job of a benchmark, ours or native, by the name its figures go under: it runs a {@link
 * Workload} through and reports the times of {@code batches} steady batches after {@code settle}
 * and what it computed. A contender known to fall behind beyond some size is not run there ({@code
 * maxSize}, with the reason the report gives).
 */
record Contender<T>(String name, boolean ours, Job<T> job, long maxSize, String whyNotLarger) {
  Contender {
    if (name.contains(",")) {
      throw new IllegalArgumentException(
          "a contender's name is a CSV column of its own: no commas in '" + name + "'");
    }
  }

  Contender(String name, boolean ours, Job<T> job) {
    this(name, ours, job, Long.MAX_VALUE, "");
  }

  /** This contender, run only up to {@code size} because of {@code why}. */
  Contender<T> upTo(long size, String why) {
    return new Contender<>(name, ours, job, size, why);
  }

  /** Runs a workload through one job. */
  @FunctionalInterface
  interface Job<T> {
    Measured<T> run(Workload workload, int settle, int batches, Path checkpoints) throws Exception;
  }
}
