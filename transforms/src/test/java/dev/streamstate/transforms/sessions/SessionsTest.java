package dev.streamstate.transforms.sessions;

import static dev.streamstate.testing.Scenario.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.ParseOrDeadLetter;
import dev.streamstate.transforms.common.RecordCoder;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SessionsTest {

  private static final Duration GAP = Duration.standardSeconds(10);

  private static String event(long id, String data, boolean isLast) {
    return "{\"id\":" + id + ",\"data\":\"" + data + "\",\"isLast\":" + isLast + "}";
  }

  private static String activity(String user, double seconds, String activity) {
    return "{\"user\":\""
        + user
        + "\",\"timestamp\":"
        + at(seconds).getMillis()
        + ",\"activity\":\""
        + activity
        + "\"}";
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void sessionsEndAtIsLastOrAfterTheGapWhateverTheArrivalOrder(TestRunner runner) {
    sessionsWhateverTheArrivalOrder(runner, SessionizeUserEvents.withGap(GAP, Duration.ZERO));
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void theSameSessionsByEventTimeTimers(TestRunner runner) {
    sessionsWhateverTheArrivalOrder(
        runner, SessionizeUserEvents.withGap(GAP, Duration.ZERO).withEventTimeTimers());
  }

  /**
   * In windows a session is out when the watermark passes its last event plus the gap, and carries
   * that time; by timers one that {@code isLast} ends is out, and stamped, at its {@code isLast}.
   */
  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void byTimersAnIsLastSessionIsOutWhenTheWatermarkPassesItsLastEvent(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<UserEvent> events =
        p.apply(
                Scenario.lines()
                    .add(1, event(1, "a", false))
                    .add(2, event(1, "b", true))
                    .add(4, event(2, "x", false))
                    .end())
            .apply(ParseOrDeadLetter.with(UserEvent::parse, RecordCoder.of(UserEvent.class)))
            .output();
    Session ab = new Session(1, at(1), at(2), List.of("a", "b"), "last");
    Session x = new Session(2, at(4), at(4), List.of("x"), "timeout");
    Duration millisecond = Duration.millis(1);
    PAssert.that(
            events
                .apply("Windows", SessionizeUserEvents.withGap(GAP, Duration.ZERO))
                .apply("WhenByWindows", Reify.timestamps()))
        .containsInAnyOrder(
            TimestampedValue.of(ab, at(2).plus(GAP).minus(millisecond)),
            TimestampedValue.of(x, at(4).plus(GAP).minus(millisecond)));
    PAssert.that(
            events
                .apply(
                    "Timers",
                    SessionizeUserEvents.withGap(GAP, Duration.ZERO).withEventTimeTimers())
                .apply("WhenByTimers", Reify.timestamps()))
        .containsInAnyOrder(
            TimestampedValue.of(ab, at(2)),
            TimestampedValue.of(x, at(4).plus(GAP).minus(millisecond)));
    runner.run(p);
  }

  private static void sessionsWhateverTheArrivalOrder(
      TestRunner runner, SessionizeUserEvents sessionize) {
    Pipeline p = runner.newPipeline();
    WithFailures.Result<PCollection<UserEvent>, DeadLetter> events =
        p.apply(
                Scenario.lines()
                    .add(5, event(1, "b", false), event(2, "x", false))
                    .add(8, event(1, "c", true)) // closes 1's session: a, b, c
                    .add(1, event(1, "a", false)) // out of order
                    .add(3, event(3, "solo", true)) // an isLast event alone is a session
                    .add(12, event(1, "d", false)) // within the gap of c, but after isLast
                    .add(15, event(2, "y", false)) // exactly the gap after x (at 5): splits
                    .add(30, event(1, "e", false), "{\"id\":\"one\"}")
                    .watermark(60) // everything closed and emitted
                    .watermark(61) // (Spark sees a watermark one micro-batch late)
                    .add(
                        45,
                        event(
                            4, "too late", false)) // its session closed at 55, no lateness: dropped
                    .end())
            .apply(ParseOrDeadLetter.with(UserEvent::parse, RecordCoder.of(UserEvent.class)));

    PAssert.that(events.output().apply(sessionize))
        .containsInAnyOrder(
            new Session(1, at(1), at(8), List.of("a", "b", "c"), "last"),
            new Session(1, at(12), at(12), List.of("d"), "timeout"),
            new Session(1, at(30), at(30), List.of("e"), "timeout"),
            new Session(2, at(5), at(5), List.of("x"), "timeout"),
            new Session(2, at(15), at(15), List.of("y"), "timeout"),
            new Session(3, at(3), at(3), List.of("solo"), "last"));
    PAssert.that(events.failures())
        .containsInAnyOrder(
            new DeadLetter("{\"id\":\"one\"}", "'id' must be an integer, got string \"one\""));
    runner.run(p);
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void activityRunsPerUserInTheirOwnEventTime(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    PCollection<ActivityRun> runs =
        p.apply(
                Scenario.lines()
                    .add(3, activity("zoë", 3, "walk"), activity("李", 4, "read"))
                    .add(0, activity("zoë", 0, "walk"), activity("李", 1, "read"))
                    .add(5, activity("zoë", 5, "run")) // another activity: a new run
                    .add(20, activity("zoë", 20, "run")) // same activity, but after the gap
                    .end())
            .apply(ParseOrDeadLetter.with(Activity::parse, RecordCoder.of(Activity.class)))
            .output()
            .apply(ActivityRuns.withGap(GAP, Duration.ZERO));

    PAssert.that(runs)
        .containsInAnyOrder(
            new ActivityRun("zoë", "walk", at(0), at(3)),
            new ActivityRun("zoë", "run", at(5), at(5)),
            new ActivityRun("zoë", "run", at(20), at(20)),
            new ActivityRun("李", "read", at(1), at(4)));
    runner.run(p);
  }

  /** Processing-time behaviour: the Spark runner cannot advance a TestStream's processing time. */
  @Test
  void idleSessionsEndAtIsLastAtOnceOrAfterTheIdleTimeout() {
    Pipeline p = TestRunner.DIRECT.newPipeline();
    PCollection<Session> sessions =
        p.apply(
                Scenario.lines()
                    .add(1, event(1, "a", false), event(2, "x", false))
                    .add(2, event(1, "b", true)) // ends 1's session at once
                    .processingTime(Duration.standardSeconds(20))
                    .add(3, event(2, "y", false)) // 2 was idle 20 s: still open
                    .add(4, event(1, "c", false))
                    .processingTime(Duration.standardSeconds(31)) // both idle 31 s
                    .end())
            .apply(ParseOrDeadLetter.with(UserEvent::parse, RecordCoder.of(UserEvent.class)))
            .output()
            .apply(IdleSessions.withIdleTimeout(Duration.standardSeconds(30)));

    PAssert.that(sessions)
        .containsInAnyOrder(
            new Session(1, at(1), at(2), List.of("a", "b"), "last"),
            new Session(1, at(4), at(4), List.of("c"), "timeout"),
            new Session(2, at(1), at(3), List.of("x", "y"), "timeout"));
    TestRunner.DIRECT.run(p);
  }

  @Test
  void readsEventsStrictly() {
    assertEquals(new UserEvent(7, "x", false), UserEvent.parse("{\"id\":7,\"data\":\"x\"}"));
    assertEquals(
        "not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> UserEvent.parse("[1]")).getMessage());
    assertEquals(
        "'id' must be an integer, got nothing (missing)",
        assertThrows(IllegalArgumentException.class, () -> UserEvent.parse("{\"data\":\"x\"}"))
            .getMessage());
    assertEquals(
        "'id' must be an integer, got number 1.5",
        assertThrows(
                IllegalArgumentException.class,
                () -> UserEvent.parse("{\"id\":1.5,\"data\":\"x\"}"))
            .getMessage());
    assertEquals(
        "'isLast' must be true or false, got string \"yes\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> UserEvent.parse("{\"id\":1,\"data\":\"x\",\"isLast\":\"yes\"}"))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> UserEvent.parse("{\"id\":1"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Activity.parse("{\"user\":\"u\",\"timestamp\":\"now\",\"activity\":\"a\"}"));
  }

  @Test
  void readsOneJsonObjectAPayloadAndNothingAfterIt() {
    // Before, the second object of a glued line was dropped silently, and a repeated key's last
    // value won.
    assertEquals(
        "not JSON: more text after the JSON value",
        assertThrows(
                IllegalArgumentException.class,
                () -> UserEvent.parse("{\"id\":1,\"data\":\"a\"}{\"id\":2,\"data\":\"b\"}"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> UserEvent.parse("{\"id\":1,\"data\":\"a\"} x"));
    assertEquals(
        "not JSON: Duplicate field 'id'",
        assertThrows(
                IllegalArgumentException.class,
                () -> UserEvent.parse("{\"id\":1,\"id\":2,\"data\":\"a\"}"))
            .getMessage());
    assertEquals(
        new UserEvent(1, "a", true),
        UserEvent.parse(" {\"id\":1,\"data\":\"a\",\"isLast\":true} "));
  }

  @Test
  void anActivityTimeNoWindowCanHoldIsRejected() {
    assertEquals(
        "'timestamp' must be epoch milliseconds in the years 0001 to 9999, got number 9223372036854775807",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Activity.parse(
                        "{\"user\":\"u\",\"timestamp\":9223372036854775807,\"activity\":\"a\"}"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Activity.parse("{\"user\":\"u\",\"timestamp\":-62135596800001,\"activity\":\"a\"}"));
    assertEquals(
        new Activity("u", -62135596800000L, "a"),
        Activity.parse("{\"user\":\"u\",\"timestamp\":-62135596800000,\"activity\":\"a\"}"));
  }
}
