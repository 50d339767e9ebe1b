package dev.streamstate.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.runners.TestStreamStateSparkRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.junit.jupiter.api.Assumptions;

/**
 * The runner-parity harness: the same test pipeline, with its {@link PAssert}s, runs on the
 * DirectRunner, on Beam's Spark runner in streaming mode and on that runner with our translation of
 * stateful ParDo and GroupByKey. Use it as the source of a JUnit 5
 * {@code @ParameterizedTest @EnumSource(TestRunner.class)}; run processing-time scenarios on {@link
 * #DIRECT} only (the Spark runners cannot advance a TestStream's processing time). What Beam's own
 * translation refuses at translation (event-time timers, {@code @OnWindowExpiration}) is skipped on
 * {@link #SPARK} with the runner's own message.
 *
 * <p>{@link #run} proves that every assertion actually ran. That matters on Spark: in streaming
 * mode {@code TestSparkRunner} stops at the final watermark without checking its assertions, so a
 * PAssert that never fires would pass silently. Here the runner's PAssert counters are read per
 * assertion (each has a step of its own): every assertion must have succeeded exactly once and none
 * failed, so one assertion firing twice cannot hide another that never fired. A failed assertion on
 * Spark is reported with its own message, which Spark only logs (see {@link AssertionFailures}).
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

    /**
     * Skips the test, with the runner's own words, where Beam's translation refuses a feature at
     * translation (event-time timers and {@code @OnWindowExpiration} in streaming, for example):
     * that is this runner's limit, not a failure of the pipeline under test.
     */
    @Override
    PipelineResult execute(Pipeline pipeline) {
      try {
        return pipeline.run();
      } catch (RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
          String message = String.valueOf(cause.getMessage());
          if (cause instanceof IllegalStateException
              && (message.contains("not yet supported in streaming mode")
                  || message.contains("is not supported"))) {
            Assumptions.abort("Beam's SparkRunner refuses it: " + message);
          }
        }
        throw e;
      }
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
    SparkStreaming.useSparkSettings(); // Beam's runner as our jobs run it; ours sets them itself
    AssertionFailures.listen();
    return options;
  }

  /**
   * Whether this runner fires event-time timers in streaming, as the pipelines judge it ({@link
   * SparkStreaming#hasEventTimeTimers}): what they never choose on a runner, a test need not run
   * there either.
   */
  public boolean hasEventTimeTimers() {
    return SparkStreaming.hasEventTimeTimers(options().getRunner());
  }

  /** A new pipeline for this runner. */
  public Pipeline newPipeline() {
    return Pipeline.create(options());
  }

  /** Runs {@code pipeline} to the end and fails unless every PAssert in it ran once and held. */
  public PipelineResult run(Pipeline pipeline) {
    int assertions = PAssert.countAsserts(pipeline);
    AssertionFailures.clear();
    PipelineResult result = execute(pipeline);
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(PAssert.class))
                    .build());
    String problems =
        assertionProblems(
            assertions,
            perStep(metrics, PAssert.SUCCESS_COUNTER),
            perStep(metrics, PAssert.FAILURE_COUNTER),
            AssertionFailures.messages());
    if (!problems.isEmpty()) {
      fail(this + ": " + problems);
    }
    return result;
  }

  /**
   * What is wrong with a run's assertions, or nothing: each of the {@code assertions} must have
   * succeeded exactly once ({@code successes} per assertion step) and none failed; {@code messages}
   * are the failed assertions' own words, where the runner only logged them.
   */
  static String assertionProblems(
      int assertions,
      Map<String, Long> successes,
      Map<String, Long> failures,
      List<String> messages) {
    List<String> problems = new ArrayList<>();
    failures.forEach((step, count) -> problems.add(step + " failed " + times(count)));
    successes.forEach(
        (step, count) -> {
          if (count != 1) {
            problems.add(step + " held " + times(count) + ", not once");
          }
        });
    if (successes.size() != assertions) {
      problems.add(
          successes.size() + " of the " + assertions + " assertions in the pipeline ran and held");
    }
    if (problems.isEmpty()) {
      return "";
    }
    StringBuilder report = new StringBuilder(String.join("; ", problems));
    for (String message : messages) {
      report.append("\n").append(message);
    }
    return report.toString();
  }

  private static String times(long count) {
    return count == 1 ? "once" : count + " times";
  }

  /** The attempted value of the counter {@code name} per step that reported it. */
  private static Map<String, Long> perStep(MetricQueryResults metrics, String name) {
    Map<String, Long> counts = new TreeMap<>();
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (counter.getName().getName().equals(name) && counter.getAttempted() != 0) {
        counts.merge(counter.getKey().stepName(), counter.getAttempted(), Long::sum);
      }
    }
    return counts;
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
