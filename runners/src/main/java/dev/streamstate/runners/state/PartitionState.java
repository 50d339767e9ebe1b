package dev.streamstate.runners.state;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.beam.runners.spark.util.ByteArray;
import org.checkerframework.checker.nullness.qual.Nullable;
import scala.collection.JavaConverters;
import scala.collection.immutable.HashMap;
import scala.collection.immutable.HashSet;

/**
 * The state of one partition of a stateful ParDo: every key's {@link KeyState}, and an index of
 * keys by the time bucket in which their earliest timer falls due, so a micro-batch wakes only the
 * keys whose timers are due instead of visiting every key.
 *
 * <p>Persistent (Scala's immutable hash tries): an update shares everything it does not change
 * with the previous version, so each batch's state stays valid for recomputation at the cost of
 * the keys it touched, not of a copy of the partition. A bucket is a multiple of the batch
 * interval that ends at or after every timer filed in it: once a batch time reaches a bucket, all
 * its timers are due.
 *
 * <p>Checkpointed as a flat run of bytes (see {@link Checkpointed}), not as the graph of trie
 * nodes it is in memory: Java serialization of that graph costs a class descriptor lookup and a
 * handle per object, several objects per key.
 */
final class PartitionState implements Serializable {
  private static final long serialVersionUID = 1L;

  static final PartitionState EMPTY =
      new PartitionState(new HashMap<>(), new HashMap<>(), Long.MIN_VALUE, 0);

  private final HashMap<ByteArray, KeyState> keys;
  private final HashMap<Long, HashSet<ByteArray>> dueIndex;
  /** The first bucket no batch has woken yet; {@link Long#MIN_VALUE} before the first batch. */
  private final long nextBucket;
  private final long approximateBytes;

  private PartitionState(
      HashMap<ByteArray, KeyState> keys,
      HashMap<Long, HashSet<ByteArray>> dueIndex,
      long nextBucket,
      long approximateBytes) {
    this.keys = keys;
    this.dueIndex = dueIndex;
    this.nextBucket = nextBucket;
    this.approximateBytes = approximateBytes;
  }

  /**
   * Roughly how much memory the partition's state takes. Spark's own estimate walks every object
   * reachable from a cached block, which for a hash trie means every key, every batch.
   */
  long approximateBytes() {
    return approximateBytes;
  }

  @Nullable
  KeyState get(ByteArray key) {
    return keys.get(key).getOrElse(() -> null);
  }

  int size() {
    return keys.size();
  }

  /** The bucket a timer due at {@code dueMillis} is filed under. */
  static long bucketOf(long dueMillis, long bucketMillis) {
    return Math.floorDiv(dueMillis + bucketMillis - 1, bucketMillis) * bucketMillis;
  }

  /** Starts the next version for the batch at {@code batchMillis}. */
  Builder toBuilder(long batchMillis, long bucketMillis) {
    return new Builder(batchMillis, bucketMillis);
  }

  /**
   * The next version of the partition, built while one batch runs: it takes the keys due in the
   * batch out of the index at once, then each processed key's new state.
   */
  final class Builder {
    private HashMap<ByteArray, KeyState> newKeys = keys;
    private HashMap<Long, HashSet<ByteArray>> newIndex = dueIndex;
    private long newBytes = approximateBytes;
    private final long lastDueBucket;
    private final long bucketMillis;
    private final Set<ByteArray> due = new LinkedHashSet<>();

    private Builder(long batchMillis, long bucketMillis) {
      this.bucketMillis = bucketMillis;
      lastDueBucket = Math.floorDiv(batchMillis, bucketMillis) * bucketMillis;
      long first = nextBucket == Long.MIN_VALUE ? lastDueBucket : nextBucket;
      for (long bucket = first; bucket <= lastDueBucket; bucket += bucketMillis) {
        HashSet<ByteArray> filed = newIndex.get(bucket).getOrElse(() -> null);
        if (filed != null) {
          due.addAll(JavaConverters.setAsJavaSet(filed));
          newIndex = newIndex.$minus(bucket);
        }
      }
    }

    /** The keys whose earliest timer is due by this batch, in no particular order. */
    Set<ByteArray> dueKeys() {
      return due;
    }

    /** Records {@code key}'s new state; {@code null} drops the key. */
    void put(ByteArray key, @Nullable KeyState previous, @Nullable KeyState next) {
      long oldBucket = previous == null || due.contains(key) ? KeyState.NO_BUCKET : previous.bucket();
      long newBucket = next == null ? KeyState.NO_BUCKET : next.bucket();
      if (oldBucket != newBucket && oldBucket != KeyState.NO_BUCKET) {
        HashSet<ByteArray> rest = newIndex.get(oldBucket).get().$minus(key);
        newIndex = rest.isEmpty() ? newIndex.$minus(oldBucket) : newIndex.updated(oldBucket, rest);
      }
      if (oldBucket != newBucket && newBucket != KeyState.NO_BUCKET) {
        HashSet<ByteArray> filed = newIndex.get(newBucket).getOrElse(HashSet::new);
        newIndex = newIndex.updated(newBucket, filed.$plus(key));
      }
      newKeys = next == null ? newKeys.$minus(key) : newKeys.updated(key, next);
      newBytes += bytesOf(key, next) - bytesOf(key, previous);
    }

    PartitionState build() {
      return new PartitionState(newKeys, newIndex, lastDueBucket + bucketMillis, newBytes);
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
   * The serialized form of a {@link PartitionState}: the batch position, then each key with its
   * bucket and its encoded state. The timer index is not written; it is rebuilt from the
   * keys' buckets, which hold exactly the keys it filed.
   */
  private static final class Checkpointed implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient PartitionState state;

    Checkpointed(PartitionState state) {
      this.state = state;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.writeLong(state.nextBucket);
      out.writeInt(state.keys.size());
      scala.collection.Iterator<scala.Tuple2<ByteArray, KeyState>> entries = state.keys.iterator();
      while (entries.hasNext()) {
        scala.Tuple2<ByteArray, KeyState> entry = entries.next();
        KeyState key = entry._2();
        KeyState.writeBytes(out, entry._1().getValue());
        out.writeLong(key.bucket());
        KeyState.writeBytes(out, key.encoded());
      }
    }

    private void readObject(ObjectInputStream in) throws IOException {
      long nextBucket = in.readLong();
      int size = in.readInt();
      HashMap<ByteArray, KeyState> keys = new HashMap<>();
      HashMap<Long, HashSet<ByteArray>> index = new HashMap<>();
      long bytes = 0;
      for (int k = 0; k < size; k++) {
        ByteArray key = new ByteArray(KeyState.readBytes(in));
        long bucket = in.readLong();
        KeyState keyState = KeyState.fromEncoded(KeyState.readBytes(in), bucket);
        keys = keys.updated(key, keyState);
        bytes += bytesOf(key, keyState);
        if (bucket != KeyState.NO_BUCKET) {
          HashSet<ByteArray> filed = index.get(bucket).getOrElse(HashSet::new);
          index = index.updated(bucket, filed.$plus(key));
        }
      }
      state = new PartitionState(keys, index, nextBucket, bytes);
    }

    private Object readResolve() {
      return state;
    }
  }
}
