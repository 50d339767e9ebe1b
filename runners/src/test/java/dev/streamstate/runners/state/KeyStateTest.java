package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;
import org.junit.jupiter.api.Test;

class KeyStateTest {
  private static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed + i);
    }
    return bytes;
  }

  /** Lengths and counts past one varint byte (128) and two (16 384) read back whole. */
  @Test
  void cellsAndTimersOfEverySizeReadBack() {
    Table<String, String, byte[]> cells = HashBasedTable.create();
    for (int i = 0; i < 130; i++) {
      cells.put("/" + i + "/", "cell-" + "x".repeat(i), bytes(i * 3, i));
    }
    cells.put("/big/", "ü", bytes(20_000, 7));
    cells.put("", "", new byte[0]);
    List<byte[]> timers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      timers.add(bytes(i, -i));
    }

    KeyState state = new KeyState(cells, timers, 1, 2, 3);

    Table<String, String, byte[]> read = state.cells();
    assertEquals(cells.size(), read.size());
    for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
      assertArrayEquals(cell.getValue(), read.get(cell.getRowKey(), cell.getColumnKey()));
    }
    List<byte[]> readTimers = state.timers();
    assertEquals(timers.size(), readTimers.size());
    for (int i = 0; i < timers.size(); i++) {
      assertArrayEquals(timers.get(i), readTimers.get(i));
    }
  }

  /**
   * A running total with an idle timeout: a processing-time bucket and a hold of today's times (six
   * bytes each), no event-time timer (one), and one byte for each count and length.
   */
  @Test
  void aKeysUsualTimesCellAndTimerTakeFewBytesOfFraming() {
    Table<String, String, byte[]> cells = HashBasedTable.create();
    cells.put("//", "total", new byte[] {42});
    byte[] timer = bytes(17, 0);
    KeyState state =
        new KeyState(cells, List.of(timer), 1_796_333_965_000L, TimeIndex.NONE, 1_796_333_963_000L);
    assertEquals(6 + 1 + 6 + 1 + (1 + 2) + (1 + 5) + (1 + 1) + 1 + (1 + 17), state.stored().length);
  }

  @Test
  void theTimesReadBackFromTheStoredBytesAtTheEndsOfTimeToo() {
    long[] times = {
      TimeIndex.NONE,
      0,
      -1,
      1,
      1_796_333_963_000L,
      BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis(),
      BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis(),
      Long.MIN_VALUE + 1,
      Long.MAX_VALUE - 1
    };
    for (long time : times) {
      KeyState stored = new KeyState(HashBasedTable.create(), List.of(), time, -time, time);
      KeyState read = KeyState.fromStored(stored.stored());
      assertEquals(time, read.processingBucket());
      assertEquals(-time, read.eventTime());
      assertEquals(time, read.hold());
    }
  }
}
