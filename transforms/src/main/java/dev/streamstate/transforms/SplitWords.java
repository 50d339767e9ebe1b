package dev.streamstate.transforms;

import java.util.Arrays;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Splits lines into words on whitespace, dropping empties and keeping case (as the seeds do). */
public final class SplitWords extends PTransform<PCollection<String>, PCollection<String>> {

  private SplitWords() {}

  public static SplitWords fromLines() {
    return new SplitWords();
  }

  @Override
  public PCollection<String> expand(PCollection<String> lines) {
    return lines.apply(
        "Split",
        FlatMapElements.into(TypeDescriptors.strings())
            .via(line -> Arrays.stream(line.split("\\s+")).filter(w -> !w.isEmpty()).toList()));
  }
}
