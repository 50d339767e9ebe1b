package dev.streamstate.conformance;

import org.apache.beam.runners.spark.io.MicrobatchSource;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.streaming.StreamingContext;
import org.junit.runner.Description;
import org.junit.runner.notification.RunListener;

/**
 * Stops whatever Spark left running after each test. A test that fails while its pipeline is
 * translated or started (an unsupported feature) leaves its Spark context open, and Spark allows
 * one per JVM: every later test in the JVM would then fail with "Only one SparkContext should be
 * running", and the table would count them as failures of the runner.
 *
 * <p>It also empties the runner's cache of source readers, as our pipelines do before they start:
 * the runner keeps readers for 1.5 batch intervals, keyed by source number and split only, so a
 * test starting right after another can be handed that test's reader, already at its end, and its
 * own input never comes ({@code testEventTimeTimerAlignBounded} saw {@code in []} once, in a run
 * where it started the moment the test before it ended, two seconds after that one began).
 */
public final class StopSparkAfterEachTest extends RunListener {
  @Override
  public void testFinished(Description description) {
    scala.Option<StreamingContext> streaming = StreamingContext.getActive();
    if (streaming.isDefined()) {
      streaming.get().stop(true, false);
    }
    // Spark's own accessor of the running context (package-private in Scala, public in the
    // bytecode).
    scala.Option<SparkContext> spark = SparkContext$.MODULE$.getActive();
    if (spark.isDefined()) {
      spark.get().stop();
    }
    try {
      MicrobatchSource.clearCache();
    } catch (NullPointerException noneYet) {
      // The runner makes its cache with the first reader: nothing to forget yet.
    }
  }
}
