package dev.streamstate.runners.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;

/**
 * What one key keeps between micro-batches: its Beam state cells and its timers (encoded), and
 * where it is filed in the partition's indexes: the processing-time bucket and the event time of
 * its earliest timers, and its watermark hold, the earliest time at which it may still output
 * ({@link TimeIndex#NONE} for none).
 *
 * <p>Held as one array of bytes: most keys sit idle for many batches, and a table and a list per
 * key would cost several times the bytes they hold. A batch decodes only the keys it touches.
 * Never changed once built: the previous batch's partition state must stay as it was, since Spark
 * may compute a batch again (a lost block, a retried task) from the same previous state.
 */
final class KeyState implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Object headers, the key, its hash-trie and index entries around the bytes: a rough constant,
   * used only for Spark's accounting of cached state.
   */
  private static final long OVERHEAD_BYTES = 160;

  private final byte[] encoded;
  private final long processingBucket;
  private final long eventTime;
  private final long hold;

  KeyState(
      Table<String, String, byte[]> cells,
      List<byte[]> timers,
      long processingBucket,
      long eventTime,
      long hold) {
    this(encode(cells, timers), processingBucket, eventTime, hold);
  }

  private KeyState(byte[] encoded, long processingBucket, long eventTime, long hold) {
    this.encoded = encoded;
    this.processingBucket = processingBucket;
    this.eventTime = eventTime;
    this.hold = hold;
  }

  /** A key's state as {@link #encoded()} gave it. */
  static KeyState fromEncoded(byte[] encoded, long processingBucket, long eventTime, long hold) {
    return new KeyState(encoded, processingBucket, eventTime, hold);
  }

  /** The cells, then the timers, each count-prefixed. */
  byte[] encoded() {
    return encoded;
  }

  /** Roughly how much memory this key takes. */
  long approximateBytes() {
    return OVERHEAD_BYTES + encoded.length;
  }

  /** A new, changeable table of the state cells: namespace, then address, to the encoded value. */
  Table<String, String, byte[]> cells() {
    Reader in = new Reader(encoded);
    int count = in.readInt();
    Table<String, String, byte[]> cells = HashBasedTable.create(Math.max(1, count), 1);
    for (int i = 0; i < count; i++) {
      cells.put(in.readString(), in.readString(), in.readBytes());
    }
    return cells;
  }

  /** The encoded timers. */
  List<byte[]> timers() {
    Reader in = new Reader(encoded);
    int cells = in.readInt();
    for (int i = 0; i < cells; i++) {
      in.skip();
      in.skip();
      in.skip();
    }
    int count = in.readInt();
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

  /** The earliest time this key may still output at: its stage's output watermark stays before it. */
  long hold() {
    return hold;
  }

  /**
   * The cells, then the timers, each count-prefixed; names in UTF-8 and values length-prefixed,
   * written straight into an array of the exact size: every key a batch touches is decoded and
   * encoded again, and streams over arrays cost several times the copying itself (a profile of the
   * throughput benchmark found a sixth of the keyed step's time in them).
   */
  private static byte[] encode(Table<String, String, byte[]> cells, List<byte[]> timers) {
    byte[][] names = new byte[2 * cells.size()][];
    int size = 2 * Integer.BYTES;
    int name = 0;
    for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
      names[name] = cell.getRowKey().getBytes(StandardCharsets.UTF_8);
      names[name + 1] = cell.getColumnKey().getBytes(StandardCharsets.UTF_8);
      size += 3 * Integer.BYTES + names[name].length + names[name + 1].length + cell.getValue().length;
      name += 2;
    }
    for (byte[] timer : timers) {
      size += Integer.BYTES + timer.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(cells.size());
    name = 0;
    for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
      put(out, names[name++]);
      put(out, names[name++]);
      put(out, cell.getValue());
    }
    out.putInt(timers.size());
    for (byte[] timer : timers) {
      put(out, timer);
    }
    return out.array();
  }

  private static void put(ByteBuffer out, byte[] bytes) {
    out.putInt(bytes.length).put(bytes);
  }

  /** Reads what {@link #encode} wrote, from the start. */
  private static final class Reader {
    private final ByteBuffer in;

    Reader(byte[] encoded) {
      in = ByteBuffer.wrap(encoded);
    }

    int readInt() {
      return in.getInt();
    }

    String readString() {
      int length = in.getInt();
      String string = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
      in.position(in.position() + length);
      return string;
    }

    byte[] readBytes() {
      byte[] bytes = new byte[in.getInt()];
      in.get(bytes);
      return bytes;
    }

    void skip() {
      int length = in.getInt();
      in.position(in.position() + length);
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
