package dev.streamstate.pipelines;

import static dev.streamstate.transforms.common.JsonLines.fields;

import dev.streamstate.pipelines.options.Seconds;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.samples.Generators;
import dev.streamstate.transforms.common.JsonLines;
import dev.streamstate.transforms.running.RunningTotals;
import dev.streamstate.transforms.words.RunningWordCounts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Running word counts in state with initial state and an idle timeout: the DStream {@code
 * StatefulNetworkWordCount} ({@code mapWithState} with {@code initialState} and {@code timeout}).
 */
public final class RunningWordCountPipeline {
  private RunningWordCountPipeline() {}

  /** Options of running-word-count. */
  public interface Options extends StreamStateOptions {
    @Description("Initial counts, word=count pairs separated by commas, e.g. dummy=100,source=32")
    @Default.String("")
    String getInitialState();

    void setInitialState(String initialState);

    @Description(
        "Seconds without an occurrence after which a word's count is dropped (a timed-out record"
            + " is emitted); 0 keeps counts forever")
    @Default.Long(60)
    long getIdleTimeoutSeconds();

    void setIdleTimeoutSeconds(long idleTimeoutSeconds);
  }

  public static final PipelineSpec<Options> SPEC =
      new PipelineSpec<>(
          "running-word-count",
          "running count per word kept in state, with initial state and idle timeout",
          "{word, count}, and {word, count, timed_out: true} when a word times out",
          List.of("word"),
          Options.class,
          Map.of("cassandraTable", "running_word_counts"),
          options -> Generators.SENTENCES,
          RunningWordCountPipeline::logic);

  static PCollectionTuple logic(PCollection<String> lines, Options options) {
    RunningTotals counts =
        RunningTotals.perKey()
            .withInitialTotals(parseInitialState(options.getInitialState()))
            .withIdleTimeout(
                Seconds.nonNegative("idleTimeoutSeconds", options.getIdleTimeoutSeconds()));
    return Outputs.of(
        lines
            .apply("CountWords", RunningWordCounts.with(counts))
            .apply(
                "AsJson",
                JsonLines.of(
                    count ->
                        count.timedOut()
                            ? fields("word", count.key(), "count", count.total(), "timed_out", true)
                            : fields("word", count.key(), "count", count.total()))));
  }

  /** Parses {@code word=count,word=count}; an empty text is no initial state. */
  public static Map<String, Long> parseInitialState(String text) {
    Map<String, Long> counts = new LinkedHashMap<>();
    if (text.isBlank()) {
      return counts;
    }
    for (String pair : text.split(",")) {
      String[] wordAndCount = pair.trim().split("=", -1);
      try {
        if (wordAndCount.length != 2 || wordAndCount[0].isBlank()) {
          throw new NumberFormatException();
        }
        counts.merge(wordAndCount[0].trim(), Long.parseLong(wordAndCount[1].trim()), Long::sum);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--initialState must be word=count pairs separated by commas, e.g."
                + " dummy=100,source=32; '"
                + pair.trim()
                + "' is not one");
      }
    }
    return counts;
  }
}
