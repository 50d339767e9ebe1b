package dev.streamstate.transforms.sessions;

import dev.streamstate.transforms.common.RecordCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.joda.time.Instant;

/** A run of one activity of one user: its first and last event times. */
@DefaultCoder(ActivityRun.Coder.class)
public record ActivityRun(String user, String activity, Instant start, Instant end) {

  /** Its coder (see {@link RecordCoder}). */
  public static final class Coder extends RecordCoder<ActivityRun> {
    public Coder() {
      super(ActivityRun.class, STRING, STRING, INSTANT, INSTANT);
    }
  }
}
