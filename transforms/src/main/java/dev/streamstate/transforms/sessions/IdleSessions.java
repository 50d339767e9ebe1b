package dev.streamstate.transforms.sessions;

import dev.streamstate.transforms.common.RecordCoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
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
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TimestampedValue.TimestampedValueCoder;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Sessions in processing time, for sources whose records carry no meaningful event time (a socket
 * stamps lines on arrival): {@code mapWithState} with a timeout. A session ends at once with an
 * {@code isLast} event, or when its user has sent nothing for the idle timeout; either way it is
 * emitted and its state cleared, its events in time order.
 */
public final class IdleSessions extends PTransform<PCollection<UserEvent>, PCollection<Session>> {
  private final Duration idleTimeout;

  private IdleSessions(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  /** Sessions that end with {@code isLast} or after {@code idleTimeout} without events. */
  public static IdleSessions withIdleTimeout(Duration idleTimeout) {
    if (!idleTimeout.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the idle timeout must be positive");
    }
    return new IdleSessions(idleTimeout);
  }

  @Override
  public PCollection<Session> expand(PCollection<UserEvent> events) {
    return events
        .apply("ById", WithKeys.of(UserEvent::id).withKeyType(TypeDescriptors.longs()))
        .setCoder(KvCoder.of(VarLongCoder.of(), RecordCoder.of(UserEvent.class)))
        .apply("Sessionize", ParDo.of(new IdleSessionFn(idleTimeout)));
  }

  /** Gathers a user's events until {@code isLast} or the idle timer; then emits and forgets. */
  static final class IdleSessionFn extends DoFn<KV<Long, UserEvent>, Session> {
    private static final String EVENTS = "events";
    private static final String IDLE = "idle";

    private final Duration idleTimeout;

    @StateId(EVENTS)
    private final StateSpec<BagState<TimestampedValue<UserEvent>>> eventsSpec =
        StateSpecs.bag(TimestampedValueCoder.of(RecordCoder.of(UserEvent.class)));

    @TimerId(IDLE)
    private final TimerSpec idleSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    IdleSessionFn(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    @ProcessElement
    public void process(
        @Element KV<Long, UserEvent> event,
        @Timestamp org.joda.time.Instant timestamp,
        @StateId(EVENTS) BagState<TimestampedValue<UserEvent>> events,
        @TimerId(IDLE) Timer idle,
        OutputReceiver<Session> out) {
      events.add(TimestampedValue.of(event.getValue(), timestamp));
      if (event.getValue().isLast()) {
        emit(event.getKey(), events, "last", out);
        idle.clear();
      } else {
        idle.offset(idleTimeout).setRelative();
      }
    }

    @OnTimer(IDLE)
    public void onIdle(
        @Key Long id,
        @StateId(EVENTS) BagState<TimestampedValue<UserEvent>> events,
        OutputReceiver<Session> out) {
      emit(id, events, "timeout", out);
    }

    private static void emit(
        long id,
        BagState<TimestampedValue<UserEvent>> state,
        String closedBy,
        OutputReceiver<Session> out) {
      List<TimestampedValue<UserEvent>> events = new ArrayList<>();
      state.read().forEach(events::add);
      state.clear();
      if (events.isEmpty()) {
        return;
      }
      events.sort(Comparator.comparing(TimestampedValue::getTimestamp));
      out.output(
          new Session(
              id,
              events.get(0).getTimestamp(),
              events.get(events.size() - 1).getTimestamp(),
              events.stream().map(e -> e.getValue().data()).toList(),
              closedBy));
    }
  }
}
