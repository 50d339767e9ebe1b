package dev.streamstate.transforms.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamstate.transforms.common.EventTime;
import dev.streamstate.transforms.common.JsonObjects;
import dev.streamstate.transforms.common.RecordCoder;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.joda.time.Instant;

/**
 * A user activity of the first/last-activity example: {@code {"user": <string>, "timestamp": <epoch
 * millis>, "activity": <string>}}; its event time is {@code timestamp}.
 */
@DefaultCoder(Activity.Coder.class)
public record Activity(String user, long timestamp, String activity) {

  public Instant eventTime() {
    return new Instant(timestamp);
  }

  /** Parses one payload; throws {@link IllegalArgumentException} saying what is wrong. */
  public static Activity parse(String payload) {
    JsonNode event = JsonObjects.parse(payload);
    JsonNode user = event.get("user");
    if (user == null || !user.isTextual() || user.textValue().isEmpty()) {
      throw new IllegalArgumentException(
          "'user' must be a non-empty string, got " + JsonObjects.describe(user));
    }
    JsonNode timestamp = event.get("timestamp");
    if (timestamp == null
        || !timestamp.isIntegralNumber()
        || !timestamp.canConvertToLong()
        || !EventTime.isSupported(new Instant(timestamp.longValue()))) {
      throw new IllegalArgumentException(
          "'timestamp' must be epoch milliseconds in the years 0001 to 9999, got "
              + JsonObjects.describe(timestamp));
    }
    JsonNode activity = event.get("activity");
    if (activity == null || !activity.isTextual()) {
      throw new IllegalArgumentException(
          "'activity' must be a string, got " + JsonObjects.describe(activity));
    }
    return new Activity(user.textValue(), timestamp.longValue(), activity.textValue());
  }

  /** Its coder (see {@link RecordCoder}). */
  public static final class Coder extends RecordCoder<Activity> {
    public Coder() {
      super(Activity.class, STRING, LONG, STRING);
    }
  }
}
