package dev.streamstate.transforms.sessions;

import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TimestampedValue.TimestampedValueCoder;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The runs of {@link GapSessions} — a gap or more between two events starts a new run, and so does
 * an event after one that {@code closesRun} — kept in state per key and emitted by an event-time
 * timer, for runners that have event-time timers in streaming (the DirectRunner, ours).
 *
 * <p>Why: session windows can only fire when the watermark passes the last event plus the gap, so a
 * run an event closes ({@code isLast}) waits a whole gap for nothing. Here the timer of a run is
 * set to the event that closes it, or else to its last event plus the gap, so it is emitted as soon
 * as the watermark says no earlier event can still come. The input is time-sorted ({@link
 * RequiresTimeSortedInput}): the runner buffers each key's events until the watermark passes them
 * and drops those later than the allowed lateness behind the watermark, so a run never needs to be
 * re-emitted. With an allowed lateness, the runner holds events back by that much longer.
 */
public final class GapSessionTimers<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, List<TimestampedValue<V>>>>> {

  private final Duration gap;
  private final Duration allowedLateness;
  private final SerializableFunction<V, Boolean> closesRun;
  private final GapSessions.SameInstantOrder<V> sameInstantOrder;

  private GapSessionTimers(
      Duration gap,
      Duration allowedLateness,
      SerializableFunction<V, Boolean> closesRun,
      GapSessions.SameInstantOrder<V> sameInstantOrder) {
    this.gap = gap;
    this.allowedLateness = allowedLateness;
    this.closesRun = closesRun;
    this.sameInstantOrder = sameInstantOrder;
  }

  /**
   * Runs separated by {@code gap} or more, and ended by an event that {@code closesRun}; events at
   * the same instant ordered by {@code sameInstantOrder}, as in {@link GapSessions#of}; events more
   * than {@code allowedLateness} behind the watermark are dropped.
   */
  public static <K, V> GapSessionTimers<K, V> of(
      Duration gap,
      Duration allowedLateness,
      SerializableFunction<V, Boolean> closesRun,
      GapSessions.SameInstantOrder<V> sameInstantOrder) {
    return new GapSessionTimers<>(
        GapSessions.positive(gap), allowedLateness, closesRun, sameInstantOrder);
  }

  @Override
  public PCollection<KV<K, List<TimestampedValue<V>>>> expand(PCollection<KV<K, V>> events) {
    @SuppressWarnings("unchecked")
    KvCoder<K, V> coder = (KvCoder<K, V>) events.getCoder();
    Coder<TimestampedValue<V>> timestamped = TimestampedValueCoder.of(coder.getValueCoder());
    return events
        // The runner's time-sorted input drops events by the windowing's allowed lateness.
        .apply("AllowLateness", Window.<KV<K, V>>configure().withAllowedLateness(allowedLateness))
        .apply("RunsByTimers", ParDo.of(new RunFn<>(gap, closesRun, sameInstantOrder, timestamped)))
        .setCoder(KvCoder.of(coder.getKeyCoder(), ListCoder.of(timestamped)));
  }

  /**
   * Keeps a key's events that are in no emitted run yet; the timer emits each run once the
   * watermark has passed the time it closes: its event that {@code closesRun}, or else its last
   * event plus the gap (less a millisecond: an event exactly a gap later starts a new run). The one
   * timer waits for the earliest run, and each run goes out with its closing time as its timestamp.
   */
  private static final class RunFn<K, V> extends DoFn<KV<K, V>, KV<K, List<TimestampedValue<V>>>> {
    private static final String EVENTS = "events";
    private static final String CLOSE = "close";

    private final Duration gap;
    private final SerializableFunction<V, Boolean> closesRun;
    private final GapSessions.SameInstantOrder<V> sameInstantOrder;

    @StateId(EVENTS)
    private final StateSpec<BagState<TimestampedValue<V>>> eventsSpec;

    @TimerId(CLOSE)
    private final TimerSpec closeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    RunFn(
        Duration gap,
        SerializableFunction<V, Boolean> closesRun,
        GapSessions.SameInstantOrder<V> sameInstantOrder,
        Coder<TimestampedValue<V>> eventCoder) {
      this.gap = gap;
      this.closesRun = closesRun;
      this.sameInstantOrder = sameInstantOrder;
      this.eventsSpec = StateSpecs.bag(eventCoder);
    }

    @RequiresTimeSortedInput
    @ProcessElement
    public void process(
        @Element KV<K, V> event,
        @Timestamp Instant timestamp,
        @StateId(EVENTS) BagState<TimestampedValue<V>> events,
        @TimerId(CLOSE) Timer close) {
      events.add(TimestampedValue.of(event.getValue(), timestamp));
      Instant first = closesAt(runs(events).get(0));
      // A first run closing before this event is one whose timer is already set and due.
      if (!first.isBefore(timestamp)) {
        close.set(first);
      }
    }

    @OnTimer(CLOSE)
    public void onClose(
        @Key K key,
        @Timestamp Instant closedAt,
        @StateId(EVENTS) BagState<TimestampedValue<V>> events,
        @TimerId(CLOSE) Timer close,
        OutputReceiver<KV<K, List<TimestampedValue<V>>>> out) {
      List<List<TimestampedValue<V>>> runs = runs(events);
      // Closing times follow the runs' order: the complete runs are a prefix.
      int emitted = 0;
      while (emitted < runs.size() && !closesAt(runs.get(emitted)).isAfter(closedAt)) {
        out.output(KV.of(key, runs.get(emitted++)));
      }
      events.clear();
      List<List<TimestampedValue<V>>> open = runs.subList(emitted, runs.size());
      open.forEach(run -> run.forEach(events::add));
      if (!open.isEmpty()) {
        close.set(closesAt(open.get(0)));
      }
    }

    private List<List<TimestampedValue<V>>> runs(BagState<TimestampedValue<V>> events) {
      return GapSessions.runs(
          events.read(), gap, (previous, next) -> closesRun.apply(previous), sameInstantOrder);
    }

    private Instant closesAt(List<TimestampedValue<V>> run) {
      TimestampedValue<V> last = run.get(run.size() - 1);
      return closesRun.apply(last.getValue())
          ? last.getTimestamp()
          : last.getTimestamp().plus(gap).minus(Duration.millis(1));
    }
  }
}
