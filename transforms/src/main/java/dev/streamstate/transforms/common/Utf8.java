package dev.streamstate.transforms.common;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;

/**
 * Decodes raw records as strict UTF-8. Sources hand over bytes, not text, so that a record with
 * invalid bytes becomes a dead letter instead of being silently "repaired" with U+FFFD.
 */
public final class Utf8 {
  private Utf8() {}

  /** Decodes each byte record; invalid UTF-8, and a record over the cap, go to the dead letters. */
  public static PTransform<
          PCollection<byte[]>, WithFailures.Result<PCollection<String>, DeadLetter>>
      decode() {
    return ParseOrDeadLetter.withBytes(Utf8::decodeStrict, StringUtf8Coder.of());
  }

  /** The text, or {@link IllegalArgumentException} for bytes that are not valid UTF-8. */
  public static String decodeStrict(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("not valid UTF-8 text", e);
    }
  }

  static String decodeLenient(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
