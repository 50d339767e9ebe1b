package dev.streamstate.transforms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads JSON object payloads strictly, with reasons a user can act on. */
final class JsonObjects {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonObjects() {}

  /** The payload as a JSON object; throws {@link IllegalArgumentException} otherwise. */
  static JsonNode parse(String payload) {
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    return node;
  }

  /** How a field's value reads in a message: "missing", or its JSON type and text. */
  static String describe(JsonNode value) {
    if (value == null) {
      return "nothing (missing)";
    }
    String text = value.toString();
    return value.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
  }
}
