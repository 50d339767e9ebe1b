package dev.streamstate.transforms.sessions;

import dev.streamstate.transforms.common.RecordCoder;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Sessions per user id in event time: a session is a maximal run of events each less than the gap
 * after the previous one, and it also ends right after an {@code isLast} event. By default in
 * session windows ({@link GapSessions}), emitted once the watermark passes the last event plus the
 * gap, on every runner; {@link #withEventTimeTimers()} gives the same sessions by event-time timers
 * ({@link GapSessionTimers}), a session ended by {@code isLast} as soon as the watermark passes
 * that event, on runners that have event-time timers in streaming. Either way its state is then
 * gone.
 */
public final class SessionizeUserEvents
    extends PTransform<PCollection<UserEvent>, PCollection<Session>> {
  private final Duration gap;
  private final Duration allowedLateness;
  private final boolean byTimers;

  private SessionizeUserEvents(Duration gap, Duration allowedLateness, boolean byTimers) {
    this.gap = gap;
    this.allowedLateness = allowedLateness;
    this.byTimers = byTimers;
  }

  /** Sessions in session windows; events later than {@code allowedLateness} are dropped. */
  public static SessionizeUserEvents withGap(Duration gap, Duration allowedLateness) {
    return new SessionizeUserEvents(gap, allowedLateness, false);
  }

  /**
   * The same sessions by event-time timers: an {@code isLast} session is emitted when the watermark
   * passes its last event rather than a gap later. Events later than the allowed lateness behind
   * the watermark are dropped, and the runner holds events back by the allowed lateness.
   */
  public SessionizeUserEvents withEventTimeTimers() {
    return new SessionizeUserEvents(gap, allowedLateness, true);
  }

  @Override
  public PCollection<Session> expand(PCollection<UserEvent> events) {
    // At one instant, an isLast event goes last: it closes what came with it.
    GapSessions.SameInstantOrder<UserEvent> lastGoesLast =
        (a, b) ->
            Comparator.comparing(UserEvent::isLast).thenComparing(UserEvent::data).compare(a, b);
    PCollection<KV<Long, UserEvent>> byId =
        events
            .apply("ById", WithKeys.of(UserEvent::id).withKeyType(TypeDescriptors.longs()))
            .setCoder(KvCoder.of(VarLongCoder.of(), RecordCoder.of(UserEvent.class)));
    PCollection<KV<Long, List<TimestampedValue<UserEvent>>>> sessions =
        byTimers
            ? byId.apply(
                "SessionsByTimers",
                GapSessionTimers.of(gap, allowedLateness, UserEvent::isLast, lastGoesLast))
            : byId.apply(
                "Sessions",
                GapSessions.of(
                    gap, allowedLateness, (previous, next) -> previous.isLast(), lastGoesLast));
    return sessions.apply(
        "AsSession",
        MapElements.into(TypeDescriptor.of(Session.class)).via(SessionizeUserEvents::session));
  }

  private static Session session(KV<Long, List<TimestampedValue<UserEvent>>> run) {
    List<TimestampedValue<UserEvent>> events = run.getValue();
    TimestampedValue<UserEvent> last = events.get(events.size() - 1);
    return new Session(
        run.getKey(),
        events.get(0).getTimestamp(),
        last.getTimestamp(),
        events.stream().map(e -> e.getValue().data()).toList(),
        last.getValue().isLast() ? "last" : "timeout");
  }
}
