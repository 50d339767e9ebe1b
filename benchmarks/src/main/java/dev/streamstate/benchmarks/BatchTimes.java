package dev.streamstate.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.streaming.api.java.JavaStreamingListener;
import org.apache.spark.streaming.api.java.JavaStreamingListenerBatchCompleted;

/**
 * Batch processing times and input records as Spark's own streaming listener reports them (what the
 * Spark UI's Streaming tab shows), for native DStream jobs and Beam jobs on the Spark runner alike.
 * The records tell when a workload's load is in and which batches carried data, so every contender
 * is measured on the same part of the workload whatever its pace.
 */
public final class BatchTimes extends JavaStreamingListener {
  private final List<Long> millis = new ArrayList<>();
  private final List<Long> records = new ArrayList<>();
  private final List<Long> starts = new ArrayList<>();
  private final List<Long> ends = new ArrayList<>();

  /**
   * One completed batch: its processing time, its input records, and when its processing started
   * and ended (epoch milliseconds), which tells a profile's samples of this batch from the rest.
   */
  public record Batch(long millis, long records, long startMillis, long endMillis) {}

  @Override
  public synchronized void onBatchCompleted(JavaStreamingListenerBatchCompleted completed) {
    long processing = completed.batchInfo().processingDelay();
    if (processing >= 0) {
      millis.add(processing);
      records.add(completed.batchInfo().numRecords());
      starts.add(completed.batchInfo().processingStartTime());
      ends.add(completed.batchInfo().processingEndTime());
    }
  }

  /** How many batches have completed. */
  public synchronized int count() {
    return millis.size();
  }

  /** The input records of all completed batches. */
  public synchronized long records() {
    return records.stream().mapToLong(Long::longValue).sum();
  }

  /**
   * At most {@code count} batches that carried records, after the batch that completed the first
   * {@code loadRecords} records and {@code settle} batches with records after it (a window filling
   * up, say), in order.
   */
  public synchronized List<Batch> steady(long loadRecords, int settle, int count) {
    return steadyBatches(loadRecords, settle, count).stream()
        .map(i -> new Batch(millis.get(i), records.get(i), starts.get(i), ends.get(i)))
        .toList();
  }

  private List<Integer> steadyBatches(long loadRecords, int settle, int count) {
    List<Integer> steady = new ArrayList<>();
    long seen = 0;
    int skipped = 0;
    for (int i = 0; i < millis.size() && steady.size() < count; i++) {
      boolean loading = seen < loadRecords;
      seen += records.get(i);
      if (loading || records.get(i) == 0) {
        continue;
      }
      if (skipped < settle) {
        skipped++;
      } else {
        steady.add(i);
      }
    }
    return steady;
  }

  /** The {@code q}-quantile (0..1) of {@code values}, nearest rank. */
  public static long quantile(List<Long> values, double q) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no batches measured");
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(Long::compare);
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
