package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.joda.time.Instant;

/**
 * A replay file of good records mixed, in a seeded random order, with malformed ones, each
 * malformed one written down with the dead letter it must become: the text the dead letter shows, a
 * fragment of its reason and the id it must keep. Malformed records come at every layer of the real
 * read path: the record's size (over the cap), the bytes (not UTF-8), the replay line (no TAB, no
 * valid event time) and the pipeline's own payload.
 */
final class HostileReplay {
  /** Where a malformed record fails: the first layer that cannot read it. */
  enum Layer {
    /** Over the cap on a record's size: refused before it is decoded, its beginning kept. */
    SIZE,
    UTF8,
    REPLAY_LINE,
    PAYLOAD
  }

  /**
   * A malformed record. {@code timed} records get a valid event time and a TAB before their bytes;
   * the others are the whole line.
   */
  record Bad(Layer layer, boolean timed, byte[] bytes, String reason, String id) {
    /** A payload in valid UTF-8 that the pipeline's parser must reject. */
    static Bad payload(String text, String reason) {
      return payload(text, reason, null);
    }

    /** As {@link #payload(String, String)}, and its dead letter keeps the record's id. */
    static Bad payload(String text, String reason, String id) {
      return new Bad(Layer.PAYLOAD, true, utf8(text), reason, id);
    }

    /** A whole replay line in valid UTF-8 that is not {@code <event time>TAB<payload>}. */
    static Bad line(String text, String reason) {
      return new Bad(Layer.REPLAY_LINE, false, utf8(text), reason, null);
    }

    /** A payload that is not UTF-8: the whole line is rejected before it is split. */
    static Bad notUtf8(byte[] payload) {
      return new Bad(Layer.UTF8, true, payload, NOT_UTF8, null);
    }
  }

  /** A good payload and the event time its replay line carries. */
  record Timed(Instant time, String payload) {}

  /** The dead letter a malformed record must become: the text it shows, its reason, its id. */
  private record DeadLetterDue(Layer layer, String payload, String reason, String id) {}

  static final String OVER_THE_CAP = "record of more than 1048576 bytes";

  /** How much of a record over the cap its dead letter keeps. */
  private static final int KEPT = 1024;

  /** The length of a huge record that still fits under the cap, with its event time. */
  static final int LARGE = 1_000_000;

  static final String NOT_UTF8 = "not valid UTF-8 text";
  static final String NO_TAB = "replay line has no TAB";
  static final String NO_EVENT_TIME = "replay line has no valid event time";
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Bytes that can stand nowhere in UTF-8. */
  private static final byte[] NEVER_UTF8 = {
    (byte) 0xC0, (byte) 0xC1, (byte) 0xF5, (byte) 0xF8, (byte) 0xFE, (byte) 0xFF
  };

  private static final String[] BAD_TIMES = {
    "yesterday",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-01-01T24:00:01Z",
    "2026-01-01T00:00:00+25:00",
    "1767225600000",
    "2026/01/01 00:00:00",
    "NaN",
    " ",
    // parse as ISO-8601, but no window or runner can hold them
    "-292275054-01-01T00:00:00Z",
    "292278993-12-31T23:59:59Z",
    "99999-01-01T00:00:00Z",
    "0000-12-31T23:59:59Z",
  };

  private final Random random;
  private final List<byte[]> lines = new ArrayList<>();
  private final List<DeadLetterDue> bad = new ArrayList<>();
  private int good;

  HostileReplay(Random random) {
    this.random = random;
  }

  /** Adds a good record. */
  void good(Timed record) {
    add(utf8(record.time() + "\t" + record.payload()));
    good++;
  }

  /** Adds a malformed record, stamped with a random valid event time where it has one. */
  void bad(Bad record) {
    byte[] line =
        record.timed() ? concat(utf8(randomTime(random) + "\t"), record.bytes()) : record.bytes();
    add(line);
    // A payload's parser sees the payload; the layers below it see the whole line, and of a line
    // over the cap only its beginning is kept.
    byte[] shown =
        switch (record.layer()) {
          case PAYLOAD -> record.bytes();
          case SIZE -> Arrays.copyOf(line, KEPT);
          default -> line;
        };
    bad.add(
        new DeadLetterDue(
            record.layer(),
            new String(shown, StandardCharsets.UTF_8),
            record.reason(),
            record.id()));
  }

  int goodCount() {
    return good;
  }

  /** How many malformed records fail at each layer. */
  Map<Layer, Integer> badCounts() {
    Map<Layer, Integer> counts = new EnumMap<>(Layer.class);
    for (Layer layer : Layer.values()) {
      counts.put(layer, 0);
    }
    bad.forEach(b -> counts.merge(b.layer(), 1, Integer::sum));
    return counts;
  }

  int badCount() {
    return bad.size();
  }

  /** Writes all records as one replay file, in a seeded random order. */
  void write(Path file) throws IOException {
    Collections.shuffle(lines, random);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (byte[] line : lines) {
        out.write(line);
        out.write('\n');
      }
    }
  }

  /**
   * Requires exactly one dead letter per malformed record: the text it shows, a reason holding the
   * expected fragment, and the record's id where it has to keep one.
   */
  void checkDeadLetters(List<String> deadLetterLines) throws IOException {
    assertEquals(bad.size(), deadLetterLines.size(), "one dead letter per malformed record");
    Map<String, List<DeadLetterDue>> expected = new HashMap<>();
    for (DeadLetterDue due : bad) {
      expected.computeIfAbsent(due.payload(), text -> new ArrayList<>()).add(due);
    }
    // The longest fragment first: it is the most specific.
    expected
        .values()
        .forEach(
            list -> list.sort(Comparator.comparingInt((DeadLetterDue d) -> -d.reason().length())));
    for (String line : deadLetterLines) {
      JsonNode letter = JSON.readTree(line);
      String payload = letter.path("payload").textValue();
      String reason = letter.path("error").textValue();
      String id = letter.hasNonNull("id") ? letter.get("id").asText() : null;
      assertTrue(reason != null && !reason.isBlank(), "a reason: " + abbreviate(line));
      assertFalse(reason.contains("\n"), "a one-line reason: " + abbreviate(line));
      List<DeadLetterDue> candidates = expected.getOrDefault(payload, new ArrayList<>());
      DeadLetterDue match =
          candidates.stream()
              .filter(b -> reason.contains(b.reason()) && Objects.equals(b.id(), id))
              .findFirst()
              .orElse(null);
      if (match == null) {
        fail(
            "unexpected dead letter (payload unknown, or another reason or id than "
                + candidates.stream().map(b -> b.reason() + "/" + b.id()).toList()
                + "): "
                + abbreviate(line));
      }
      candidates.remove(match);
    }
  }

  private void add(byte[] line) {
    for (int i = 0; i < line.length; i++) {
      if (line[i] == '\n' || (line[i] == '\r' && i == line.length - 1)) {
        throw new IllegalStateException("a generated line must stay one line");
      }
    }
    lines.add(line);
  }

  /** An event time in the hour the good records use, to the millisecond. */
  static Instant randomTime(Random random) {
    return START.plus(random.nextInt(3_600_000));
  }

  /** Bytes that are not UTF-8, in the ways real producers get it wrong. */
  static byte[] notUtf8(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> { // noise with at least one byte that is never UTF-8
        byte[] noise = new byte[1 + random.nextInt(120)];
        random.nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
          if (noise[i] == '\n' || noise[i] == '\r') {
            noise[i] = 'x';
          }
        }
        noise[random.nextInt(noise.length)] = NEVER_UTF8[random.nextInt(NEVER_UTF8.length)];
        yield noise;
      }
      case 1 ->
          concat(
              utf8("zo"),
              new byte[] {(byte) 0xC3},
              utf8(random.nextBoolean() ? "" : " tail")); // cut multi-byte
      case 2 ->
          concat(
              utf8("a"),
              random.nextBoolean()
                  ? new byte[] {(byte) 0xC0, (byte) 0xAF}
                  : new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
              utf8("b")); // overlong
      case 3 ->
          concat(
              utf8("x"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a UTF-16 surrogate
      case 4 ->
          concat(
              new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
              utf8("y")); // above U+10FFFF
      default -> concat(utf8("caf"), new byte[] {(byte) 0xE9}, utf8(" au lait")); // Latin-1
    };
  }

  /** A line that is valid UTF-8 but not a replay line, around a payload that may be good. */
  static Bad badReplayLine(Random random, String payload) {
    String noTab = payload.replace('\t', ' ');
    return switch (random.nextInt(6)) {
      case 0 -> Bad.line("", NO_TAB);
      case 1 -> Bad.line(" ".repeat(1 + random.nextInt(20)), NO_TAB);
      case 2 -> Bad.line(noTab, NO_TAB);
      case 3 -> Bad.line("\t" + payload, NO_EVENT_TIME);
      case 4 -> Bad.line(randomTime(random).toString().replace('T', ' ') + " " + noTab, NO_TAB);
      default ->
          Bad.line(BAD_TIMES[random.nextInt(BAD_TIMES.length)] + "\t" + payload, NO_EVENT_TIME);
    };
  }

  /** A line of about a megabyte, under the cap, that is not UTF-8. */
  static Bad hugeNotUtf8(Random random) {
    byte[] noise = utf8(letters(random, LARGE));
    noise[random.nextInt(noise.length)] = (byte) 0xFF;
    return Bad.notUtf8(noise);
  }

  /** A line of about a megabyte, under the cap, without a TAB. */
  static Bad hugeWithoutTab(Random random) {
    return Bad.line(letters(random, LARGE), NO_TAB);
  }

  /** A replay line of several megabytes: over the cap, whatever its payload. */
  static Bad overTheCap(Random random) {
    return new Bad(Layer.SIZE, true, utf8(letters(random, 3_000_000)), OVER_THE_CAP, null);
  }

  /** {@code length} random ASCII letters and digits. */
  static String letters(Random random, int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  static String digits(Random random, int length) {
    StringBuilder text = new StringBuilder(length).append(1 + random.nextInt(9));
    while (text.length() < length) {
      text.append(random.nextInt(10));
    }
    return text.toString();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
