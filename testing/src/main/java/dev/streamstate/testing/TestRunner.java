package dev.streamstate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.runners.TestStreamStateSparkRunner;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.spark.TestSparkPipelineOptions;
import org.apache.beam.runners.spark.TestSparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;

/**
 * The runner-parity harness: the same test pipeline, with its {@link PAssert}s, runs on the
 * DirectRunner, on Beam's Spark runner in streaming mode and on that runner with our translation
 * of stateful ParDo and GroupByKey. Use it as the source of a JUnit 5
 * {@code @ParameterizedTest @EnumSource(TestRunner.class)}; run processing-time scenarios on
 * {@link #DIRECT} only (the Spark runners cannot advance a TestStream's processing time).
 *
 * <p>{@link #run} proves that every assertion actually ran. That matters on Spark: in streaming
 * mode {@code TestSparkRunner} stops at the final watermark without checking its assertions, so
 * a PAssert that never fires would pass silently. Here the runner's PAssert success and failure
 * counters must show exactly one success per assertion and no failure.
 */
public enum TestRunner {
  DIRECT {
    @Override
    PipelineOptions options() {
      PipelineOptions options = PipelineOptionsFactory.create();
      options.setRunner(DirectRunner.class);
      return options;
    }

    @Override
    PipelineResult execute(Pipeline pipeline) {
      PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      return result;
    }
  },

  SPARK {
    @Override
    PipelineOptions options() {
      return sparkOptions(TestSparkRunner.class);
    }
  },

  /**
   * The Spark runner with our translation of stateful ParDo and GroupByKey ({@link
   * TestStreamStateSparkRunner}), the same options as {@link #SPARK}.
   */
  SPARK_INDEXED {
    @Override
    PipelineOptions options() {
      return sparkOptions(TestStreamStateSparkRunner.class);
    }
  };

  abstract PipelineOptions options();

  /** Runs the pipeline to its end; the Spark runners stop when the watermark reaches the end. */
  PipelineResult execute(Pipeline pipeline) {
    return pipeline.run();
  }

  private static PipelineOptions sparkOptions(Class<? extends PipelineRunner<?>> runner) {
    TestSparkPipelineOptions options = PipelineOptionsFactory.as(TestSparkPipelineOptions.class);
    options.setRunner(runner);
    options.setForceStreaming(true);
    options.setSparkMaster("local[2]");
    // TestStream on Spark emits one event per micro-batch: short batches keep tests quick.
    options.setBatchIntervalMillis(300L);
    options.setMinReadTimeMillis(100L);
    options.setStopPipelineWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
    options.setTestTimeoutSeconds(180L);
    options.setEnableSparkMetricSinks(false);
    return options;
  }

  /** A new pipeline for this runner. */
  public Pipeline newPipeline() {
    return Pipeline.create(options());
  }

  /** Runs {@code pipeline} to the end and fails unless every PAssert in it ran and held. */
  public PipelineResult run(Pipeline pipeline) {
    int assertions = PAssert.countAsserts(pipeline);
    PipelineResult result = execute(pipeline);
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(PAssert.class))
                    .build());
    assertEquals(0, count(metrics, PAssert.FAILURE_COUNTER), this + ": failed assertions");
    assertEquals(
        assertions,
        count(metrics, PAssert.SUCCESS_COUNTER),
        this + ": assertions that ran and held, of " + assertions + " in the pipeline");
    return result;
  }

  /** The attempted value of every counter called {@code name}, whatever its namespace, summed. */
  public static long counter(PipelineResult result, String name) {
    return count(result.metrics().queryMetrics(MetricsFilter.builder().build()), name);
  }

  private static long count(MetricQueryResults metrics, String name) {
    long total = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (counter.getName().getName().equals(name)) {
        total += counter.getAttempted();
      }
    }
    return total;
  }
}
