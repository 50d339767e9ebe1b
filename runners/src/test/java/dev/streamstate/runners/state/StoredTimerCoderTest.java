package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class StoredTimerCoderTest {
  private static final StateNamespace GLOBAL =
      StateNamespaces.window(GlobalWindow.Coder.INSTANCE, GlobalWindow.INSTANCE);

  private static TimerData roundTrip(StoredTimerCoder coder, TimerData timer) throws Exception {
    return CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, timer));
  }

  @Test
  void everyFieldOfATimerComesBackInEveryDomainAndAtTheEndsOfTime() throws Exception {
    StoredTimerCoder coder = new StoredTimerCoder(GlobalWindow.Coder.INSTANCE);
    long[][] times = {
      {1_796_333_963_000L, 1_796_333_963_000L},
      {1_796_333_963_000L, 1_796_333_000_000L},
      {-5L, 3L},
      {
        BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis(), BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()
      },
      {
        BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis(), BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()
      },
    };
    for (TimeDomain domain : TimeDomain.values()) {
      for (long[] time : times) {
        TimerData timer =
            TimerData.of(
                "idle", "family", GLOBAL, new Instant(time[0]), new Instant(time[1]), domain);
        TimerData read = roundTrip(coder, timer);
        assertEquals(timer, read);
        assertEquals(timer.getOutputTimestamp(), read.getOutputTimestamp());
      }
    }
  }

  @Test
  void aWindowsNamespaceComesBackAsThatWindow() throws Exception {
    IntervalWindow window = new IntervalWindow(new Instant(60_000), new Instant(120_000));
    StateNamespace namespace = StateNamespaces.window(IntervalWindow.getCoder(), window);
    TimerData timer =
        TimerData.of(
            "", "", namespace, window.maxTimestamp(), window.maxTimestamp(), TimeDomain.EVENT_TIME);
    assertEquals(
        namespace,
        roundTrip(new StoredTimerCoder(IntervalWindow.getCoder()), timer).getNamespace());
  }

  /** The reason for the coder: an idle timeout's timer, which every idle key keeps, in 17 bytes. */
  @Test
  void anIdleTimeoutsTimerTakesLessThanHalfOfBeamsForm() throws Exception {
    Instant at = new Instant(1_796_333_963_000L);
    TimerData timer = TimerData.of("idle", "", GLOBAL, at, at, TimeDomain.PROCESSING_TIME);
    assertEquals(
        17,
        CoderUtils.encodeToByteArray(new StoredTimerCoder(GlobalWindow.Coder.INSTANCE), timer)
            .length);
  }

  @Test
  void bytesThatAreNoStoredTimerAreRefused() {
    byte[] notATimer = {0, 0, 2, '/', '/', 0, 0, 9};
    assertThrows(
        CoderException.class,
        () ->
            CoderUtils.decodeFromByteArray(
                new StoredTimerCoder(GlobalWindow.Coder.INSTANCE), notATimer));
  }
}
