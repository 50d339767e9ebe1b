package dev.streamstate.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The messages of assertions that failed in Spark tasks. In streaming mode a failed PAssert fails
 * its task, Spark logs the error and the job goes on; the test runner then sees a failure counter,
 * not the assertion's message ("expected … but: …"). Spark starts this listener with every context
 * ({@code spark.extraListeners}), and {@link TestRunner} reports what it heard.
 */
public final class AssertionFailures extends SparkListener {
  private static final List<String> MESSAGES = new ArrayList<>();

  /** Called by Spark for {@code spark.extraListeners}. */
  public AssertionFailures(SparkConf conf) {}

  /**
   * Makes every Spark context started from now on in this JVM report its failed assertions here.
   */
  static void listen() {
    ExtraListeners.add(AssertionFailures.class);
  }

  static synchronized void clear() {
    MESSAGES.clear();
  }

  /** The failed assertions' messages heard since {@link #clear()}, each once. */
  static synchronized List<String> messages() {
    return new ArrayList<>(MESSAGES);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.reason() instanceof ExceptionFailure failure) {
      String error = failure.className() + ": " + failure.description();
      if (error.contains("AssertionError")) {
        record(error);
      }
    }
  }

  private static synchronized void record(String message) {
    if (!MESSAGES.contains(message)) {
      MESSAGES.add(message);
    }
  }
}
