package dev.streamstate.benchmarks;

import dev.streamstate.testing.StreamingRuns;
import dev.streamstate.transforms.common.Metered;
import dev.streamstate.transforms.running.RunningTotal;
import dev.streamstate.transforms.running.RunningTotals;
import dev.streamstate.transforms.words.RunningWordCounts;
import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Our running count on Beam's Spark runner in streaming mode: the {@code running-word-count}
 * pipeline's transform, {@link RunningWordCounts} with {@link RunningTotals#perKey()} (no idle
 * timeout, {@code --idleTimeoutSeconds=0}: a timer would make the runner visit every key every
 * batch, and native {@code mapWithState} here has no timeout either), on a {@link Workload}; and
 * {@link #withIdleTimeout} the same with a timer per key, on Beam's runner or ours.
 */
public final class BeamRunningCounts {
  private static final String COUNTED = "counted";
  private static final String EMITTED_SUM = "emitted_sum";

  private BeamRunningCounts() {}

  /**
   * The running count without a timeout on {@code runner}, as {@code running-word-count
   * --idleTimeoutSeconds=0}.
   */
  static Contender.Job<RunningTally> plain(Class<? extends PipelineRunner<?>> runner) {
    return (workload, settle, batches, checkpoints) ->
        run(workload, settle, batches, checkpoints, runner, RunningTotals.perKey());
  }

  /**
   * The running count with an idle timeout longer than the run, as {@code running-word-count} has
   * by default: one processing-time timer per key, re-set by every update, that never fires.
   */
  static Contender.Job<RunningTally> withIdleTimeout(Class<? extends PipelineRunner<?>> runner) {
    return (workload, settle, batches, checkpoints) ->
        run(
            workload,
            settle,
            batches,
            checkpoints,
            runner,
            RunningTotals.perKey().withIdleTimeout(Duration.standardHours(1)));
  }

  /**
   * The running count with an event-time timeout longer than the run: one event-time timer per key,
   * re-set by every update from the update's time, pending all run.
   */
  static Contender.Job<RunningTally> withEventTimeTimeout(
      Class<? extends PipelineRunner<?>> runner) {
    return (workload, settle, batches, checkpoints) ->
        run(
            workload,
            settle,
            batches,
            checkpoints,
            runner,
            RunningTotals.perKey().withEventTimeTimeout(Duration.standardHours(1)));
  }

  private static Measured<RunningTally> run(
      Workload workload,
      int settle,
      int batches,
      Path checkpoints,
      Class<? extends PipelineRunner<?>> runner,
      RunningTotals runningCount)
      throws Exception {
    BatchTimes times = new BatchTimes();
    Pipeline pipeline = SparkJobs.beamPipeline(checkpoints, times, runner);
    PCollection<String> lines = pipeline.apply("Words", Read.from(new WorkloadSource(workload)));
    return count(lines, runningCount, times, workload, settle, batches);
  }

  /**
   * Counts the words of {@code lines}, the records of {@code workload} from any source, with {@code
   * runningCount}; runs the pipeline and cancels it once every record went through.
   */
  static Measured<RunningTally> count(
      PCollection<String> lines,
      RunningTotals runningCount,
      BatchTimes times,
      Workload workload,
      int settle,
      int batches)
      throws Exception {
    lines
        .apply("RunningCount", RunningWordCounts.with(runningCount))
        .apply("Tally", ParDo.of(new TallyFn()));
    PipelineResult result = lines.getPipeline().run();
    SparkJobs.Finish finish = SparkJobs.awaitAll(times, workload, 0);
    Map<String, Long> counters = Metered.counters(result);
    StreamingRuns.cancel(result);
    return new Measured<>(
        times.steady(workload.loadRecords(), settle, batches),
        finish,
        new RunningTally(
            counters.getOrDefault(COUNTED, 0L), counters.getOrDefault(EMITTED_SUM, 0L)));
  }

  /**
   * The job's output: each emitted count goes into the tally (one count is one record counted); a
   * timed-out record is not a count.
   */
  private static final class TallyFn extends DoFn<RunningTotal, Void> {
    private final Counter counted = Metrics.counter(Metered.NAMESPACE, COUNTED);
    private final Counter emittedSum = Metrics.counter(Metered.NAMESPACE, EMITTED_SUM);

    @ProcessElement
    public void process(@Element RunningTotal total) {
      if (total.timedOut()) {
        return; // a key's last record, not a count: timers may fire when the stream ends
      }
      counted.inc();
      emittedSum.inc(total.total());
    }
  }
}
