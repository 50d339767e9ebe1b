package dev.streamstate.pipelines.runtime;

import dev.streamstate.transforms.common.DeadLetter;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What a source or a pipeline's logic hands on: its main output (payloads, or results as JSON
 * lines) and, where anything can fail to parse, its dead letters.
 */
public final class Outputs {
  /** The main output: payloads from a source, JSON lines from a pipeline's logic. */
  public static final TupleTag<String> MAIN = new TupleTag<String>() {};

  /**
   * The results a table or topic sink stores, where a pipeline's main output mixes kinds that one
   * table cannot hold (fraud: only the alerts go to {@code finances.alerts} and to the {@code
   * alerts} topic); without it, the main output.
   */
  public static final TupleTag<String> ROWS = new TupleTag<String>() {};

  private Outputs() {}

  /** Only a main output: nothing here can fail to parse. */
  public static PCollectionTuple of(PCollection<String> main) {
    return PCollectionTuple.of(MAIN, main);
  }

  /** A main output and the dead letters of the step that made it. */
  public static PCollectionTuple of(PCollection<String> main, PCollection<DeadLetter> deadLetters) {
    return PCollectionTuple.of(MAIN, main).and(DeadLetter.TAG, deadLetters);
  }

  /** A parse step's result, re-tagged. */
  public static PCollectionTuple of(WithFailures.Result<PCollection<String>, DeadLetter> parsed) {
    return of(parsed.output(), parsed.failures());
  }
}
