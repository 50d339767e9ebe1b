package dev.streamstate.runners.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * The timers of one key during one micro-batch, with the semantics Beam's DirectRunner gives them:
 * a timer is identified by its namespace, id and family, so setting it again replaces it and
 * deleting it removes it; due timers come out earliest first.
 *
 * <p>Processing time is the micro-batch's time, not the wall clock, so a batch recomputed after a
 * failure fires exactly the timers it fired the first time. The input watermark stays at the
 * beginning of time: this translation has no per-stage watermark (see {@link
 * IndexedStatefulParDoEvaluator}), so it refuses event-time timers rather than fire them wrongly.
 */
final class KeyTimers implements TimerInternals {

  private final Map<List<String>, TimerData> timers = new LinkedHashMap<>();
  private final Instant batchTime;

  KeyTimers(Instant batchTime) {
    this.batchTime = batchTime;
  }

  /** Timers of a key as stored between batches, read back for the batch at {@code batchTime}. */
  static KeyTimers decode(
      List<byte[]> encoded, Coder<TimerData> timerCoder, Instant batchTime) {
    KeyTimers keyTimers = new KeyTimers(batchTime);
    for (byte[] bytes : encoded) {
      try {
        keyTimers.setTimer(CoderUtils.decodeFromByteArray(timerCoder, bytes));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot decode a stored timer", e);
      }
    }
    return keyTimers;
  }

  /** These timers in the form kept in the state between batches. */
  List<byte[]> encode(Coder<TimerData> timerCoder) {
    List<byte[]> encoded = new ArrayList<>(timers.size());
    for (TimerData timer : timers.values()) {
      try {
        encoded.add(CoderUtils.encodeToByteArray(timerCoder, timer));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot encode timer " + timer, e);
      }
    }
    return encoded;
  }

  boolean isEmpty() {
    return timers.isEmpty();
  }

  /** Removes and returns the earliest processing-time timer due at or before the batch time. */
  @Nullable
  TimerData pollDue() {
    TimerData earliest = null;
    for (TimerData timer : timers.values()) {
      if (!timer.getTimestamp().isAfter(batchTime)
          && (earliest == null || timer.compareTo(earliest) < 0)) {
        earliest = timer;
      }
    }
    if (earliest != null) {
      timers.remove(idOf(earliest));
    }
    return earliest;
  }

  /** When the earliest timer is due, or {@link Long#MAX_VALUE} when there is none. */
  long nextDueMillis() {
    long next = Long.MAX_VALUE;
    for (TimerData timer : timers.values()) {
      next = Math.min(next, timer.getTimestamp().getMillis());
    }
    return next;
  }

  private static List<String> idOf(StateNamespace namespace, String timerId, String familyId) {
    return List.of(namespace.stringKey(), timerId, familyId);
  }

  private static List<String> idOf(TimerData timer) {
    return idOf(timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
  }

  @Override
  public void setTimer(
      StateNamespace namespace,
      String timerId,
      String timerFamilyId,
      Instant target,
      Instant outputTimestamp,
      TimeDomain timeDomain) {
    setTimer(TimerData.of(timerId, timerFamilyId, namespace, target, outputTimestamp, timeDomain));
  }

  @Override
  public void setTimer(TimerData timer) {
    if (timer.getDomain() == TimeDomain.EVENT_TIME) {
      throw new UnsupportedOperationException(
          "event-time timer "
              + timer.getTimerId()
              + ": this translation of stateful ParDo fires processing-time timers only");
    }
    timers.put(idOf(timer), timer);
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
    TimerData existing = timers.get(idOf(namespace, timerId, timerFamilyId));
    if (existing != null && existing.getDomain() == timeDomain) {
      timers.remove(idOf(existing));
    }
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    timers.remove(idOf(namespace, timerId, timerFamilyId));
  }

  @Override
  public void deleteTimer(TimerData timer) {
    timers.remove(idOf(timer));
  }

  @Override
  public Instant currentProcessingTime() {
    return batchTime;
  }

  @Override
  public @Nullable Instant currentSynchronizedProcessingTime() {
    return batchTime;
  }

  @Override
  public Instant currentInputWatermarkTime() {
    return BoundedWindow.TIMESTAMP_MIN_VALUE;
  }

  @Override
  public @Nullable Instant currentOutputWatermarkTime() {
    return null;
  }

  @Override
  public String toString() {
    return "KeyTimers" + Objects.toString(timers.values());
  }
}
