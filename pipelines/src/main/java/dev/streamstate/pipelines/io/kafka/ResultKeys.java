package dev.streamstate.pipelines.io.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * The Kafka key of a JSON result: its identity, the fields that name it (a word; an account and a
 * window's start; a session's id and start), as a JSON object such as {@code {"word":"spark"}}. A
 * later result of the same identity (the next running count, a late pane of a window) has the same
 * key, so a compacted topic, or a consumer keeping the last value per key, holds exactly the
 * current results. A result without any of the fields (best-seller of all time) has the key {@code
 * {}}: the one current result. A dead letter's key is its record's id where the record had a
 * readable one, else the digest of its payload, so the same bad record sent again is one entry.
 */
public final class ResultKeys implements SerializableFunction<String, String> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The keys of dead letters, as {@code JsonLines.deadLetters()} writes them. */
  public static final ResultKeys DEAD_LETTERS = new ResultKeys(List.of("id"), "payload");

  /** No key: lines that are not results (an echo of what was read) are written unkeyed. */
  public static final ResultKeys NONE = new ResultKeys(null, null);

  private final List<String> identity;
  private final String digestedWhenNone;

  private ResultKeys(List<String> identity, String digestedWhenNone) {
    this.identity = identity;
    this.digestedWhenNone = digestedWhenNone;
  }

  /** Keys by the {@code identity} fields a result has, in that order. */
  public static ResultKeys of(List<String> identity) {
    return new ResultKeys(identity, null);
  }

  @Override
  public String apply(String json) {
    if (identity == null) {
      return null;
    }
    JsonNode result;
    try {
      result = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a result that is not JSON: " + json, e);
    }
    ObjectNode key = JSON.createObjectNode();
    for (String field : identity) {
      JsonNode value = result.get(field);
      if (value != null && !value.isNull()) {
        key.set(field, value);
      }
    }
    if (key.isEmpty() && digestedWhenNone != null) {
      key.put(digestedWhenNone + "_sha256", sha256(result.path(digestedWhenNone).asText()));
    }
    return key.toString();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
