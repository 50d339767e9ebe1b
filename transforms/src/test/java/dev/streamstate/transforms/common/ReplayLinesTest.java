package dev.streamstate.transforms.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.streamstate.testing.TestRunner;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayLinesTest {

  @Test
  void readsEventTimeAndKeepsThePayloadAsItIs() {
    TimestampedValue<String> line = ReplayLines.parseLine("2026-01-01T00:00:03.000Z\t a,b\tc ");
    assertEquals(" a,b\tc ", line.getValue());
    assertEquals(Instant.parse("2026-01-01T00:00:03.000Z"), line.getTimestamp());
    assertEquals("2026-01-01T00:00:03.000Z\tx", ReplayLines.formatLine(line.getTimestamp(), "x"));
  }

  @Test
  void saysWhatIsWrongWithABadLine() {
    assertEquals(
        "replay line has no TAB: expected <ISO-8601 event time>TAB<payload>",
        assertThrows(IllegalArgumentException.class, () -> ReplayLines.parseLine("hello"))
            .getMessage());
    assertEquals(
        "replay line has no valid event time: 'yesterday' is not ISO-8601, e.g. 2026-01-01T00:00:03.000Z",
        assertThrows(IllegalArgumentException.class, () -> ReplayLines.parseLine("yesterday\tx"))
            .getMessage());
  }

  @Test
  void anEventTimeNoWindowCanHoldIsABadLineNotACrash() {
    // Valid ISO-8601, but outside what Beam can stamp: before the check, the stream failed.
    assertEquals(
        "replay line has no valid event time: '-292275054-01-01T00:00:00Z' is outside the years 0001 to 9999",
        assertThrows(
                IllegalArgumentException.class,
                () -> ReplayLines.parseLine("-292275054-01-01T00:00:00Z\tx"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> ReplayLines.parseLine("10000-01-01T00:00:00Z\tx"));
    assertEquals(
        Instant.parse("9999-12-31T23:59:59.999Z"),
        ReplayLines.parseLine("9999-12-31T23:59:59.999Z\tx").getTimestamp());
    assertEquals(
        "replay line has no valid event time: '"
            + "9".repeat(40)
            + "…' is not ISO-8601, e.g. 2026-01-01T00:00:03.000Z",
        assertThrows(
                IllegalArgumentException.class,
                () -> ReplayLines.parseLine("9".repeat(5_000) + "\tx"))
            .getMessage());
  }

  @Test
  void decodesBytesThenStampsEventTimeAndKeepsEveryBadRecord() {
    Pipeline p = TestRunner.DIRECT.newPipeline();
    byte[] invalidUtf8 = {'2', '0', '2', '6', '\t', (byte) 0xC3, (byte) 0x28};
    PCollection<byte[]> records =
        p.apply(
            Create.of(
                    bytes("2026-01-01T00:00:03.000Z\tcafé"),
                    bytes("2026-01-01T00:00:01Z\ta b"),
                    bytes("no tab"),
                    invalidUtf8)
                .withCoder(ByteArrayCoder.of()));
    WithFailures.Result<PCollection<String>, DeadLetter> text = records.apply(Utf8.decode());
    WithFailures.Result<PCollection<String>, DeadLetter> payloads =
        text.output().apply(ReplayLines.parse());

    PAssert.that(payloads.output().apply(Reify.timestamps()))
        .containsInAnyOrder(
            TimestampedValue.of("café", Instant.parse("2026-01-01T00:00:03.000Z")),
            TimestampedValue.of("a b", Instant.parse("2026-01-01T00:00:01.000Z")));
    PAssert.that(payloads.failures())
        .containsInAnyOrder(
            new DeadLetter(
                "no tab", "replay line has no TAB: expected <ISO-8601 event time>TAB<payload>"));
    PAssert.that(text.failures())
        .containsInAnyOrder(new DeadLetter("2026\t\uFFFD(", "not valid UTF-8 text"));
    TestRunner.DIRECT.run(p);
  }

  @Test
  void aRecordOverTheCapIsADeadLetterBeforeItIsParsedOneAtTheCapIsRead() {
    String time = "2026-01-01T00:00:03.000Z\t";
    int room = RecordLimit.MAX_BYTES - time.length();
    String atCap = time + "a".repeat(room);
    String overCap = time + "b".repeat(room + 1);
    // 'é' is two bytes in UTF-8: fewer characters than the cap, but more bytes.
    String overCapInBytes = time + "é".repeat(room / 2 + 1);
    String reason =
        "record of more than 1048576 bytes (the cap on a record): only its beginning is kept;"
            + " split it into smaller records";
    Pipeline p = TestRunner.DIRECT.newPipeline();

    WithFailures.Result<PCollection<String>, DeadLetter> decoded =
        p.apply("Bytes", Create.of(bytes(atCap), bytes(overCap)).withCoder(ByteArrayCoder.of()))
            .apply(Utf8.decode());
    PAssert.that(decoded.output()).containsInAnyOrder(atCap);
    PAssert.that(decoded.failures())
        .containsInAnyOrder(new DeadLetter(time + "b".repeat(1024 - time.length()), reason));

    WithFailures.Result<PCollection<String>, DeadLetter> parsed =
        p.apply("Text", Create.of(atCap, overCapInBytes)).apply(ReplayLines.parse());
    PAssert.that(parsed.output()).containsInAnyOrder("a".repeat(room));
    PAssert.that(parsed.failures())
        .containsInAnyOrder(new DeadLetter(time + "é".repeat(1024 - time.length()), reason));
    TestRunner.DIRECT.run(p);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
