package dev.streamstate.conformance;

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
 */
public final class StopSparkAfterEachTest extends RunListener {
  @Override
  public void testFinished(Description description) {
    scala.Option<StreamingContext> streaming = StreamingContext.getActive();
    if (streaming.isDefined()) {
      streaming.get().stop(true, false);
    }
    // Spark's own accessor of the running context (package-private in Scala, public in the bytecode).
    scala.Option<SparkContext> spark = SparkContext$.MODULE$.getActive();
    if (spark.isDefined()) {
      spark.get().stop();
    }
  }
}
