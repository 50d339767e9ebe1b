package dev.streamstate.transforms;

import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
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
 * after the previous one, and it also ends right after an {@code isLast} event. Emitted once the
 * watermark passes the last event plus the gap; then its state is gone (see {@link GapSessions}).
 */
public final class SessionizeUserEvents extends PTransform<PCollection<UserEvent>, PCollection<Session>> {
  private final Duration gap;
  private final Duration allowedLateness;

  private SessionizeUserEvents(Duration gap, Duration allowedLateness) {
    this.gap = gap;
    this.allowedLateness = allowedLateness;
  }

  public static SessionizeUserEvents withGap(Duration gap, Duration allowedLateness) {
    return new SessionizeUserEvents(gap, allowedLateness);
  }

  @Override
  public PCollection<Session> expand(PCollection<UserEvent> events) {
    return events
        .apply("ById", WithKeys.of(UserEvent::id).withKeyType(TypeDescriptors.longs()))
        .setCoder(KvCoder.of(VarLongCoder.of(), SerializableCoder.of(UserEvent.class)))
        .apply(
            "Sessions",
            GapSessions.<Long, UserEvent>of(
                gap,
                allowedLateness,
                (previous, next) -> previous.isLast(),
                // At one instant, an isLast event goes last: it closes what came with it.
                (a, b) ->
                    Comparator.comparing(UserEvent::isLast)
                        .thenComparing(UserEvent::data)
                        .compare(a, b)))
        .apply("AsSession", MapElements.into(TypeDescriptor.of(Session.class)).via(SessionizeUserEvents::session));
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
