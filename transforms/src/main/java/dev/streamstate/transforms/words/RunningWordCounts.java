package dev.streamstate.transforms.words;

import dev.streamstate.transforms.common.Ones;
import dev.streamstate.transforms.running.RunningTotal;
import dev.streamstate.transforms.running.RunningTotals;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * Running word counts held in state, the DStream {@code StatefulNetworkWordCount}: lines are split
 * into words and each word's count is kept by {@link RunningTotals} (with its initial counts and
 * idle timeout), emitting the new count on every occurrence.
 */
public final class RunningWordCounts
    extends PTransform<PCollection<String>, PCollection<RunningTotal>> {

  private final RunningTotals totals;

  private RunningWordCounts(RunningTotals totals) {
    this.totals = totals;
  }

  /** Counts words with {@code totals}, e.g. {@code RunningTotals.perKey().withIdleTimeout(…)}. */
  public static RunningWordCounts with(RunningTotals totals) {
    return new RunningWordCounts(totals);
  }

  @Override
  public PCollection<RunningTotal> expand(PCollection<String> lines) {
    return lines
        .apply("SplitWords", SplitWords.fromLines())
        .apply("Ones", Ones.perElement())
        .apply("Count", totals);
  }
}
