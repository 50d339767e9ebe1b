package dev.streamstate.transforms.joins;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TimestampedValue.TimestampedValueCoder;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The stream-stream join with a time range (ad impressions and the clicks within an hour after
 * them): a right record joins each left record of its key with {@code left_time <= right_time <=
 * left_time + within}, giving {@code KV<left, right>} with their event times. A left join also
 * emits each left record that matched nothing, once its interval can no longer match ({@code
 * KV<left, null>}); a right join each unmatched right record; a full join both.
 *
 * <p>Each record is kept in state per key only while a matching record can still be accepted: a
 * left record until the watermark passes {@code left_time + within + allowed lateness}, a right
 * record until it passes {@code right_time + allowed lateness}; then it is freed (and emitted if it
 * matched nothing and the join type keeps it). Records later than the allowed lateness behind the
 * watermark are dropped by the runner (time-sorted input), so every record the join accepts meets
 * every accepted record it matches, whatever the arrival order. It needs event-time timers in
 * streaming (the DirectRunner, ours); an event-time timer per key waits for the earliest record to
 * free.
 */
public final class IntervalJoin<K, L, R>
    extends PTransform<
        PCollection<KV<K, L>>, PCollection<KV<K, KV<TimestampedValue<L>, TimestampedValue<R>>>>> {
  private static final int LEFT = 0;
  private static final int RIGHT = 1;

  private final PCollection<KV<K, R>> right;
  private final Duration within;
  private final JoinType type;
  private final Duration allowedLateness;

  private IntervalJoin(
      PCollection<KV<K, R>> right, Duration within, JoinType type, Duration allowedLateness) {
    if (within.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the join interval must not be negative");
    }
    if (allowedLateness.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("allowed lateness must not be negative");
    }
    this.right = right;
    this.within = within;
    this.type = type;
    this.allowedLateness = allowedLateness;
  }

  /**
   * Joins the stream it is applied to (the left) with {@code right}: a right record matches the
   * left records of its key from {@code within} before it up to its own time.
   */
  public static <K, L, R> IntervalJoin<K, L, R> of(
      PCollection<KV<K, R>> right, Duration within, JoinType type, Duration allowedLateness) {
    return new IntervalJoin<>(right, within, type, allowedLateness);
  }

  @Override
  public PCollection<KV<K, KV<TimestampedValue<L>, TimestampedValue<R>>>> expand(
      PCollection<KV<K, L>> left) {
    KvCoder<K, L> leftCoder = WindowedCoGroup.kvCoder(left);
    KvCoder<K, R> rightCoder = WindowedCoGroup.kvCoder(right);
    Coder<K> keyCoder = leftCoder.getKeyCoder();
    KvCoder<K, RawUnionValue> tagged =
        KvCoder.of(
            keyCoder,
            UnionCoder.of(List.of(leftCoder.getValueCoder(), rightCoder.getValueCoder())));
    Coder<TimestampedValue<L>> leftRecord = TimestampedValueCoder.of(leftCoder.getValueCoder());
    Coder<TimestampedValue<R>> rightRecord = TimestampedValueCoder.of(rightCoder.getValueCoder());
    return PCollectionList.of(left.apply("TagLeft", tag(LEFT)).setCoder(tagged))
        .and(right.apply("TagRight", tag(RIGHT)).setCoder(tagged))
        .apply("BothStreams", Flatten.pCollections())
        // The runner's time-sorted input drops records by the windowing's allowed lateness.
        .apply(
            "AllowLateness",
            Window.<KV<K, RawUnionValue>>configure().withAllowedLateness(allowedLateness))
        .apply(
            "JoinWithinInterval",
            ParDo.of(
                new IntervalJoinFn<K, L, R>(
                    within,
                    allowedLateness,
                    type,
                    leftCoder.getValueCoder(),
                    rightCoder.getValueCoder())))
        .setCoder(
            KvCoder.of(
                keyCoder, KvCoder.of(NullableCoder.of(leftRecord), NullableCoder.of(rightRecord))));
  }

  private static <K, V> MapElements<KV<K, V>, KV<K, RawUnionValue>> tag(int side) {
    return MapElements.into(new TypeDescriptor<KV<K, RawUnionValue>>() {})
        .via(record -> KV.of(record.getKey(), new RawUnionValue(side, record.getValue())));
  }

  /**
   * Per key, the records still able to match, each with whether it has matched; one event-time
   * timer at the earliest time one of them is freed.
   */
  private static final class IntervalJoinFn<K, L, R>
      extends DoFn<KV<K, RawUnionValue>, KV<K, KV<TimestampedValue<L>, TimestampedValue<R>>>> {
    private static final String LEFTS = "lefts";
    private static final String RIGHTS = "rights";
    private static final String NEXT_FREE = "nextFree";
    private static final String FREE = "free";
    private static final Duration MILLI = Duration.millis(1);

    private final Duration within;
    private final Duration allowedLateness;
    private final JoinType type;

    @StateId(LEFTS)
    private final StateSpec<BagState<TimestampedValue<KV<L, Boolean>>>> leftsSpec;

    @StateId(RIGHTS)
    private final StateSpec<BagState<TimestampedValue<KV<R, Boolean>>>> rightsSpec;

    @StateId(NEXT_FREE)
    private final StateSpec<ValueState<Instant>> nextFreeSpec = StateSpecs.value(InstantCoder.of());

    @TimerId(FREE)
    private final TimerSpec freeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    IntervalJoinFn(
        Duration within,
        Duration allowedLateness,
        JoinType type,
        Coder<L> leftCoder,
        Coder<R> rightCoder) {
      this.within = within;
      this.allowedLateness = allowedLateness;
      this.type = type;
      this.leftsSpec =
          StateSpecs.bag(TimestampedValueCoder.of(KvCoder.of(leftCoder, BooleanCoder.of())));
      this.rightsSpec =
          StateSpecs.bag(TimestampedValueCoder.of(KvCoder.of(rightCoder, BooleanCoder.of())));
    }

    @RequiresTimeSortedInput
    @ProcessElement
    @SuppressWarnings("unchecked")
    public void process(
        @Element KV<K, RawUnionValue> record,
        @Timestamp Instant time,
        @StateId(LEFTS) BagState<TimestampedValue<KV<L, Boolean>>> lefts,
        @StateId(RIGHTS) BagState<TimestampedValue<KV<R, Boolean>>> rights,
        @StateId(NEXT_FREE) ValueState<Instant> nextFree,
        @TimerId(FREE) Timer free,
        OutputReceiver<KV<K, KV<TimestampedValue<L>, TimestampedValue<R>>>> out) {
      K key = record.getKey();
      RawUnionValue value = record.getValue();
      if (value.getUnionTag() == LEFT) {
        TimestampedValue<L> left = TimestampedValue.of((L) value.getValue(), time);
        boolean matched =
            matchStored(
                rights,
                r -> !r.isBefore(time) && !r.isAfter(time.plus(within)),
                r -> out.output(KV.of(key, KV.of(left, r))));
        lefts.add(TimestampedValue.of(KV.of(left.getValue(), matched), time));
        schedule(leftFreedAt(time), nextFree, free);
      } else {
        TimestampedValue<R> right = TimestampedValue.of((R) value.getValue(), time);
        boolean matched =
            matchStored(
                lefts,
                l -> !l.isAfter(time) && !l.plus(within).isBefore(time),
                l -> out.output(KV.of(key, KV.of(l, right))));
        rights.add(TimestampedValue.of(KV.of(right.getValue(), matched), time));
        schedule(rightFreedAt(time), nextFree, free);
      }
    }

    /**
     * Hands each stored record of the other side that {@code matches} by time to {@code pair},
     * marks it matched, and says whether any did.
     */
    private static <V> boolean matchStored(
        BagState<TimestampedValue<KV<V, Boolean>>> stored,
        Predicate<Instant> matches,
        Consumer<TimestampedValue<V>> pair) {
      List<TimestampedValue<KV<V, Boolean>>> all = new ArrayList<>();
      boolean matched = false;
      boolean newlyMatched = false;
      for (TimestampedValue<KV<V, Boolean>> record : stored.read()) {
        if (matches.test(record.getTimestamp())) {
          pair.accept(TimestampedValue.of(record.getValue().getKey(), record.getTimestamp()));
          matched = true;
          if (!record.getValue().getValue()) {
            newlyMatched = true;
            record =
                TimestampedValue.of(KV.of(record.getValue().getKey(), true), record.getTimestamp());
          }
        }
        all.add(record);
      }
      if (newlyMatched) {
        stored.clear();
        all.forEach(stored::add);
      }
      return matched;
    }

    @OnTimer(FREE)
    public void onFree(
        @Key K key,
        @Timestamp Instant now,
        @StateId(LEFTS) BagState<TimestampedValue<KV<L, Boolean>>> lefts,
        @StateId(RIGHTS) BagState<TimestampedValue<KV<R, Boolean>>> rights,
        @StateId(NEXT_FREE) ValueState<Instant> nextFree,
        @TimerId(FREE) Timer free,
        OutputReceiver<KV<K, KV<TimestampedValue<L>, TimestampedValue<R>>>> out) {
      Instant leftNext =
          free(
              lefts,
              this::leftFreedAt,
              now,
              type.keepsUnmatchedLeft(),
              l -> out.output(KV.of(key, KV.of(l, null))));
      Instant rightNext =
          free(
              rights,
              this::rightFreedAt,
              now,
              type.keepsUnmatchedRight(),
              r -> out.output(KV.of(key, KV.of(null, r))));
      Instant next =
          leftNext == null || (rightNext != null && rightNext.isBefore(leftNext))
              ? rightNext
              : leftNext;
      if (next == null) {
        nextFree.clear();
      } else {
        nextFree.write(next);
        free.set(next);
      }
    }

    /**
     * Drops the records freed by {@code now}, handing those that never matched to {@code unmatched}
     * where the join keeps them; returns when the next of those kept is freed (null: none).
     */
    private static <V> Instant free(
        BagState<TimestampedValue<KV<V, Boolean>>> stored,
        Function<Instant, Instant> freedAt,
        Instant now,
        boolean keepUnmatched,
        Consumer<TimestampedValue<V>> unmatched) {
      List<TimestampedValue<KV<V, Boolean>>> kept = new ArrayList<>();
      Instant next = null;
      int all = 0;
      for (TimestampedValue<KV<V, Boolean>> record : stored.read()) {
        all++;
        Instant at = freedAt.apply(record.getTimestamp());
        if (at.isAfter(now)) {
          kept.add(record);
          next = next == null || at.isBefore(next) ? at : next;
        } else if (keepUnmatched && !record.getValue().getValue()) {
          unmatched.accept(TimestampedValue.of(record.getValue().getKey(), record.getTimestamp()));
        }
      }
      if (kept.size() < all) {
        stored.clear();
        kept.forEach(stored::add);
      }
      return next;
    }

    /**
     * A left record can meet rights up to {@code within} after it, accepted while the watermark is
     * within the allowed lateness of them; a millisecond more puts its freeing after the runner has
     * handed over a right record exactly at the edge.
     */
    private Instant leftFreedAt(Instant leftTime) {
      return leftTime.plus(within).plus(allowedLateness).plus(MILLI);
    }

    /** A right record meets lefts up to its own time, accepted within the allowed lateness. */
    private Instant rightFreedAt(Instant rightTime) {
      return rightTime.plus(allowedLateness).plus(MILLI);
    }

    private static void schedule(Instant freedAt, ValueState<Instant> nextFree, Timer free) {
      Instant next = nextFree.read();
      if (next == null || freedAt.isBefore(next)) {
        nextFree.write(freedAt);
        free.set(freedAt);
      }
    }
  }
}
