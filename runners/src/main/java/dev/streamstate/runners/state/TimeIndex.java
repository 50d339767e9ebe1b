package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Set;
import org.apache.beam.runners.spark.util.ByteArray;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.collection.immutable.HashSet;
import scala.collection.immutable.TreeMap;
import scala.math.Ordering;
import scala.math.Ordering$;

/**
 * Keys filed by a time, in time order: the keys whose earliest timer of one clock (the batch time,
 * or the watermark) falls at that time. Persistent, like {@link PartitionState}: a change makes a
 * new index sharing the rest with the old one.
 *
 * <p>Ordered because a clock can jump: the watermark may move by hours, or from the beginning of
 * time to now, in one batch, and taking what is due must not walk the times in between.
 */
final class TimeIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The time of a key that is in no index. */
  static final long NONE = Long.MAX_VALUE;

  private static final Ordering<Long> ORDER =
      Ordering$.MODULE$.comparatorToOrdering(Comparator.<Long>naturalOrder());

  static final TimeIndex EMPTY = new TimeIndex(new TreeMap<>(ORDER));

  private final TreeMap<Long, HashSet<ByteArray>> filed;

  private TimeIndex(TreeMap<Long, HashSet<ByteArray>> filed) {
    this.filed = filed;
  }

  /** This index with {@code key} filed at {@code time}; {@link #NONE} files nothing. */
  TimeIndex with(ByteArray key, long time) {
    if (time == NONE) {
      return this;
    }
    HashSet<ByteArray> keys = filed.get(time).getOrElse(HashSet::new);
    return new TimeIndex(filed.updated(time, keys.$plus(key)));
  }

  /** This index without {@code key} at {@code time}. */
  TimeIndex without(ByteArray key, long time) {
    if (time == NONE) {
      return this;
    }
    scala.Option<HashSet<ByteArray>> keys = filed.get(time);
    if (keys.isEmpty()) {
      return this;
    }
    HashSet<ByteArray> rest = keys.get().$minus(key);
    return new TimeIndex(rest.isEmpty() ? filed.$minus(time) : filed.updated(time, rest));
  }

  /** Adds every key filed before {@code limit} to {@code due}; returns the index without them. */
  TimeIndex takeBefore(long limit, Set<ByteArray> due) {
    if (filed.isEmpty() || filed.firstKey() >= limit) {
      return this;
    }
    Iterator<Tuple2<Long, HashSet<ByteArray>>> before = filed.until(limit).iterator();
    while (before.hasNext()) {
      due.addAll(JavaConverters.setAsJavaSet(before.next()._2()));
    }
    return new TimeIndex(filed.from(limit));
  }

  /** The earliest time any key is filed at, {@link #NONE} when none is. */
  long earliest() {
    return filed.isEmpty() ? NONE : filed.firstKey();
  }

  boolean isEmpty() {
    return filed.isEmpty();
  }
}
