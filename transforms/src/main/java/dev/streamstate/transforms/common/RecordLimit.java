package dev.streamstate.transforms.common;

import java.nio.charset.StandardCharsets;

/**
 * The cap on one record's size: a line that never ends must not grow memory without limit, and a
 * record of megabytes is a producer's mistake, not data. Sources that split lines keep no more of a
 * longer one than {@link #MAX_BYTES} + 1 bytes (enough to tell that it is over) and skip the rest
 * of it; {@link ParseOrDeadLetter}, which the UTF-8 decoding and every parser go through, refuses a
 * record over the cap before parsing it, as a dead letter that keeps only its beginning. 1 MiB is
 * also Kafka's default largest message, so a topic's records fit.
 */
public final class RecordLimit {
  /** The most bytes one record may have (a line without its line break, as UTF-8): 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  /**
   * How much of a record over the cap its dead letter keeps (bytes of raw records, characters of
   * text): enough to find where it came from, and small enough for a dead-letter topic.
   */
  static final int KEPT = 1 << 10;

  static final String REASON =
      "record of more than "
          + MAX_BYTES
          + " bytes (the cap on a record): only its beginning is kept;"
          + " split it into smaller records";

  private RecordLimit() {}

  static boolean exceeds(byte[] record) {
    return record.length > MAX_BYTES;
  }

  /** Whether the text has more than {@link #MAX_BYTES} bytes in UTF-8 (counted if in doubt). */
  static boolean exceeds(String record) {
    if (record.length() <= MAX_BYTES / 3) {
      return false; // a char is at most 3 bytes in UTF-8
    }
    long bytes = 0;
    for (int i = 0; i < record.length() && bytes <= MAX_BYTES; i++) {
      char c = record.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a pair is 4
    }
    return bytes > MAX_BYTES;
  }

  /** The first {@link #KEPT} bytes, decoded, cut before a character rather than through it. */
  static String beginning(byte[] record) {
    int end = Math.min(record.length, KEPT);
    while (end < record.length && end > 0 && (record[end] & 0xC0) == 0x80) {
      end--; // a continuation byte: the character started before the cut
    }
    return new String(record, 0, end, StandardCharsets.UTF_8);
  }

  /** The first {@link #KEPT} characters, a surrogate pair kept whole or not at all. */
  static String beginning(String record) {
    int end = Math.min(record.length(), KEPT);
    if (end < record.length() && Character.isHighSurrogate(record.charAt(end - 1))) {
      end--;
    }
    return record.substring(0, end);
  }
}
