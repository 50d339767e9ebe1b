package dev.streamstate.transforms;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
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
@DefaultCoder(SerializableCoder.class)
public record Session(long id, Instant start, Instant end, List<String> events, String closedBy)
    implements Serializable {}
