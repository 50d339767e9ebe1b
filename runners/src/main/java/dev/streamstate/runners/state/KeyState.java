package dev.streamstate.runners.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
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
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int count = in.readInt();
      Table<String, String, byte[]> cells = HashBasedTable.create();
      for (int i = 0; i < count; i++) {
        cells.put(in.readUTF(), in.readUTF(), readBytes(in));
      }
      return cells;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a key's stored state", e);
    }
  }

  /** The encoded timers. */
  List<byte[]> timers() {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      int cells = in.readInt();
      for (int i = 0; i < cells; i++) {
        in.readUTF();
        in.readUTF();
        in.skipNBytes(in.readInt());
      }
      int count = in.readInt();
      List<byte[]> timers = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        timers.add(readBytes(in));
      }
      return timers;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a key's stored timers", e);
    }
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

  private static byte[] encode(Table<String, String, byte[]> cells, List<byte[]> timers) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(cells.size());
      for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
        out.writeUTF(cell.getRowKey());
        out.writeUTF(cell.getColumnKey());
        writeBytes(out, cell.getValue());
      }
      out.writeInt(timers.size());
      for (byte[] timer : timers) {
        writeBytes(out, timer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store a key's state", e);
    }
    return bytes.toByteArray();
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
