package dev.streamstate.transforms.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads JSON object payloads strictly, with reasons a user can act on. */
public final class JsonObjects {
  /**
   * Strict: one payload is one JSON value, so text after it (a second object glued on) is an error
   * rather than silently dropped, and so is a key given twice (which one would count?).
   */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private JsonObjects() {}

  /** The payload as a JSON object; throws {@link IllegalArgumentException} otherwise. */
  public static JsonNode parse(String payload) {
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      throw new IllegalArgumentException(
          "not JSON: "
              + (why != null && why.startsWith("Trailing token")
                  ? "more text after the JSON value"
                  : why));
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return node;
  }

  /** How a field's value reads in a message: "missing", or its JSON type and text. */
  public static String describe(JsonNode value) {
    if (value == null) {
      return "nothing (missing)";
    }
    return value.getNodeType().name().toLowerCase() + " " + Reasons.abbreviate(value.toString());
  }
}
