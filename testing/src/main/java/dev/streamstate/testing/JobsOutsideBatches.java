package dev.streamstate.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * The Spark jobs a streaming run started outside its batches' output operations, by where they were
 * called from. Spark Streaming gives each output operation's jobs its id as a local property; a job
 * without one ran on the thread that makes the batches and writes the checkpoints, and held that
 * thread until the running batch let it through.
 */
public final class JobsOutsideBatches extends SparkListener {
  private static final String OUTPUT_OPERATION = "spark.streaming.internal.outputOpId";
  private static final List<String> CALLERS = new ArrayList<>();

  /** Called by Spark for {@code spark.extraListeners}. */
  public JobsOutsideBatches(SparkConf conf) {}

  /**
   * Runs {@code run} with every Spark context it starts reporting here, and returns where the jobs
   * outside output operations were called from, or throws what {@code run} threw.
   */
  public static List<String> during(ThrowingRunnable run) throws Exception {
    synchronized (CALLERS) {
      CALLERS.clear();
    }
    String before = ExtraListeners.add(JobsOutsideBatches.class);
    try {
      run.run();
    } finally {
      ExtraListeners.restore(before);
    }
    synchronized (CALLERS) {
      return new ArrayList<>(CALLERS);
    }
  }

  /** What {@link #during} runs. */
  public interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    Properties properties = job.properties();
    if (properties == null || properties.getProperty(OUTPUT_OPERATION) == null) {
      synchronized (CALLERS) {
        CALLERS.add(
            properties == null
                ? "job " + job.jobId()
                : properties.getProperty("callSite.short", "job " + job.jobId()));
      }
    }
  }
}
