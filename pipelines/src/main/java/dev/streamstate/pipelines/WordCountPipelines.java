package dev.streamstate.pipelines;

import dev.streamstate.pipelines.options.OptionWindows;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.options.WindowOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.samples.Generators;
import dev.streamstate.transforms.windows.EventTimeWindows;
import dev.streamstate.transforms.words.WordCounts;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Word counts per event-time window, the DStream {@code NetworkWordCount}: per micro-batch
 * (tumbling windows) and over sliding windows ({@code countByValueAndWindow} on words). One logic,
 * two windowings.
 */
public final class WordCountPipelines {
  private WordCountPipelines() {}

  public static final PipelineSpec<StreamStateOptions> PER_BATCH =
      new PipelineSpec<>(
          "word-count",
          "word counts per batch: tumbling event-time windows of --batchSeconds",
          "{window_start, window_end, word, count}",
          List.of("window_start", "word"),
          StreamStateOptions.class,
          Map.of(),
          options -> Generators.SENTENCES,
          countWordsIn(OptionWindows::batches));

  public static final PipelineSpec<WindowOptions> SLIDING =
      new PipelineSpec<>(
          "windowed-word-count",
          "word counts over sliding windows of --windowSeconds every --slideSeconds",
          "{window_start, window_end, word, count}",
          List.of("window_start", "word"),
          WindowOptions.class,
          Map.of(),
          options -> Generators.SENTENCES,
          countWordsIn(OptionWindows::sliding));

  private static <O extends StreamStateOptions>
      BiFunction<PCollection<String>, O, PCollectionTuple> countWordsIn(
          Function<O, EventTimeWindows> windows) {
    return (lines, options) ->
        Outputs.of(
            lines
                .apply("CountWords", WordCounts.in(windows.apply(options)))
                .apply("AsJson", Results.windowedPairs("word", "count")));
  }
}
