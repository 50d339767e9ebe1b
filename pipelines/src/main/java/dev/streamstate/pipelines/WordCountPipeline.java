package dev.streamstate.pipelines;

import dev.streamstate.transforms.WordCounts;
import java.util.Map;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/** Per-batch word counts: the DStream {@code NetworkWordCount}, in event time. */
final class WordCountPipeline {
  private WordCountPipeline() {}

  static final PipelineSpec<StreamStateOptions> SPEC =
      new PipelineSpec<>(
          "word-count",
          "word counts per batch: tumbling event-time windows of --batchSeconds",
          "{window_start, window_end, word, count}",
          StreamStateOptions.class,
          Map.of(),
          options -> Generators.SENTENCES,
          WordCountPipeline::logic);

  static PCollectionTuple logic(PCollection<String> lines, StreamStateOptions options) {
    return Outputs.of(
        lines
            .apply("CountWords", WordCounts.in(OptionWindows.batches(options)))
            .apply("AsJson", Results.windowedPairs("word", "count")));
  }
}
