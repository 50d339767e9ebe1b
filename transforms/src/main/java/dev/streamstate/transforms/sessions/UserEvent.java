package dev.streamstate.transforms.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamstate.transforms.common.JsonObjects;
import dev.streamstate.transforms.common.RecordCoder;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * A user event of the sessionization example: {@code {"id": <int>, "data": <string>, "isLast":
 * <bool>}}; {@code isLast} marks the user's last event of a session and may be left out (false).
 */
@DefaultCoder(UserEvent.Coder.class)
public record UserEvent(long id, String data, boolean isLast) {

  /** Parses one payload; throws {@link IllegalArgumentException} saying what is wrong. */
  public static UserEvent parse(String payload) {
    JsonNode event = JsonObjects.parse(payload);
    JsonNode id = event.get("id");
    if (id == null || !id.isIntegralNumber() || !id.canConvertToLong()) {
      throw new IllegalArgumentException(
          "'id' must be an integer, got " + JsonObjects.describe(id));
    }
    JsonNode data = event.get("data");
    if (data == null || !data.isTextual()) {
      throw new IllegalArgumentException(
          "'data' must be a string, got " + JsonObjects.describe(data));
    }
    JsonNode isLast = event.get("isLast");
    if (isLast != null && !isLast.isBoolean()) {
      throw new IllegalArgumentException(
          "'isLast' must be true or false, got " + JsonObjects.describe(isLast));
    }
    return new UserEvent(id.longValue(), data.textValue(), isLast != null && isLast.booleanValue());
  }

  /** Its coder (see {@link RecordCoder}). */
  public static final class Coder extends RecordCoder<UserEvent> {
    public Coder() {
      super(UserEvent.class, LONG, STRING, BOOLEAN);
    }
  }
}
