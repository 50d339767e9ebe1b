package dev.streamstate.runners;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.streaming.StreamingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark plugin that starts no task of a streaming batch of Beam's Spark runner before the runner
 * has advanced its watermarks past the batch before it, so that every stage of a batch reads the
 * same watermarks. For local masters, where the tasks run in the driver's JVM beside the runner's
 * watermarks; {@link SparkStreaming#configure} installs and arms it.
 *
 * <p>Beam's runner advances its one global watermark per source in a streaming listener, which
 * Spark calls on its listener thread some time after a batch completes, and every GroupByKey reads
 * it when its tasks run. A batch queued behind a slow one starts at once: its first GroupByKey can
 * then read the watermark of two batches back while a later one reads the new one. A window the
 * first fires then reaches the second as already late and is dropped, with no error: a replayed
 * stream whose data batch ran long ended with no results at all, and a listener that is slow once
 * (a user's, or a progress line that reads the job's counters) loses results in any stream. Beam's
 * own streaming tests wait the same way, for their test input only ({@code
 * WatermarkSyncedDStream}); our runner keeps watermarks per batch and stage and needs none of this.
 */
public final class WatermarkBarrier implements SparkPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(WatermarkBarrier.class);

  /** The local property Spark Streaming gives every job of a batch: the batch's time in millis. */
  private static final String BATCH_TIME = "spark.streaming.internal.batchTime";

  /**
   * How long a task waits at most: the listener thread is late by milliseconds, by seconds when
   * loaded. Longer means the listener lost the event (its queue was full), and waiting would not
   * bring it.
   */
  private static final long MOST_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static volatile boolean armed;

  /** The latest batch whose tasks started, and the one before it (0: none in this job). */
  private static long latestBatch;

  private static long batchBefore;

  /** The latest batch whose tasks were let through without the watermarks of the one before. */
  private static volatile long givenUpOn;

  /** Makes the barrier hold the tasks of the streaming job about to start (on Beam's runner). */
  static synchronized void arm() {
    armed = true;
    latestBatch = 0;
    batchBefore = 0;
    givenUpOn = 0;
  }

  /** Lets every task through: the job about to start is not a stream on Beam's runner. */
  static synchronized void disarm() {
    armed = false;
  }

  /** The system property Spark reads the plugins from, with this one added. */
  static String withThisPlugin(String plugins) {
    String name = WatermarkBarrier.class.getName();
    if (plugins == null || plugins.isBlank()) {
      return name;
    }
    return java.util.Arrays.asList(plugins.split("\\s*,\\s*")).contains(name)
        ? plugins
        : plugins + "," + name;
  }

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      private boolean inDriver;

      @Override
      public void init(PluginContext context, Map<String, String> extraConf) {
        // An executor of a cluster has no watermarks of the runner's to wait for; a local master's
        // one executor is the driver, whose id is "driver".
        inDriver = "driver".equals(context.executorID());
      }

      @Override
      public void onTaskStart() {
        if (inDriver && armed) {
          awaitBatchBefore(TaskContext.get());
        }
      }
    };
  }

  /** Waits until the runner has advanced its watermarks past the batch before the task's. */
  static void awaitBatchBefore(TaskContext task) {
    String time = task == null ? null : task.getLocalProperty(BATCH_TIME);
    if (time == null) {
      return; // not a batch's job (the source's read while a batch is made)
    }
    long batch = Long.parseLong(time);
    long before;
    synchronized (WatermarkBarrier.class) {
      if (batch > latestBatch) {
        batchBefore = latestBatch;
        latestBatch = batch;
      }
      before = batch == latestBatch ? batchBefore : 0;
    }
    if (before == 0) {
      return; // the job's first batch (or the first one it recomputes after a restart)
    }
    long deadline = System.nanoTime() + MOST_NANOS;
    while (GlobalWatermarkHolder.getLastWatermarkedBatchTime() < before && givenUpOn < before) {
      if (System.nanoTime() > deadline || StreamingContext.getActive().isEmpty()) {
        givenUpOn = before; // the batch's other tasks need not wait for it either
        LOG.warn(
            "Beam's Spark runner has not advanced its watermarks past batch {} in {} s: batch {} runs with older ones",
            before,
            TimeUnit.NANOSECONDS.toSeconds(MOST_NANOS),
            batch);
        return;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // a cancelled task: let Spark end it
        return;
      }
    }
  }
}
