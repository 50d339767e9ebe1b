package dev.streamstate.transforms.sessions;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TimestampedValue.TimestampedValueCoder;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Splits each key's events into runs, in event time: a run is a maximal series of events in which
 * each next event comes less than the gap after the previous one, further cut wherever {@code
 * splitWhen(previous, next)} holds (an {@code isLast} event, a change of activity).
 *
 * <p>Why windows: they run on every runner, Beam's Spark runner included, which has no event-time
 * timers in streaming mode (where a runner has them, {@link GapSessionTimers} gives the same runs
 * sooner). Session windows ({@link Sessions}) give exactly the gap rule, merge across
 * micro-batches, and fire when the watermark passes the last event plus the gap; their state is
 * dropped once the window closes. The extra cuts cannot be merging-window logic — a late {@code
 * isLast} would have to split a window already merged — so they are applied to the complete,
 * time-ordered gap session when it fires. Out-of-order arrival therefore cannot change the result.
 * Events later than the allowed lateness are dropped and counted by the runner; within it, the gap
 * session fires again with the late event included (accumulating).
 */
public final class GapSessions<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, List<TimestampedValue<V>>>>> {

  private final Duration gap;
  private final Duration allowedLateness;
  private final SerializableBiFunction<V, V, Boolean> splitWhen;
  private final SameInstantOrder<V> sameInstantOrder;

  /** How events at the same instant are ordered (serializable, as it travels with the DoFn). */
  @FunctionalInterface
  public interface SameInstantOrder<V> extends Comparator<V>, Serializable {}

  private GapSessions(
      Duration gap,
      Duration allowedLateness,
      SerializableBiFunction<V, V, Boolean> splitWhen,
      SameInstantOrder<V> sameInstantOrder) {
    this.gap = gap;
    this.allowedLateness = allowedLateness;
    this.splitWhen = splitWhen;
    this.sameInstantOrder = sameInstantOrder;
  }

  /**
   * Runs separated by {@code gap} or more, cut between two events where {@code splitWhen} holds;
   * events at the same instant are ordered by {@code sameInstantOrder} (a serializable comparator),
   * so that the result never depends on arrival order.
   */
  public static <K, V> GapSessions<K, V> of(
      Duration gap,
      Duration allowedLateness,
      SerializableBiFunction<V, V, Boolean> splitWhen,
      SameInstantOrder<V> sameInstantOrder) {
    return new GapSessions<>(positive(gap), allowedLateness, splitWhen, sameInstantOrder);
  }

  /** {@code gap}, refused unless positive. */
  static Duration positive(Duration gap) {
    if (!gap.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the session gap must be positive");
    }
    return gap;
  }

  @Override
  public PCollection<KV<K, List<TimestampedValue<V>>>> expand(PCollection<KV<K, V>> events) {
    @SuppressWarnings("unchecked")
    KvCoder<K, V> coder = (KvCoder<K, V>) events.getCoder();
    Coder<TimestampedValue<V>> timestamped = TimestampedValueCoder.of(coder.getValueCoder());
    return events
        .apply(
            "IntoGapSessions",
            Window.<KV<K, V>>into(Sessions.withGapDuration(gap))
                .triggering(
                    AfterWatermark.pastEndOfWindow()
                        .withLateFirings(AfterPane.elementCountAtLeast(1)))
                .withAllowedLateness(allowedLateness)
                .accumulatingFiredPanes())
        .apply("KeepEventTimes", Reify.timestampsInValue())
        .apply("GatherSession", GroupByKey.create())
        .apply("SplitRuns", ParDo.of(new SplitFn<>(gap, splitWhen, sameInstantOrder)))
        .setCoder(KvCoder.of(coder.getKeyCoder(), ListCoder.of(timestamped)));
  }

  /**
   * Cuts one key's events into runs: ordered by event time (ties by {@code sameInstantOrder}), a
   * new run starts where the next event comes a gap or more after the previous one or where {@code
   * splitWhen(previous, next)} holds. The one place the run rule lives, for windows and timers.
   */
  static <V> List<List<TimestampedValue<V>>> runs(
      Iterable<TimestampedValue<V>> unordered,
      Duration gap,
      SerializableBiFunction<V, V, Boolean> splitWhen,
      Comparator<V> sameInstantOrder) {
    List<TimestampedValue<V>> events = new ArrayList<>();
    unordered.forEach(events::add);
    events.sort(
        Comparator.<TimestampedValue<V>, Instant>comparing(TimestampedValue::getTimestamp)
            .thenComparing(TimestampedValue::getValue, sameInstantOrder));
    List<List<TimestampedValue<V>>> runs = new ArrayList<>();
    List<TimestampedValue<V>> run = new ArrayList<>();
    for (TimestampedValue<V> event : events) {
      if (!run.isEmpty()) {
        TimestampedValue<V> previous = run.get(run.size() - 1);
        if (!event.getTimestamp().isBefore(previous.getTimestamp().plus(gap))
            || splitWhen.apply(previous.getValue(), event.getValue())) {
          runs.add(run);
          run = new ArrayList<>();
        }
      }
      run.add(event);
    }
    if (!run.isEmpty()) {
      runs.add(run);
    }
    return runs;
  }

  /** Orders a complete gap session by event time and cuts it where the rule says. */
  private static final class SplitFn<K, V>
      extends DoFn<KV<K, Iterable<TimestampedValue<V>>>, KV<K, List<TimestampedValue<V>>>> {
    private final Duration gap;
    private final SerializableBiFunction<V, V, Boolean> splitWhen;
    private final SameInstantOrder<V> sameInstantOrder;

    SplitFn(
        Duration gap,
        SerializableBiFunction<V, V, Boolean> splitWhen,
        SameInstantOrder<V> sameInstantOrder) {
      this.gap = gap;
      this.splitWhen = splitWhen;
      this.sameInstantOrder = sameInstantOrder;
    }

    @ProcessElement
    public void process(
        @Element KV<K, Iterable<TimestampedValue<V>>> session,
        OutputReceiver<KV<K, List<TimestampedValue<V>>>> out) {
      for (List<TimestampedValue<V>> run :
          runs(session.getValue(), gap, splitWhen, sameInstantOrder)) {
        out.output(KV.of(session.getKey(), run));
      }
    }
  }
}
