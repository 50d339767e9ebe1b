package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
