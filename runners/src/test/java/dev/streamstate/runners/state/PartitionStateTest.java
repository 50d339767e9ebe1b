package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

class PartitionStateTest {
  private static final long BATCH = 1_000;
  private static final ByteArray A = key("a");
  private static final ByteArray B = key("b");
  private static final long NO_WATERMARK = Long.MIN_VALUE;

  private static ByteArray key(String name) {
    return new ByteArray(name.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyState dueAt(long millis) {
    return new KeyState(
        HashBasedTable.create(),
        List.of(new byte[0]),
        PartitionState.bucketOf(millis, BATCH),
        TimeIndex.NONE,
        TimeIndex.NONE);
  }

  private static KeyState dueInEventTimeAt(long millis) {
    return new KeyState(
        HashBasedTable.create(), List.of(new byte[0]), TimeIndex.NONE, millis, TimeIndex.NONE);
  }

  private static PartitionState after(
      PartitionState state, long batch, ByteArray key, KeyState next) {
    PartitionState.Builder builder = state.toBuilder(batch, NO_WATERMARK);
    builder.put(key, state.get(key), next);
    return builder.build();
  }

  private static Set<ByteArray> dueBy(PartitionState state, long batch) {
    return state.toBuilder(batch, NO_WATERMARK).dueKeys();
  }

  @Test
  void aBatchWakesOnlyTheKeysWhoseTimersAreDue() {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, dueAt(12_500));
    state = after(state, 11_000, B, dueAt(60_000));
    assertEquals(Set.of(), dueBy(state, 12_000));
    assertEquals(Set.of(A), dueBy(state, 13_000));
    assertEquals(Set.of(A), dueBy(state, 60_000), "a timer is due once the batch time is past it");
    assertEquals(Set.of(A, B), dueBy(state, 61_000));
  }

  @Test
  void aTimerMovedLaterLeavesItsOldBucket() {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, dueAt(12_000));
    state = after(state, 11_000, A, dueAt(30_000));
    assertEquals(Set.of(), dueBy(state, 30_000));
    assertEquals(Set.of(A), dueBy(state, 31_000));
  }

  @Test
  void aDroppedKeyIsGoneAndThePreviousVersionStaysAsItWas() {
    PartitionState before = after(PartitionState.EMPTY, 10_000, A, dueAt(12_000));
    PartitionState after = after(before, 11_000, A, null);
    assertNull(after.get(A));
    assertEquals(0, after.size());
    assertEquals(Set.of(), dueBy(after, 13_000));
    assertNotNull(before.get(A));
    assertEquals(Set.of(A), dueBy(before, 13_000));
  }

  @Test
  void aCheckpointedPartitionReadsBackWithItsCellsTimersAndIndex() throws Exception {
    HashBasedTable<String, String, byte[]> cells = HashBasedTable.create();
    cells.put("/", "count", new byte[] {7});
    cells.put("/", "seen", new byte[] {1, 2});
    KeyState withCells =
        new KeyState(
            cells,
            List.of(new byte[] {9, 9}),
            PartitionState.bucketOf(15_000, BATCH),
            7_000,
            6_500);
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, withCells);
    state = after(state, 11_000, B, dueAt(40_000));
    state =
        after(
            state,
            12_000,
            key("no timers"),
            new KeyState(cells, List.of(), TimeIndex.NONE, TimeIndex.NONE, TimeIndex.NONE),
            9_000);

    PartitionState read = roundTrip(state);

    assertEquals(3, read.size());
    assertEquals(state.approximateBytes(), read.approximateBytes());
    assertArrayEquals(new byte[] {1, 2}, read.get(A).cells().get("/", "seen"));
    assertArrayEquals(new byte[] {9, 9}, read.get(A).timers().get(0));
    assertEquals(Set.of(), dueBy(read, 15_000));
    assertEquals(Set.of(A), dueBy(read, 16_000));
    assertEquals(Set.of(A, B), dueBy(read, 41_000));
    assertEquals(Set.of(A), read.toBuilder(11_000, 7_001).dueKeys());
    assertEquals(9_000, read.inputWatermark());
    assertEquals(6_500, read.outputWatermark());
  }

  @Test
  void theOutputWatermarkIsTheInputWatermarkHeldBackByTheEarliestHold() {
    PartitionState state = PartitionState.EMPTY.toBuilder(10_000, 8_000).build();
    assertEquals(8_000, state.outputWatermark());
    state = after(state, 11_000, A, heldAt(5_000), 9_000);
    state = after(state, 12_000, B, heldAt(3_000), 9_500);
    assertEquals(9_500, state.inputWatermark());
    assertEquals(3_000, state.outputWatermark());
    state = after(state, 13_000, B, null, 9_500);
    assertEquals(5_000, state.outputWatermark(), "a dropped key holds nothing");
    state = after(state, 14_000, A, heldAt(20_000), 9_800);
    assertEquals(9_800, state.outputWatermark(), "a hold after the input watermark does not count");
    long end = BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis();
    state = after(state, 15_000, B, heldAt(4_000), end);
    assertEquals(
        end,
        state.outputWatermark(),
        "at the end of time only processing-time timers are left, and an ended stream does not wait for them");
  }

  /** Holds are counted per time, not filed per key: two keys at one time hold until both go. */
  @Test
  void keysHoldingAtOneTimeHoldUntilTheLastOfThemMoves() throws Exception {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, heldAt(5_000), 9_000);
    state = after(state, 11_000, B, heldAt(5_000), 9_000);
    state = after(state, 12_000, A, heldAt(7_000), 9_000);
    assertEquals(5_000, state.outputWatermark());
    assertEquals(5_000, roundTrip(state).outputWatermark());
    state = after(state, 13_000, B, null, 9_000);
    assertEquals(7_000, state.outputWatermark());
    assertEquals(7_000, roundTrip(state).outputWatermark());
  }

  private static KeyState heldAt(long millis) {
    return new KeyState(
        HashBasedTable.create(), List.of(new byte[0]), TimeIndex.NONE, TimeIndex.NONE, millis);
  }

  private static PartitionState after(
      PartitionState state, long batch, ByteArray key, KeyState next, long watermark) {
    PartitionState.Builder builder = state.toBuilder(batch, watermark);
    builder.put(key, state.get(key), next);
    return builder.build();
  }

  @Test
  void aCheckpointedPartitionWakesTheBucketsTheBatchesSinceItHaveSkipped() throws Exception {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, dueAt(12_000));
    assertEquals(Set.of(A), dueBy(roundTrip(state), 14_000));
  }

  @Test
  void anEventTimeTimerIsDueOnceTheWatermarkIsPastIt() {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, dueInEventTimeAt(59_999));
    assertEquals(Set.of(), state.toBuilder(11_000, 59_999).dueKeys());
    assertEquals(Set.of(A), state.toBuilder(11_000, 60_000).dueKeys());
  }

  @Test
  void aWatermarkThatJumpsWakesEveryKeyItPassesAndNoOther() {
    PartitionState state = PartitionState.EMPTY;
    for (int window = 1; window <= 1_000; window++) {
      state = after(state, 10_000, key("w" + window), dueInEventTimeAt(window * 3_600_000L - 1));
    }
    state = after(state, 10_000, B, dueInEventTimeAt(Long.MAX_VALUE - 1));
    Set<ByteArray> due = state.toBuilder(11_000, 500L * 3_600_000L).dueKeys();
    assertEquals(500, due.size());
    assertTrue(due.contains(key("w1")) && due.contains(key("w500")));
    assertFalse(due.contains(key("w501")) || due.contains(B));
  }

  @Test
  void aKeyDueInOneClockLeavesTheOtherClocksIndexToo() {
    KeyState both =
        new KeyState(
            HashBasedTable.create(),
            List.of(new byte[0]),
            PartitionState.bucketOf(12_000, BATCH),
            50_000,
            TimeIndex.NONE);
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, both);
    PartitionState.Builder next = state.toBuilder(13_000, NO_WATERMARK);
    assertEquals(Set.of(A), next.dueKeys());
    next.put(A, state.get(A), dueAt(20_000));
    PartitionState later = next.build();
    assertEquals(Set.of(), later.toBuilder(13_000, 60_000).dueKeys());
    assertEquals(Set.of(A), later.toBuilder(21_000, NO_WATERMARK).dueKeys());
  }

  @Test
  void aRecordWritesItsOutputsIntoACheckpointWithTheirCoders() throws Exception {
    TupleTag<String> main = new TupleTag<>("main");
    TupleTag<Long> other = new TupleTag<>("other");
    WindowedValue<String> word =
        WindowedValues.timestampedValueInGlobalWindow("wörd", new Instant(42));
    WindowedValue<Long> count = WindowedValues.valueInGlobalWindow(7L);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<TupleTag<?>, Coder<WindowedValue<?>>> coders =
        Map.of(
            main,
                (Coder)
                    WindowedValues.getFullCoder(StringUtf8Coder.of(), GlobalWindow.Coder.INSTANCE),
            other,
                (Coder)
                    WindowedValues.getFullCoder(VarLongCoder.of(), GlobalWindow.Coder.INSTANCE));
    PartitionState state = after(PartitionState.EMPTY, 1_000, A, dueAt(2_500));
    PartitionRecord record =
        new PartitionRecord(
            state, List.of(new Tuple2<>(main, word), new Tuple2<>(other, count)), coders);

    PartitionRecord restored = roundTrip(record);

    assertEquals(List.of(new Tuple2<>(main, word), new Tuple2<>(other, count)), restored.outputs());
    assertEquals(Set.of(A), dueBy(restored.state(), 3_000));
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T serializable) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(serializable);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
