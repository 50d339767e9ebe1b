package dev.streamstate.transforms.joins;

import dev.streamstate.transforms.common.ParseOrDeadLetter;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.values.KV;

/**
 * Payloads of the form {@code key,value}, as both streams of a join carry them: the key is the text
 * before the first comma and the value all the rest (which may hold commas, or be empty).
 */
public final class KeyedPayloads {
  private KeyedPayloads() {}

  /**
   * Splits payloads into key and value; one without a comma or with an empty key is a dead letter.
   */
  public static ParseOrDeadLetter<String, KV<String, String>> parse() {
    return ParseOrDeadLetter.with(
        KeyedPayloads::parse, KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
  }

  static KV<String, String> parse(String payload) {
    int comma = payload.indexOf(',');
    if (comma < 0) {
      throw new IllegalArgumentException("no comma: expected key,value");
    }
    if (comma == 0) {
      throw new IllegalArgumentException("empty key: expected key,value");
    }
    return KV.of(payload.substring(0, comma), payload.substring(comma + 1));
  }
}
