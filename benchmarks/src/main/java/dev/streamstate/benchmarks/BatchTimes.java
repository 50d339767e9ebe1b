package dev.streamstate.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.streaming.api.java.JavaStreamingListener;
import org.apache.spark.streaming.api.java.JavaStreamingListenerBatchCompleted;

/**
 * Batch processing times as Spark's own streaming listener reports them (what the Spark UI's
 * Streaming tab shows), for native DStream jobs and Beam jobs on the Spark runner alike.
 */
public final class BatchTimes extends JavaStreamingListener {
  private final List<Long> millis = new ArrayList<>();

  @Override
  public synchronized void onBatchCompleted(JavaStreamingListenerBatchCompleted completed) {
    long processing = completed.batchInfo().processingDelay();
    if (processing >= 0) {
      millis.add(processing);
    }
  }

  /** How many batches have completed. */
  public synchronized int count() {
    return millis.size();
  }

  /** The processing times of {@code count} batches after the first {@code skip}, in order. */
  public synchronized List<Long> window(int skip, int count) {
    return new ArrayList<>(millis.subList(Math.min(skip, millis.size()), Math.min(skip + count, millis.size())));
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
