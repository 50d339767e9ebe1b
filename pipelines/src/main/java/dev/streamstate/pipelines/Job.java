package dev.streamstate.pipelines;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.DeadLetter;
import dev.streamstate.transforms.JsonLines;
import dev.streamstate.transforms.Metered;
import java.io.IOException;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import sun.misc.Signal;

/**
 * Runs a pipeline's logic between the source and sink its options choose, with the dead letters
 * of every stage gathered into one output, on the runner its options name. This is the same for
 * every pipeline, so a pipeline is only its logic.
 */
final class Job {
  private static final String RESULTS = "results";
  private static final String DEAD_LETTERS = "dead_letters";

  private Job() {}

  /**
   * What a finished run wrote, in one line: how many results, and how many dead letters and where
   * they are (each dead letter carries its payload and the reason it could not be used).
   */
  static String summary(PipelineResult result, StreamStateOptions options) {
    long results = counter(result, RESULTS);
    long deadLetters = counter(result, DEAD_LETTERS);
    String where =
        deadLetters == 0
            ? ""
            : options.getDeadLetters() == null
                ? ", each with its reason above"
                : ", each with its reason in " + options.getDeadLetters();
    return results + (results == 1 ? " result, " : " results, ")
        + deadLetters + (deadLetters == 1 ? " dead letter" : " dead letters") + where;
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    MetricsFilter filter =
        MetricsFilter.builder().addNameFilter(MetricNameFilter.named(Metered.NAMESPACE, name)).build();
    for (MetricResult<Long> counter : result.metrics().queryMetrics(filter).getCounters()) {
      total += counter.getAttempted();
    }
    return total;
  }

  /** Checks the options (failing fast with what to fix), builds, runs and waits. */
  static <O extends StreamStateOptions> PipelineResult run(PipelineSpec<O> spec, O options) {
    PipelineResult result = start(spec, options);
    if (Sources.named(options.getSource()).unbounded()) {
      stopOnCtrlC(result);
    }
    result.waitUntilFinish();
    return result;
  }

  /**
   * Ctrl-C cancels the job, and only then ends the JVM. Left to the shutdown hooks alone, Spark's
   * hook and the runner's own stop (returning from waitUntilFinish) race for the streaming
   * context, and the JVM sometimes hung for 90 s in Spark's hook time-outs.
   */
  private static void stopOnCtrlC(PipelineResult result) {
    Signal.handle(
        new Signal("INT"),
        signal -> {
          try {
            result.cancel();
          } catch (IOException | RuntimeException e) {
            System.err.println("streamstate: while stopping: " + e.getMessage());
          }
          System.exit(130);
        });
  }

  /** Checks the options, builds and starts the pipeline; a stream then runs until cancelled. */
  static <O extends StreamStateOptions> PipelineResult start(PipelineSpec<O> spec, O options) {
    Sources source = Sources.named(options.getSource());
    Sinks sink = Sinks.named(options.getSink());
    Duration batch = Seconds.positive("batchSeconds", options.getBatchSeconds());
    sink.check(options);
    source.check(options);

    Pipeline pipeline = Pipeline.create(options);
    PCollectionTuple payloads = source.read(pipeline, options, spec.generator().apply(options));
    PCollectionTuple results =
        payloads
            .get(Outputs.MAIN)
            .apply(spec.name(), PTransform.compose((PCollection<String> in) -> spec.logic().apply(in, options)));
    PCollection<String> main = results.get(Outputs.MAIN).apply(Metered.as(RESULTS));
    sink.write(sink == Sinks.CASSANDRA && results.has(Outputs.ROWS) ? results.get(Outputs.ROWS) : main, options, source.unbounded());

    PCollectionList<DeadLetter> deadLetters = PCollectionList.empty(pipeline);
    for (PCollectionTuple stage : new PCollectionTuple[] {payloads, results}) {
      if (stage.has(DeadLetter.TAG)) {
        deadLetters = deadLetters.and(stage.get(DeadLetter.TAG));
      }
    }
    if (deadLetters.size() > 0) {
      PCollection<String> unreadable =
          deadLetters
              .apply("AllDeadLetters", Flatten.pCollections())
              .apply(Metered.as(DEAD_LETTERS))
              .apply("DeadLettersAsJson", JsonLines.deadLetters());
      if (options.getDeadLetters() == null) {
        unreadable.apply("PrintToStderr", Sinks.stderr());
      } else {
        Sinks.writeFiles(unreadable, options.getDeadLetters(), source.unbounded());
      }
    }

    SparkStreaming.configure(options, batch, source.unbounded());
    return pipeline.run();
  }
}
