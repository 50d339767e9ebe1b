package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.Comparator;
import scala.collection.immutable.TreeMap;
import scala.math.Ordering;
import scala.math.Ordering$;

/**
 * The watermark holds of a partition's keys as a count of keys per time, in time order: all a
 * partition asks of its holds is the earliest. Unlike a {@link TimeIndex} it does not file the keys
 * themselves, which cost an idle key with a timer (every key of a stream with an idle timeout holds
 * at the element that set it) some forty bytes of hash trie. Persistent, like {@link
 * PartitionState}.
 */
final class HoldTimes implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Ordering<Long> ORDER =
      Ordering$.MODULE$.comparatorToOrdering(Comparator.<Long>naturalOrder());

  static final HoldTimes EMPTY = new HoldTimes(new TreeMap<>(ORDER));

  private final TreeMap<Long, Integer> keysAt;

  private HoldTimes(TreeMap<Long, Integer> keysAt) {
    this.keysAt = keysAt;
  }

  /** These holds and one more at {@code time}; {@link TimeIndex#NONE} adds nothing. */
  HoldTimes with(long time) {
    if (time == TimeIndex.NONE) {
      return this;
    }
    int count = keysAt.get(time).getOrElse(() -> 0);
    return new HoldTimes(keysAt.updated(time, count + 1));
  }

  /** These holds with one at {@code time} fewer; {@link TimeIndex#NONE} removes nothing. */
  HoldTimes without(long time) {
    if (time == TimeIndex.NONE) {
      return this;
    }
    scala.Option<Integer> count = keysAt.get(time);
    if (count.isEmpty()) {
      throw new IllegalStateException("no key holds the watermark at " + time);
    }
    int rest = count.get() - 1;
    return new HoldTimes(rest == 0 ? keysAt.$minus(time) : keysAt.updated(time, rest));
  }

  /** The earliest hold, {@link TimeIndex#NONE} when no key holds. */
  long earliest() {
    return keysAt.isEmpty() ? TimeIndex.NONE : keysAt.firstKey();
  }
}
