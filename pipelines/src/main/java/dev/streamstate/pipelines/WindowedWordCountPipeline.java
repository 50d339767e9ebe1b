package dev.streamstate.pipelines;

import dev.streamstate.transforms.WordCounts;
import java.util.Map;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/** Sliding-window word counts: the DStream {@code countByValueAndWindow} on words. */
final class WindowedWordCountPipeline {
  private WindowedWordCountPipeline() {}

  static final PipelineSpec<WindowOptions> SPEC =
      new PipelineSpec<>(
          "windowed-word-count",
          "word counts over sliding windows of --windowSeconds every --slideSeconds",
          "{window_start, window_end, word, count}",
          WindowOptions.class,
          Map.of(),
          options -> Generators.SENTENCES,
          WindowedWordCountPipeline::logic);

  static PCollectionTuple logic(PCollection<String> lines, WindowOptions options) {
    return Outputs.of(
        lines
            .apply("CountWords", WordCounts.in(OptionWindows.sliding(options)))
            .apply("AsJson", Results.windowedPairs("word", "count")));
  }
}
