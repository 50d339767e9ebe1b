package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class KeyTimersTest {
  private static final StateNamespace GLOBAL =
      StateNamespaces.window(GlobalWindow.Coder.INSTANCE, GlobalWindow.INSTANCE);
  private static final Coder<TimerData> CODER = new StoredTimerCoder(GlobalWindow.Coder.INSTANCE);
  private static final Instant BATCH = new Instant(10_000);

  private static void set(KeyTimers timers, String id, long at) {
    timers.setTimer(GLOBAL, id, "", new Instant(at), new Instant(at), TimeDomain.PROCESSING_TIME);
  }

  @Test
  void settingATimerAgainReplacesIt() {
    KeyTimers timers = timersAt(BATCH);
    set(timers, "idle", 9_000);
    set(timers, "idle", 9_500);
    assertEquals(9_500, timers.pollDue().getTimestamp().getMillis());
    assertNull(timers.pollDue());
  }

  @Test
  void dueTimersComeOutEarliestFirstAndLaterOnesStay() {
    KeyTimers timers = timersAt(BATCH);
    set(timers, "b", 9_000);
    set(timers, "later", 10_001);
    set(timers, "a", 8_000);
    assertEquals("a", timers.pollDue().getTimerId());
    assertEquals("b", timers.pollDue().getTimerId());
    assertNull(timers.pollDue());
    assertEquals(10_001, timers.nextDueMillis());
  }

  /**
   * As in Beam's own timer internals, a processing-time timer is due once the clock is past it. A
   * trigger's delay ({@code AfterProcessingTime}) fires only then: offered at its own time, the
   * timer would be used up and the pane never fire (a streaming file sink that wrote nothing).
   */
  @Test
  void aProcessingTimeTimerIsDueOnceTheBatchTimeIsPastIt() {
    KeyTimers timers = timersAt(BATCH);
    set(timers, "now", BATCH.getMillis());
    assertNull(timers.pollDue());
    assertEquals(BATCH.getMillis() + 1_000, PartitionState.bucketOf(timers.nextDueMillis(), 1_000));
    KeyTimers next = timersAt(BATCH.plus(1_000)).addEncoded(timers.encode(CODER), CODER);
    assertEquals("now", next.pollDue().getTimerId());
  }

  @Test
  void deletedTimersDoNotFire() {
    KeyTimers timers = timersAt(BATCH);
    set(timers, "idle", 9_000);
    timers.deleteTimer(GLOBAL, "idle", "", TimeDomain.PROCESSING_TIME);
    assertNull(timers.pollDue());
    assertEquals(Long.MAX_VALUE, timers.nextDueMillis());
  }

  @Test
  void timersSurviveTheirStoredForm() {
    KeyTimers timers = timersAt(BATCH);
    set(timers, "a", 12_000);
    set(timers, "b", 11_000);
    KeyTimers next = timersAt(new Instant(12_001)).addEncoded(timers.encode(CODER), CODER);
    assertEquals("b", next.pollDue().getTimerId());
    assertEquals("a", next.pollDue().getTimerId());
    assertNull(next.pollDue());
  }

  @Test
  void anEventTimeTimerIsDueStrictlyBeforeTheWatermarkOnceItIsAdvanced() {
    KeyTimers timers = new KeyTimers(BATCH, new Instant(1_000), new Instant(5_000));
    timers.setTimer(
        GLOBAL, "end", "", new Instant(4_999), new Instant(4_999), TimeDomain.EVENT_TIME);
    timers.setTimer(
        GLOBAL, "gc", "", new Instant(5_000), new Instant(5_000), TimeDomain.EVENT_TIME);
    set(timers, "flush", 9_999);
    assertEquals(List.of("flush"), ids(timers.takeDue()));
    assertEquals(1_000, timers.currentInputWatermarkTime().getMillis());
    timers.advanceWatermark();
    assertEquals(5_000, timers.currentInputWatermarkTime().getMillis());
    assertEquals(List.of("end"), ids(timers.takeDue()));
    assertEquals(5_000, timers.nextEventMillis());
    assertEquals(Long.MAX_VALUE, timers.nextDueMillis());
  }

  private static List<String> ids(List<TimerData> timers) {
    return timers.stream().map(TimerData::getTimerId).toList();
  }

  /**
   * A pending timer holds its stage's output watermark at its output timestamp, whichever its time
   * domain; one set without an output timestamp holds nothing.
   */
  @Test
  void theHoldIsTheEarliestOutputTimestamp() {
    KeyTimers timers = timersAt(BATCH);
    assertEquals(Long.MAX_VALUE, timers.earliestOutputMillis());
    timers.setTimer(GLOBAL, "e", "", new Instant(7_000), new Instant(3_000), TimeDomain.EVENT_TIME);
    timers.setTimer(
        GLOBAL, "p", "", new Instant(20_000), new Instant(4_000), TimeDomain.PROCESSING_TIME);
    Instant none = BoundedWindow.TIMESTAMP_MAX_VALUE.plus(Duration.millis(1));
    timers.setTimer(GLOBAL, "n", "", new Instant(1_000), none, TimeDomain.EVENT_TIME);
    assertEquals(3_000, timers.earliestOutputMillis());
    timers.deleteTimer(GLOBAL, "e", "", TimeDomain.EVENT_TIME);
    assertEquals(4_000, timers.earliestOutputMillis());
  }

  private static KeyTimers timersAt(Instant batch) {
    return new KeyTimers(
        batch, BoundedWindow.TIMESTAMP_MIN_VALUE, BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  /**
   * Stored timers that cannot be due and are not touched stay as they were stored: the key's state
   * is written with the same bytes, none decoded. Touched, or possibly due, they are decoded.
   */
  @Test
  void storedTimersStayAsStoredUntilTouchedOrPossiblyDue() {
    KeyTimers before = timersAt(BATCH);
    set(before, "later", 12_000);
    List<byte[]> stored = before.encode(CODER);

    KeyTimers untouched = timersAt(BATCH).addStored(stored, CODER, false);
    assertNull(untouched.pollDue());
    assertTrue(untouched.isAsStored());
    assertSame(stored, untouched.encode(CODER));

    KeyTimers touched = timersAt(BATCH).addStored(stored, CODER, false);
    set(touched, "sooner", 9_000);
    assertFalse(touched.isAsStored());
    assertEquals("sooner", touched.pollDue().getTimerId());
    assertNull(touched.pollDue());
    assertEquals(12_000, touched.nextDueMillis());

    KeyTimers possiblyDue = timersAt(new Instant(13_000)).addStored(stored, CODER, true);
    assertEquals("later", possiblyDue.pollDue().getTimerId());
    assertTrue(possiblyDue.isEmpty());
  }
}
