package dev.streamstate.transforms.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.streamstate.transforms.fraud.AccountSnapshot;
import dev.streamstate.transforms.fraud.AccountWindow;
import dev.streamstate.transforms.fraud.EvaluatedTransaction;
import dev.streamstate.transforms.fraud.FraudAlert;
import dev.streamstate.transforms.fraud.FraudStateRecords;
import dev.streamstate.transforms.fraud.SimpleTransaction;
import dev.streamstate.transforms.running.RunningTotal;
import dev.streamstate.transforms.sessions.Activity;
import dev.streamstate.transforms.sessions.ActivityRun;
import dev.streamstate.transforms.sessions.Session;
import dev.streamstate.transforms.sessions.UserEvent;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every record's coder: values come back equal, null components where a record allows them and text
 * beyond ASCII included; equal values encode alike where the coder says it is deterministic; the
 * coder survives being shipped (Java-serialized with a DoFn or a graph); and Beam infers it.
 */
class RecordCoderTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant END = Instant.parse("2026-01-01T00:00:10Z");
  private static final AccountWindow WINDOW =
      new AccountWindow(
          "123-ABC-789", START, END, new BigDecimal("2100.01"), 1, new BigDecimal("4000.01"), 2);

  static Stream<Arguments> records() {
    return Stream.of(
        values(
            true,
            new DeadLetter("x,01/05/2026,A,1.00,Gas", "id must be a whole number, got 'x'", "17"),
            new DeadLetter("ünïcødé ✓ 日本 \uFFFD", null),
            new DeadLetter("", "")),
        values(
            true,
            new ActivityRun("ana", "walk", START, END),
            new ActivityRun("Zoë", "läuft 🏃", START, START)),
        values(
            true,
            WINDOW,
            new AccountWindow(
                "Kontø",
                START,
                END,
                new BigDecimal("2100.00"),
                0,
                new BigDecimal("1E+3"),
                Long.MAX_VALUE)),
        values(
            true,
            new EvaluatedTransaction(1, "123-ABC-789", new BigDecimal("2100.00"), false),
            new EvaluatedTransaction(Long.MAX_VALUE, "Straße", new BigDecimal("0.01"), true)),
        values(true, new Activity("ana", START.getMillis(), "walk"), new Activity("日本", -1, "")),
        values(
            true,
            new SimpleTransaction(
                1, "123-ABC-789", new BigDecimal("2100.00"), LocalDate.of(2026, 1, 5), "Gas"),
            new SimpleTransaction(0, "Ö", new BigDecimal("0.01"), LocalDate.of(1, 1, 1), "Café ☕"),
            new SimpleTransaction(
                999_999_999_999_999_999L, "x", BigDecimal.ZERO, LocalDate.of(9999, 12, 31), "y")),
        values(true, new FraudAlert(WINDOW, new BigDecimal("100.00"))),
        values(
            true,
            new AccountSnapshot("123-ABC-789", new BigDecimal("4000.01"), 2),
            new AccountSnapshot("é", BigDecimal.ONE, 0)),
        values(true, new UserEvent(1, "a", false), new UserEvent(-5, "ünï ✓", true)),
        values(
            true,
            new Session(1, START, END, List.of("a", "b", "日本"), "last"),
            new Session(2, START, START, List.of(), "timeout")),
        values(true, RunningTotal.updated("word", 42), RunningTotal.timedOut("é", -1)),
        values(true, FraudStateRecords.spending()),
        values(true, FraudStateRecords.windowSpending(START, END)),
        // A state value: Beam's map coder never says it is deterministic, and it need not be.
        values(false, FraudStateRecords.totals(START, END)));
  }

  private static Arguments values(boolean deterministic, Record... values) {
    return Arguments.of(values[0].getClass().getSimpleName(), deterministic, List.of(values));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  <T extends Record> void comesBackAsItWas(String name, boolean deterministic, List<T> values)
      throws Exception {
    Coder<T> coder = coderOf(values);
    for (T value : values) {
      CoderProperties.coderDecodeEncodeEqual(coder, value);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  <T extends Record> void isDeterministicExactlyWhenItSaysSo(
      String name, boolean deterministic, List<T> values) throws Exception {
    Coder<T> coder = coderOf(values);
    if (!deterministic) {
      assertThrows(Coder.NonDeterministicException.class, coder::verifyDeterministic);
      return;
    }
    coder.verifyDeterministic();
    for (T value : values) {
      T copy = CoderUtils.clone(coder, value);
      CoderProperties.coderDeterministic(coder, value, copy);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  <T extends Record> void survivesBeingShipped(String name, boolean deterministic, List<T> values)
      throws Exception {
    CoderProperties.coderSerializable(coderOf(values));
    Coder<T> shipped = SerializableUtils.clone(coderOf(values));
    assertEquals(coderOf(values), shipped);
    for (T value : values) {
      CoderProperties.coderDecodeEncodeEqual(shipped, value);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("records")
  <T extends Record> void isWhatBeamInfers(String name, boolean deterministic, List<T> values)
      throws Exception {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) values.get(0).getClass();
    assertEquals(RecordCoder.of(type), CoderRegistry.createDefault().getCoder(type));
  }

  @Test
  void aNullRecordIsRefusedWithItsType() {
    CoderException refused =
        assertThrows(
            CoderException.class,
            () -> CoderUtils.encodeToByteArray(RecordCoder.of(UserEvent.class), null));
    assertEquals(
        "cannot encode a null dev.streamstate.transforms.sessions.UserEvent", refused.getMessage());
  }

  @Test
  void aNullComponentWithoutANullableCoderIsRefused() {
    CoderException refused =
        assertThrows(
            CoderException.class,
            () ->
                CoderUtils.encodeToByteArray(
                    RecordCoder.of(UserEvent.class), new UserEvent(1, null, false)));
    assertEquals("cannot encode a null String", refused.getMessage());
  }

  @Test
  void coderAndRecordMustAgreeWhenTheCoderIsMade() {
    assertEquals(
        "dev.streamstate.transforms.common.RecordCoderTest$Pair$TooFew gives 1 coders for the 2 components of"
            + " dev.streamstate.transforms.common.RecordCoderTest$Pair",
        assertThrows(IllegalArgumentException.class, Pair.TooFew::new).getMessage());
    assertEquals(
        "dev.streamstate.transforms.common.RecordCoderTest$Pair$WrongType: Pair.count is a long, its coder encodes"
            + " java.lang.String",
        assertThrows(IllegalArgumentException.class, Pair.WrongType::new).getMessage());
  }

  @Test
  void aRecordWithoutARecordCoderHasNone() {
    assertEquals(
        "dev.streamstate.transforms.common.RecordCoderTest$Plain names no RecordCoder with @DefaultCoder",
        assertThrows(IllegalArgumentException.class, () -> RecordCoder.of(Plain.class))
            .getMessage());
  }

  @SuppressWarnings("unchecked")
  private static <T extends Record> Coder<T> coderOf(List<T> values) {
    return RecordCoder.of((Class<T>) values.get(0).getClass());
  }

  /** A record whose would-be coders do not fit it. */
  @DefaultCoder(Pair.TooFew.class)
  record Pair(String name, long count) {
    /** One coder for two components. */
    public static final class TooFew extends RecordCoder<Pair> {
      public TooFew() {
        super(Pair.class, STRING);
      }
    }

    /** A string's coder for a long. */
    public static final class WrongType extends RecordCoder<Pair> {
      public WrongType() {
        super(Pair.class, STRING, STRING);
      }
    }
  }

  /** A record without a coder of its own. */
  record Plain(String name) {}
}
