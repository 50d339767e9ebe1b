package dev.streamstate.transforms;

import java.io.Serializable;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.joda.time.Instant;

/** A run of one activity of one user: its first and last event times. */
@DefaultCoder(SerializableCoder.class)
public record ActivityRun(String user, String activity, Instant start, Instant end)
    implements Serializable {}
