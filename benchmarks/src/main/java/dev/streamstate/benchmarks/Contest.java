package dev.streamstate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The contenders of one benchmark, run one after the other on the same workload (never two Spark
 * jobs at once: they would share the cores), each checked against the workload: the one driver
 * every streaming benchmark shares.
 */
record Contest<T>(
    String workload,
    List<Contender<T>> contenders,
    Predicate<String> chosen,
    BiFunction<Workload, T, String> check) {

  /**
   * Runs every chosen contender on {@code load}; one row each, {@code size} being the row's size.
   */
  List<Results.Row> run(long size, Workload load, int settle, int batches) throws Exception {
    Path checkpoints = Files.createTempDirectory(workload);
    List<Results.Row> rows = new ArrayList<>();
    for (Contender<T> contender : contenders) {
      if (!chosen.test(contender.name())) {
        continue;
      }
      if (size > contender.maxSize()) {
        rows.add(
            Results.Row.of(
                workload,
                size,
                contender,
                List.of(),
                -1,
                "not run at this size: " + contender.whyNotLarger()));
        continue;
      }
      long started = System.nanoTime();
      long heapBefore = Heap.inUseAfterGc();
      Path checkpointDir = checkpoints.resolve(rows.size() + "");
      Measured<T> measured =
          CostBreakdown.run(
              workload,
              size,
              contender.name(),
              () -> contender.job().run(load, settle, batches, checkpointDir));
      String verdict =
          measured.complete()
              ? check.apply(load, measured.computed())
              : "not every record went through in time: " + measured.computed();
      // The lower of the heap before the job and after it stopped: caches the JVM had before may be
      // freed meanwhile (Maven's soft references, in a suite run from Maven), and a stopped job may
      // leave something behind.
      long baseline = Math.min(heapBefore, Heap.inUseAfterGc());
      long held = Math.max(0, measured.finish().heapBytes() - baseline);
      Results.Row row =
          Results.Row.of(workload, size, contender, measured.batchMillis(), held, verdict);
      System.err.printf(
          "benchmark %s (%d s)%n",
          row, (System.nanoTime() - started) / 1_000_000_000L); // a long run's progress
      rows.add(row);
    }
    return rows;
  }
}
