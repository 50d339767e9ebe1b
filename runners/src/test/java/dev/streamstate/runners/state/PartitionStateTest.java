package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.junit.jupiter.api.Test;

class PartitionStateTest {
  private static final long BATCH = 1_000;
  private static final ByteArray A = key("a");
  private static final ByteArray B = key("b");

  private static ByteArray key(String name) {
    return new ByteArray(name.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyState dueAt(long millis) {
    return new KeyState(
        HashBasedTable.create(), List.of(new byte[0]), PartitionState.bucketOf(millis, BATCH));
  }

  private static PartitionState after(PartitionState state, long batch, ByteArray key, KeyState next) {
    PartitionState.Builder builder = state.toBuilder(batch, BATCH);
    builder.put(key, state.get(key), next);
    return builder.build();
  }

  @Test
  void aBatchWakesOnlyTheKeysWhoseTimersAreDue() {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, dueAt(12_500));
    state = after(state, 11_000, B, dueAt(60_000));
    assertEquals(Set.of(), state.toBuilder(12_000, BATCH).dueKeys());
    assertEquals(Set.of(A), state.toBuilder(13_000, BATCH).dueKeys());
    assertEquals(Set.of(A, B), state.toBuilder(60_000, BATCH).dueKeys());
  }

  @Test
  void aTimerMovedLaterLeavesItsOldBucket() {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, dueAt(12_000));
    state = after(state, 11_000, A, dueAt(30_000));
    assertEquals(Set.of(), state.toBuilder(29_000, BATCH).dueKeys());
    assertEquals(Set.of(A), state.toBuilder(30_000, BATCH).dueKeys());
  }

  @Test
  void aDroppedKeyIsGoneAndThePreviousVersionStaysAsItWas() {
    PartitionState before = after(PartitionState.EMPTY, 10_000, A, dueAt(12_000));
    PartitionState after = after(before, 11_000, A, null);
    assertNull(after.get(A));
    assertEquals(0, after.size());
    assertEquals(Set.of(), after.toBuilder(12_000, BATCH).dueKeys());
    assertNotNull(before.get(A));
    assertEquals(Set.of(A), before.toBuilder(12_000, BATCH).dueKeys());
  }

  @Test
  void aCheckpointedPartitionReadsBackWithItsCellsTimersAndIndex() throws Exception {
    HashBasedTable<String, String, byte[]> cells = HashBasedTable.create();
    cells.put("/", "count", new byte[] {7});
    cells.put("/", "seen", new byte[] {1, 2});
    KeyState withCells = new KeyState(cells, List.of(new byte[] {9, 9}), PartitionState.bucketOf(15_000, BATCH));
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, withCells);
    state = after(state, 11_000, B, dueAt(40_000));
    state = after(state, 12_000, key("no timers"), new KeyState(cells, List.of(), KeyState.NO_BUCKET));

    PartitionState read = roundTrip(state);

    assertEquals(3, read.size());
    assertEquals(state.approximateBytes(), read.approximateBytes());
    assertArrayEquals(new byte[] {1, 2}, read.get(A).cells().get("/", "seen"));
    assertArrayEquals(new byte[] {9, 9}, read.get(A).timers().get(0));
    assertEquals(Set.of(), read.toBuilder(14_000, BATCH).dueKeys());
    assertEquals(Set.of(A), read.toBuilder(15_000, BATCH).dueKeys());
    assertEquals(Set.of(A, B), read.toBuilder(40_000, BATCH).dueKeys());
  }

  @Test
  void aCheckpointedPartitionWakesTheBucketsTheBatchesSinceItHaveSkipped() throws Exception {
    PartitionState state = after(PartitionState.EMPTY, 10_000, A, dueAt(12_000));
    assertEquals(Set.of(A), roundTrip(state).toBuilder(14_000, BATCH).dueKeys());
  }

  private static PartitionState roundTrip(PartitionState state) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(state);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (PartitionState) in.readObject();
    }
  }
}
