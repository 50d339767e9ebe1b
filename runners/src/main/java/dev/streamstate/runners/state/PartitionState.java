package dev.streamstate.runners.state;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.checkerframework.checker.nullness.qual.Nullable;
import scala.collection.immutable.HashMap;

/**
 * The state of one partition of a keyed-state stream: every key's {@link KeyState}; two indexes of
 * keys by when their earliest timer falls due, one for processing time (by the time bucket, a
 * multiple of the batch interval) and one for event time (by the timer's time); the keys' watermark
 * holds; and the stage's input watermark after the last batch. A micro-batch wakes only the keys
 * whose timers are due by its batch time or its watermark instead of visiting every key, and finds
 * the partition's earliest hold without visiting any.
 *
 * <p>Persistent (Scala's immutable hash tries and trees): an update shares everything it does not
 * change with the previous version, so each batch's state stays valid for recomputation at the cost
 * of the keys it touched, not of a copy of the partition. A processing-time bucket is after every
 * timer filed in it: once a batch time reaches a bucket, all its timers are due.
 *
 * <p>Checkpointed as a flat run of bytes (see {@link Checkpointed}), not as the graph of trie nodes
 * it is in memory: Java serialization of that graph costs a class descriptor lookup and a handle
 * per object, several objects per key.
 */
final class PartitionState implements Serializable {
  private static final long serialVersionUID = 3L;

  static final PartitionState EMPTY =
      new PartitionState(
          new HashMap<>(),
          TimeIndex.EMPTY,
          TimeIndex.EMPTY,
          HoldTimes.EMPTY,
          BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis(),
          0);

  private final HashMap<ByteArray, byte[]> keys;
  private final TimeIndex processingIndex;
  private final TimeIndex eventIndex;
  private final HoldTimes holds;
  private final long inputWatermark;
  private final long approximateBytes;

  private PartitionState(
      HashMap<ByteArray, byte[]> keys,
      TimeIndex processingIndex,
      TimeIndex eventIndex,
      HoldTimes holds,
      long inputWatermark,
      long approximateBytes) {
    this.keys = keys;
    this.processingIndex = processingIndex;
    this.eventIndex = eventIndex;
    this.holds = holds;
    this.inputWatermark = inputWatermark;
    this.approximateBytes = approximateBytes;
  }

  /** The stage's input watermark after the batch that made this version. */
  long inputWatermark() {
    return inputWatermark;
  }

  /**
   * The partition's output watermark: its input watermark, held back to the earliest hold of its
   * keys (a pending timer's output timestamp, a window's buffered elements). At the end of time
   * nothing holds it: every event-time timer and window has fired by then, and what is left are
   * processing-time timers (an idle timeout's, held at the element that set it), which a stream
   * that has ended does not wait for, as the DirectRunner does not: held there, the stages after
   * this one would never see the end and never write their last pane.
   */
  long outputWatermark() {
    return inputWatermark >= END_OF_TIME
        ? inputWatermark
        : Math.min(inputWatermark, holds.earliest());
  }

  private static final long END_OF_TIME = BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis();

  /**
   * Roughly how much memory the partition's state takes. Spark's own estimate walks every object
   * reachable from a cached block, which for a hash trie means every key, every batch.
   */
  long approximateBytes() {
    return approximateBytes;
  }

  @Nullable KeyState get(ByteArray key) {
    byte[] stored = keys.get(key).getOrElse(() -> null);
    return stored == null ? null : KeyState.fromStored(stored);
  }

  int size() {
    return keys.size();
  }

  /**
   * The bucket a processing-time timer set for {@code dueMillis} is filed under: the first batch
   * time after it (a timer is due once the clock is past it, see {@link KeyTimers}).
   */
  static long bucketOf(long dueMillis, long bucketMillis) {
    return dueMillis == Long.MAX_VALUE
        ? TimeIndex.NONE
        : Math.floorDiv(dueMillis, bucketMillis) * bucketMillis + bucketMillis;
  }

  /**
   * Starts the next version for the batch at {@code batchMillis} with the input watermark advanced
   * to {@code watermarkMillis}: processing-time timers are due before the batch time, event-time
   * timers before the watermark.
   */
  Builder toBuilder(long batchMillis, long watermarkMillis) {
    return new Builder(batchMillis, watermarkMillis);
  }

  /**
   * The next version of the partition, built while one batch runs: it takes the keys due in the
   * batch out of the indexes at once, then each processed key's new state.
   */
  final class Builder {
    private HashMap<ByteArray, byte[]> newKeys = keys;
    private TimeIndex newProcessing;
    private TimeIndex newEvent;
    private HoldTimes newHolds = holds;
    private final long newWatermark;
    private long newBytes = approximateBytes;
    private final Set<ByteArray> due = new LinkedHashSet<>();

    private Builder(long batchMillis, long watermarkMillis) {
      newWatermark = watermarkMillis;
      Set<ByteArray> processingDue = new LinkedHashSet<>();
      Set<ByteArray> eventDue = new LinkedHashSet<>();
      newProcessing = processingIndex.takeBefore(batchMillis + 1, processingDue);
      newEvent = eventIndex.takeBefore(watermarkMillis, eventDue);
      due.addAll(processingDue);
      due.addAll(eventDue);
      // A due key leaves both indexes; it is filed again by its state after the batch. Its state
      // is looked up only if the other index has keys: a stage with timers of one clock (every
      // window's end at a slide) would look up every due key for nothing.
      if (!newEvent.isEmpty()) {
        for (ByteArray key : processingDue) {
          if (!eventDue.contains(key)) {
            newEvent = newEvent.without(key, get(key).eventTime());
          }
        }
      }
      if (!newProcessing.isEmpty()) {
        for (ByteArray key : eventDue) {
          if (!processingDue.contains(key)) {
            newProcessing = newProcessing.without(key, get(key).processingBucket());
          }
        }
      }
    }

    /** The keys whose earliest timer is due by this batch, in no particular order. */
    Set<ByteArray> dueKeys() {
      return due;
    }

    /** Records {@code key}'s new state; {@code null} drops the key. */
    void put(ByteArray key, @Nullable KeyState previous, @Nullable KeyState next) {
      boolean filed = previous != null && !due.contains(key);
      long oldBucket = filed ? previous.processingBucket() : TimeIndex.NONE;
      long newBucket = next == null ? TimeIndex.NONE : next.processingBucket();
      if (oldBucket != newBucket) {
        newProcessing = newProcessing.without(key, oldBucket).with(key, newBucket);
      }
      long oldEvent = filed ? previous.eventTime() : TimeIndex.NONE;
      long newEventTime = next == null ? TimeIndex.NONE : next.eventTime();
      if (oldEvent != newEventTime) {
        newEvent = newEvent.without(key, oldEvent).with(key, newEventTime);
      }
      long oldHold = previous == null ? TimeIndex.NONE : previous.hold();
      long newHold = next == null ? TimeIndex.NONE : next.hold();
      if (oldHold != newHold) {
        newHolds = newHolds.without(oldHold).with(newHold);
      }
      newKeys = next == null ? newKeys.$minus(key) : newKeys.updated(key, next.stored());
      newBytes += bytesOf(key, next) - bytesOf(key, previous);
    }

    PartitionState build() {
      return new PartitionState(newKeys, newProcessing, newEvent, newHolds, newWatermark, newBytes);
    }
  }

  /** Roughly how much memory {@code key} and its state take; nothing for a dropped key. */
  private static long bytesOf(ByteArray key, @Nullable KeyState state) {
    return state == null ? 0 : key.getValue().length + state.approximateBytes();
  }

  private Object writeReplace() {
    return new Checkpointed(this);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a partition state is read through its checkpointed form");
  }

  /**
   * The serialized form of a {@link PartitionState}: the input watermark, then each key with its
   * stored state ({@link KeyState#stored()}: its times, cells and timers). The indexes are not
   * written; they are rebuilt from the keys' times, which hold exactly the keys they filed.
   */
  private static final class Checkpointed implements Serializable {
    // 4: a key is its stored bytes (times first, varint lengths, timers in StoredTimerCoder's
    // form); a checkpoint of an earlier form is refused by Java serialization instead of misread.
    private static final long serialVersionUID = 4L;
    private transient PartitionState state;

    Checkpointed(PartitionState state) {
      this.state = state;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.writeLong(state.inputWatermark);
      out.writeInt(state.keys.size());
      try {
        // Not through the map's iterator: Scala 2.12's hash map keeps the pair its iterator
        // made in every entry it visits, 24 bytes more for each key of the live state.
        state.keys.foreachEntry(
            (key, stored) -> {
              write(out, key, stored);
              return null;
            });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }

    private static void write(ObjectOutputStream out, ByteArray key, byte[] stored) {
      try {
        KeyState.writeBytes(out, key.getValue());
        KeyState.writeBytes(out, stored);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void readObject(ObjectInputStream in) throws IOException {
      long inputWatermark = in.readLong();
      int size = in.readInt();
      HashMap<ByteArray, byte[]> keys = new HashMap<>();
      TimeIndex processing = TimeIndex.EMPTY;
      TimeIndex event = TimeIndex.EMPTY;
      HoldTimes holds = HoldTimes.EMPTY;
      long bytes = 0;
      for (int k = 0; k < size; k++) {
        ByteArray key = new ByteArray(KeyState.readBytes(in));
        KeyState keyState = KeyState.fromStored(KeyState.readBytes(in));
        keys = keys.updated(key, keyState.stored());
        bytes += bytesOf(key, keyState);
        processing = processing.with(key, keyState.processingBucket());
        event = event.with(key, keyState.eventTime());
        holds = holds.with(keyState.hold());
      }
      state = new PartitionState(keys, processing, event, holds, inputWatermark, bytes);
    }

    private Object readResolve() {
      return state;
    }
  }
}
