package dev.streamstate.testing;

import java.io.IOException;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.common.errors.InterruptException;

/** Ending the streaming jobs that tests and benchmarks start. */
public final class StreamingRuns {
  private StreamingRuns() {}

  /**
   * Cancels a streaming job on the Spark runner once its results are in. The runner stops
   * gracefully, and when that interrupts a Kafka reader while the next micro-batch is being made,
   * it reports the interruption as the job's failure ("Failed to create partitions.", caused by
   * Kafka's {@link InterruptException}): a race of the stop itself, which says nothing about the
   * results, so that one failure is let go. Any other failure is thrown.
   */
  public static void cancel(PipelineResult result) throws IOException {
    try {
      result.cancel();
    } catch (RuntimeException e) {
      if (!interruptedWhileStopping(e)) {
        throw e;
      }
    }
  }

  private static boolean interruptedWhileStopping(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof InterruptException) {
        return true;
      }
    }
    return false;
  }
}
