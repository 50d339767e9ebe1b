package dev.streamstate.runners.counting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.testing.JobsOutsideBatches;
import dev.streamstate.testing.StreamingRuns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * GenerateSequence with a rate on our runner, read by the numbers due by each batch's time: every
 * number arrives once, stamped by the sequence's own function, its watermark closes each event-time
 * window once all of that window's numbers are in, and making the batches runs no Spark job.
 */
class CountingReadTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final java.time.Duration WAIT = java.time.Duration.ofMinutes(2);

  /** Window start (seconds after T0) → the sums its panes gave. */
  private static final ConcurrentLinkedQueue<long[]> PANES = new ConcurrentLinkedQueue<>();

  @Test
  void everyNumberArrivesOnceAndEachWindowClosesWhenItsNumbersAreIn() throws Exception {
    SparkPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=StreamStateSparkRunner", "--sparkMaster=local[2]")
            .as(SparkPipelineOptions.class);
    options.as(StreamingOptions.class).setStreaming(true);
    SparkStreaming.configure(options, Duration.millis(500), true);
    Pipeline pipeline = Pipeline.create(options);
    // 20 numbers a second, number n stamped T0 + 50 n ms: window k (second k after T0) holds
    // 20k to 20k + 19, whose sum is 400k + 190.
    pipeline
        .apply(
            "Numbers",
            GenerateSequence.from(0)
                .withRate(20, Duration.standardSeconds(1))
                .withTimestampFn(n -> T0.plus(Duration.millis(50 * n))))
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))))
        .apply(Combine.globally(Sum.ofLongs()).withoutDefaults())
        .apply(ParDo.of(new RecordPane()));

    PANES.clear();
    List<String> jobsOutsideBatches =
        JobsOutsideBatches.during(
            () -> {
              PipelineResult result = pipeline.run();
              try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!windows().keySet().containsAll(List.of(0L, 1L, 2L, 3L))
                    && System.nanoTime() < deadline) {
                  Thread.sleep(200);
                }
              } finally {
                StreamingRuns.cancel(result);
              }
            });

    Map<Long, List<Long>> windows = windows();
    for (long k = 0; k <= 3; k++) {
      assertEquals(List.of(400 * k + 190), windows.get(k), "the panes of window " + k);
    }
    assertEquals(List.of(), jobsOutsideBatches, "Spark jobs run while batches were made");
  }

  private static Map<Long, List<Long>> windows() {
    Map<Long, List<Long>> windows = new TreeMap<>();
    for (long[] pane : PANES) {
      windows.computeIfAbsent(pane[0], k -> new ArrayList<>()).add(pane[1]);
    }
    return windows;
  }

  private static final class RecordPane extends DoFn<Long, Void> {
    @ProcessElement
    public void process(@Element Long sum, BoundedWindow window) {
      long second = (((IntervalWindow) window).start().getMillis() - T0.getMillis()) / 1000;
      PANES.add(new long[] {second, sum});
    }
  }
}
