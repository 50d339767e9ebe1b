package dev.streamstate.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap a benchmark's JVM has in use once garbage is collected. Spark runs local[2] jobs in this
 * JVM, so the figure once a job's workload is in, the job still running, less the figure without
 * the job, is what the job holds: its state with every version Spark keeps for recovery, its caches
 * and its buffers.
 */
final class Heap {
  private static final int COLLECTIONS = 3;

  private Heap() {}

  /**
   * Bytes of heap in use after full collections; collected more than once, for what finalizers
   * free.
   */
  static long inUseAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < COLLECTIONS; i++) {
      memory.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
