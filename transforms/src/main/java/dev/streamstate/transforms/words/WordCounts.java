package dev.streamstate.transforms.words;

import dev.streamstate.transforms.windows.EventTimeWindows;
import dev.streamstate.transforms.windows.WindowOps;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Counts words per event-time window: per-batch counts with tumbling windows (DStream word count),
 * sliding counts with sliding windows ({@code countByValueAndWindow} on words).
 */
public final class WordCounts
    extends PTransform<PCollection<String>, PCollection<KV<String, Long>>> {

  private final EventTimeWindows windows;

  private WordCounts(EventTimeWindows windows) {
    this.windows = windows;
  }

  /** Word counts of the lines in each of {@code windows}. */
  public static WordCounts in(EventTimeWindows windows) {
    return new WordCounts(windows);
  }

  @Override
  public PCollection<KV<String, Long>> expand(PCollection<String> lines) {
    return lines
        .apply("SplitWords", SplitWords.fromLines())
        .apply("CountValues", WindowOps.countByValueAndWindow(windows));
  }
}
