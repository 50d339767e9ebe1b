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
 * failure fires exactly the timers it fired the first time.
 *
 * <p>The input watermark is the stage's (see {@link KeyedStateDStream}): the previous batch's while
 * the batch's elements arrive, this batch's once {@link #advanceWatermark()} is called; an
 * event-time timer is due strictly before it.
 */
final class KeyTimers implements TimerInternals {

  private final Map<List<Object>, TimerData> timers = new LinkedHashMap<>();
  private final Instant batchTime;
  private final Instant nextWatermark;
  private Instant inputWatermark;

  /**
   * The stored timers not decoded yet ({@link #addStored}), {@code null} once decoded or when there
   * are none: while set, {@link #timers} is empty and nothing has changed them.
   */
  private @Nullable List<byte[]> stored;

  private @Nullable Coder<TimerData> storedCoder;
  private boolean storedMayBeDue;

  /**
   * No timers yet, the input watermark at {@code watermark} until advanced to {@code
   * nextWatermark}.
   */
  KeyTimers(Instant batchTime, Instant watermark, Instant nextWatermark) {
    this.batchTime = batchTime;
    this.inputWatermark = watermark;
    this.nextWatermark = nextWatermark;
  }

  /** Adds timers as stored between batches; returns these timers. */
  KeyTimers addEncoded(List<byte[]> encoded, Coder<TimerData> timerCoder) {
    for (byte[] bytes : encoded) {
      try {
        setTimer(CoderUtils.decodeFromByteArray(timerCoder, bytes));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot decode a stored timer", e);
      }
    }
    return this;
  }

  /**
   * Adds timers as stored between batches, decoded only when something needs them: a timer set or
   * deleted, a question about their times, or {@code mayBeDue}, whether any of them can be due in
   * this batch (the key is due in its partition's time indexes). A key whose timers are not due and
   * not changed, which at most batches is most keys with timers, keeps them as stored ({@link
   * #isAsStored}), neither decoded nor encoded again.
   */
  KeyTimers addStored(List<byte[]> encoded, Coder<TimerData> timerCoder, boolean mayBeDue) {
    materialize();
    if (!encoded.isEmpty()) {
      stored = encoded;
      storedCoder = timerCoder;
      storedMayBeDue = mayBeDue;
    }
    return this;
  }

  /**
   * Whether these are still the timers as stored, untouched: {@link #encode} gives the stored
   * bytes.
   */
  boolean isAsStored() {
    return stored != null;
  }

  /** Decodes the stored timers, if not done yet. */
  private void materialize() {
    List<byte[]> encoded = stored;
    if (encoded != null) {
      stored = null;
      addEncoded(encoded, storedCoder);
    }
  }

  /** Moves the input watermark to this batch's. */
  void advanceWatermark() {
    inputWatermark = nextWatermark;
  }

  /** These timers in the form kept in the state between batches. */
  List<byte[]> encode(Coder<TimerData> timerCoder) {
    if (stored != null) {
      return stored;
    }
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
    return stored == null && timers.isEmpty();
  }

  /**
   * Removes and returns the earliest due timer: a processing-time timer before the batch time, an
   * event-time timer before the input watermark. Strictly before, as in Beam's own timer internals:
   * a trigger's processing-time delay fires only once the clock is past it, so a timer offered at
   * its own time would be used up without firing the pane.
   */
  @Nullable TimerData pollDue() {
    if (stored != null) {
      if (!storedMayBeDue) {
        return null;
      }
      materialize();
    }
    TimerData earliest = null;
    for (TimerData timer : timers.values()) {
      if (isDue(timer) && (earliest == null || timer.compareTo(earliest) < 0)) {
        earliest = timer;
      }
    }
    if (earliest != null) {
      timers.remove(idOf(earliest));
    }
    return earliest;
  }

  /** Removes and returns every due timer, earliest first. */
  List<TimerData> takeDue() {
    List<TimerData> due = new ArrayList<>();
    for (TimerData timer = pollDue(); timer != null; timer = pollDue()) {
      due.add(timer);
    }
    return due;
  }

  private boolean isDue(TimerData timer) {
    return timer.getDomain() == TimeDomain.EVENT_TIME
        ? timer.getTimestamp().isBefore(inputWatermark)
        : batchTime.isAfter(timer.getTimestamp());
  }

  /**
   * When the earliest processing-time timer is due, or {@link Long#MAX_VALUE} when there is none.
   */
  long nextDueMillis() {
    return nextMillis(false);
  }

  /** When the earliest event-time timer is due, or {@link Long#MAX_VALUE} when there is none. */
  long nextEventMillis() {
    return nextMillis(true);
  }

  /**
   * The earliest output timestamp of these timers, or {@link TimeIndex#NONE} when none holds one:
   * what a timer outputs when it fires carries that timestamp, so the stage's output watermark must
   * not pass it while the timer is pending. A timer set without an output timestamp has one after
   * the end of time and holds nothing.
   */
  long earliestOutputMillis() {
    materialize();
    long earliest = Long.MAX_VALUE;
    for (TimerData timer : timers.values()) {
      if (!timer.getOutputTimestamp().isAfter(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
        earliest = Math.min(earliest, timer.getOutputTimestamp().getMillis());
      }
    }
    return earliest;
  }

  private long nextMillis(boolean inEventTime) {
    materialize();
    long next = Long.MAX_VALUE;
    for (TimerData timer : timers.values()) {
      if ((timer.getDomain() == TimeDomain.EVENT_TIME) == inEventTime) {
        next = Math.min(next, timer.getTimestamp().getMillis());
      }
    }
    return next;
  }

  /**
   * A timer's identity: the namespace itself, whose equality is its window's, rather than its
   * string key, which Beam's window namespace encodes anew on every call.
   */
  private static List<Object> idOf(StateNamespace namespace, String timerId, String familyId) {
    return List.of(namespace, timerId, familyId);
  }

  private static List<Object> idOf(TimerData timer) {
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
    materialize();
    timers.put(idOf(timer), timer);
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain timeDomain) {
    materialize();
    TimerData existing = timers.get(idOf(namespace, timerId, timerFamilyId));
    if (existing != null && existing.getDomain() == timeDomain) {
      timers.remove(idOf(existing));
    }
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    materialize();
    timers.remove(idOf(namespace, timerId, timerFamilyId));
  }

  @Override
  public void deleteTimer(TimerData timer) {
    materialize();
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
    return inputWatermark;
  }

  @Override
  public @Nullable Instant currentOutputWatermarkTime() {
    return null;
  }

  @Override
  public String toString() {
    // Not decoded here: looking at these timers must not change what the batch writes back.
    return stored != null
        ? "KeyTimers[" + stored.size() + " as stored]"
        : "KeyTimers" + Objects.toString(timers.values());
  }
}
