package dev.streamstate.runners.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;

/**
 * What one key keeps between micro-batches: where it is filed in the partition's indexes (the
 * processing-time bucket and the event time of its earliest timers, and its watermark hold, the
 * earliest time at which it may still output; {@link TimeIndex#NONE} for none), its Beam state
 * cells and its timers.
 *
 * <p>Kept in the partition as one array of bytes, {@link #stored()}, and read through a view made
 * when a batch looks the key up: most keys sit idle for many batches, and a table and a list per
 * key, or even an object around the array, would cost more than the bytes they hold. A batch
 * decodes only the keys it touches. Never changed once built: the previous batch's partition state
 * must stay as it was, since Spark may compute a batch again (a lost block, a retried task) from
 * the same previous state.
 */
final class KeyState {
  /**
   * Object headers, the key, its hash-trie and index entries around the bytes: a rough constant,
   * used only for Spark's accounting of cached state.
   */
  private static final long OVERHEAD_BYTES = 160;

  private final byte[] stored;
  private final long processingBucket;
  private final long eventTime;
  private final long hold;

  /** Where the cells start, after the times. */
  private final int body;

  KeyState(
      Table<String, String, byte[]> cells,
      List<byte[]> timers,
      long processingBucket,
      long eventTime,
      long hold) {
    this(encode(processingBucket, eventTime, hold, cells, timers));
  }

  private KeyState(byte[] stored) {
    this.stored = stored;
    Reader in = new Reader(stored);
    processingBucket = in.readTime();
    eventTime = in.readTime();
    hold = in.readTime();
    body = in.position;
  }

  /** A key's state as {@link #stored()} gave it. */
  static KeyState fromStored(byte[] stored) {
    return new KeyState(stored);
  }

  /** The times, then the cells, then the timers: all a key keeps, as the partition keeps it. */
  byte[] stored() {
    return stored;
  }

  /** Roughly how much memory this key takes. */
  long approximateBytes() {
    return OVERHEAD_BYTES + stored.length;
  }

  /** A new, changeable table of the state cells: namespace, then address, to the encoded value. */
  Table<String, String, byte[]> cells() {
    Reader in = new Reader(stored, body);
    int count = in.readVarInt();
    Table<String, String, byte[]> cells = HashBasedTable.create(Math.max(1, count), 1);
    for (int i = 0; i < count; i++) {
      cells.put(in.readString(), in.readString(), in.readBytes());
    }
    return cells;
  }

  /** The encoded timers. */
  List<byte[]> timers() {
    Reader in = new Reader(stored, body);
    int cells = in.readVarInt();
    for (int i = 0; i < cells; i++) {
      in.skip();
      in.skip();
      in.skip();
    }
    int count = in.readVarInt();
    List<byte[]> timers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      timers.add(in.readBytes());
    }
    return timers;
  }

  /** The processing-time bucket of the earliest processing-time timer. */
  long processingBucket() {
    return processingBucket;
  }

  /** The time of the earliest event-time timer. */
  long eventTime() {
    return eventTime;
  }

  /**
   * The earliest time this key may still output at: its stage's output watermark stays before it.
   */
  long hold() {
    return hold;
  }

  /**
   * The times, then the cells, then the timers, each count-prefixed; names in UTF-8, values and
   * names length-prefixed, counts and lengths as varints (one byte each for a key's usual handful
   * of short cells, where four-byte ints were a quarter of an idle key's bytes), written straight
   * into an array of the exact size: every key a batch touches is decoded and encoded again, and
   * streams over arrays cost several times the copying itself (a profile of the throughput
   * benchmark found a sixth of the keyed step's time in them).
   */
  private static byte[] encode(
      long processingBucket,
      long eventTime,
      long hold,
      Table<String, String, byte[]> cells,
      List<byte[]> timers) {
    byte[][] names = new byte[2 * cells.size()][];
    int size =
        timeSize(processingBucket)
            + timeSize(eventTime)
            + timeSize(hold)
            + VarInt.getLength(cells.size())
            + VarInt.getLength(timers.size());
    int name = 0;
    for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
      names[name] = cell.getRowKey().getBytes(StandardCharsets.UTF_8);
      names[name + 1] = cell.getColumnKey().getBytes(StandardCharsets.UTF_8);
      size += sizeOf(names[name]) + sizeOf(names[name + 1]) + sizeOf(cell.getValue());
      name += 2;
    }
    for (byte[] timer : timers) {
      size += sizeOf(timer);
    }
    Writer out = new Writer(size);
    out.putTime(processingBucket);
    out.putTime(eventTime);
    out.putTime(hold);
    out.putVarInt(cells.size());
    name = 0;
    for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
      out.put(names[name++]);
      out.put(names[name++]);
      out.put(cell.getValue());
    }
    out.putVarInt(timers.size());
    for (byte[] timer : timers) {
      out.put(timer);
    }
    return out.array;
  }

  private static int sizeOf(byte[] bytes) {
    return VarInt.getLength(bytes.length) + bytes.length;
  }

  /**
   * A time as stored: {@link TimeIndex#NONE} as 0 (one byte, for the clocks a key has no timer in),
   * any other as its zigzag form plus one.
   */
  private static long timeCode(long time) {
    return time == TimeIndex.NONE ? 0 : zigzag(time) + 1;
  }

  private static int timeSize(long time) {
    return VarInt.getLength(timeCode(time));
  }

  /** Small magnitudes of either sign in few varint bytes: 0 in one, -1 in one, 1 in one. */
  static long zigzag(long value) {
    return (value << 1) ^ (value >> 63);
  }

  /** Undoes {@link #zigzag}. */
  static long unzigzag(long value) {
    return (value >>> 1) ^ -(value & 1);
  }

  /** Writes into an array of the size {@link #encode} computed. */
  private static final class Writer {
    final byte[] array;
    private int position;

    Writer(int size) {
      array = new byte[size];
    }

    void putVarInt(long value) {
      while ((value & ~0x7FL) != 0) {
        array[position++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      array[position++] = (byte) value;
    }

    void putTime(long time) {
      putVarInt(timeCode(time));
    }

    void put(byte[] bytes) {
      putVarInt(bytes.length);
      System.arraycopy(bytes, 0, array, position, bytes.length);
      position += bytes.length;
    }
  }

  /** Reads what {@link #encode} wrote, from the start. */
  private static final class Reader {
    private final byte[] array;
    private int position;

    Reader(byte[] stored) {
      this(stored, 0);
    }

    Reader(byte[] stored, int position) {
      this.array = stored;
      this.position = position;
    }

    long readVarLong() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte next = array[position++];
        value |= (long) (next & 0x7F) << shift;
        if (next >= 0) {
          return value;
        }
      }
    }

    int readVarInt() {
      return Math.toIntExact(readVarLong());
    }

    long readTime() {
      long code = readVarLong();
      if (code == 0) {
        return TimeIndex.NONE;
      }
      return unzigzag(code - 1);
    }

    String readString() {
      int length = readVarInt();
      String string = new String(array, position, length, StandardCharsets.UTF_8);
      position += length;
      return string;
    }

    byte[] readBytes() {
      int length = readVarInt();
      byte[] bytes = Arrays.copyOfRange(array, position, position + length);
      position += length;
      return bytes;
    }

    void skip() {
      int length = readVarInt();
      position += length;
    }
  }

  /** Writes {@code bytes}, length first. */
  static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  /** Reads what {@link #writeBytes} wrote. */
  static byte[] readBytes(DataInput in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return bytes;
  }
}
