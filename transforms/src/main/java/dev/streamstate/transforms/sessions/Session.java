package dev.streamstate.transforms.sessions;

import dev.streamstate.transforms.common.RecordCoder;
import java.util.List;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.joda.time.Instant;

/**
 * A finished session of one user.
 *
 * @param id the user
 * @param start the first event's time
 * @param end the last event's time
 * @param events the events' data, in time order
 * @param closedBy {@code "last"} when it ended with an {@code isLast} event, else {@code "timeout"}
 */
@DefaultCoder(Session.Coder.class)
public record Session(long id, Instant start, Instant end, List<String> events, String closedBy) {

  /** Its coder (see {@link RecordCoder}). */
  public static final class Coder extends RecordCoder<Session> {
    public Coder() {
      super(Session.class, LONG, INSTANT, INSTANT, ListCoder.of(STRING), STRING);
    }
  }
}
