package dev.streamstate.runners.counting;

import static dev.streamstate.runners.TestAids.copy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.runners.counting.Sequence.Slice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What a batch of GenerateSequence reads on our runner follows from its time alone: batches tile
 * the sequence at its rate, and a copy of the read (as a checkpoint restores it) gives a recomputed
 * batch the numbers it had. Expectations are worked out by hand.
 */
class SequenceTest {
  private static final SerializableFunction<Long, Instant> SEVEN_MS_APART =
      number -> new Instant(number * 7);

  @Test
  void batchesTakeTheNumbersDueByTheirEndAndNotByTheirStart() throws Exception {
    // 3 numbers every 2 s from 10 in steps of 3, read from second 1 in batches of a second: due
    // by then are 1.5 (so 1), 3, 4.5 (so 4) and 6 numbers.
    Sequence sequence = new Sequence(10, 3, 3, 2_000, SEVEN_MS_APART);
    List<Slice> batches = new ArrayList<>();
    for (long time = 2_000; time <= 5_000; time += 1_000) {
      batches.add(sequence.batch(1_000, 1_000, time));
    }
    assertEquals(
        List.of(new Slice(0, 1), new Slice(1, 3), new Slice(3, 4), new Slice(4, 6)), batches);
    assertEquals(
        List.of(10L, 13L, 16L),
        List.of(sequence.number(0), sequence.number(1), sequence.number(2)));

    Sequence restored = copy(sequence);
    assertEquals(
        batches.get(2),
        restored.batch(1_000, 1_000, 4_000),
        "a recomputed batch reads what it read");
  }

  @Test
  void theSequenceEndsAtTheLargestLong() {
    Sequence sequence = new Sequence(Long.MAX_VALUE - 5, 2, 1, 1, SEVEN_MS_APART);
    assertEquals(
        new Slice(0, 3), sequence.batch(0, 1_000, 1_000), "MAX - 5, MAX - 3 and MAX - 1 only");
    assertEquals(Long.MAX_VALUE - 1, sequence.number(2));
    assertEquals(
        new Slice(0, 0),
        new Sequence(0, 1, 1, 1, SEVEN_MS_APART).batch(0, 1_000, 0),
        "nothing due yet");
    assertEquals(
        new Slice(0, 1_000), new Sequence(0, 1, 1, 1, SEVEN_MS_APART).batch(0, 1_000, 1_000));
  }

  @Test
  void theWatermarkIsTheTimestampOfTheLastNumberRead() {
    Sequence sequence = new Sequence(10, 3, 3, 2_000, SEVEN_MS_APART);
    assertEquals(
        new Instant(7 * 7),
        sequence.watermark(0, 1_000, 2_000),
        "before any number: the one before the first, 7");
    assertEquals(new Instant(16 * 7), sequence.watermark(3, 1_000, 3_000));
    assertEquals(new Instant(13 * 7), sequence.timestamp(1, 1_000));
  }

  @Test
  void numbersWithoutTimestampsOfTheirOwnAreStampedWhenTheyWereDue() {
    // 3 numbers every 2 s, read from second 1: due 666.7, 1333.3 and 2000 ms after it, the
    // fourth 2666.7 ms after; stamped at the first millisecond by which each is due.
    Sequence sequence =
        Sequence.of(sourceOf(GenerateSequence.from(0).withRate(3, Duration.standardSeconds(2))))
            .orElseThrow();
    assertEquals(
        List.of(new Instant(1_667), new Instant(2_334), new Instant(3_000), new Instant(3_667)),
        List.of(
            sequence.timestamp(0, 1_000),
            sequence.timestamp(1, 1_000),
            sequence.timestamp(2, 1_000),
            sequence.timestamp(3, 1_000)));
    assertEquals(
        new Slice(1, 3),
        sequence.batch(1_000, 1_000, 3_000),
        "the batch at 3 s has the numbers due by then");
    assertEquals(
        new Instant(3_000),
        sequence.watermark(3, 1_000, 3_000),
        "after it: its time, before the next number's");
  }

  @Test
  void aBatchIsCutIntoContiguousSlicesThatCoverIt() {
    assertEquals(
        List.of(new Slice(5, 7), new Slice(7, 9), new Slice(9, 12)), new Slice(5, 12).split(3));
    assertEquals(List.of(new Slice(4, 4)), new Slice(4, 4).split(1));
  }

  @Test
  void takesGenerateSequenceWithARateOnly() {
    Sequence sequence =
        Sequence.of(
                sourceOf(
                    GenerateSequence.from(5)
                        .withRate(4, Duration.standardSeconds(2))
                        .withTimestampFn(SEVEN_MS_APART)))
            .orElseThrow();
    assertEquals(
        List.of(5L, 1L, 4L, 2_000L),
        List.of(
            sequence.start(),
            sequence.stride(),
            sequence.elementsPerPeriod(),
            sequence.periodMillis()));
    assertEquals(
        new Instant(21),
        sequence.timestampFn().apply(3L),
        "the sequence's own timestamps (a copy of its function)");
    assertEquals(
        Optional.empty(),
        Sequence.of(sourceOf(GenerateSequence.from(5))),
        "no rate: read as fast as it can be");
  }

  /**
   * The unbounded source {@code sequence} expands to (Beam's counting source is package-private).
   */
  private static UnboundedSource<?, ?> sourceOf(GenerateSequence sequence) {
    Pipeline pipeline = Pipeline.create();
    pipeline.apply(sequence);
    List<UnboundedSource<?, ?>> sources = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.getTransform() instanceof Read.Unbounded<?> read) {
              sources.add(read.getSource());
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }
        });
    assertEquals(1, sources.size());
    return sources.get(0);
  }
}
