package dev.streamstate.transforms.windows;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.TimerMap;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Sums a key's values per sliding window, as Spark's {@code reduceByKeyAndWindow} keeps a window's
 * batches: one sum per slide, kept once for all the windows it falls in, and one event-time timer
 * at the end of the next window to fire. When the watermark passes a window's end, the timer emits
 * the sum of the window's slides, stamped with the window's last instant; then the slides no later
 * window holds are dropped.
 *
 * <p>The newest slide's sum sits in a cell of its own, so a value of the slide being filled costs
 * one small read and write; the other slides are rewritten only when a newer slide opens, when a
 * value is late for the newest, and when a window fires.
 *
 * <p>A value whose windows fired already is a late correction: it is emitted at once, as a delta,
 * for each of them, and added to the slides of those still to fire. The windows downstream ({@link
 * EventTimeWindows#windowEndingAtTimestamp}, accumulating) add those deltas up into late panes, or
 * drop them once the window expired, each window by its own end as Beam's sliding windows judge a
 * late element. Values may be partial sums of a slide, in any grouping: they are added, never
 * replaced.
 *
 * <p>Runs in the global window, so the state is the key's across windows; needs a runner with
 * event-time timers. The timer is one of a family, named after the key: with one timer id for all
 * keys, the DirectRunner (2.70) can lose a key's pending timer when another key's timer of the same
 * id and time is re-set and fired within one bundle (at the end of a bounded input), and so let its
 * output watermark pass the first key's windows before they are emitted.
 */
final class SlideSumRing<K, V> extends DoFn<KV<K, V>, KV<K, V>> {
  private static final String NEWEST = "newestSlide";
  private static final String OLDER = "olderSlides";
  private static final String FIRED = "firedThrough";
  private static final String NEXT_END = "nextWindowEnd";

  private final long size;
  private final long period;
  private final SerializableBiFunction<V, V, V> add;

  /** The newest slide of the key's unfired windows: its start in epoch millis, and its sum. */
  @StateId(NEWEST)
  private final StateSpec<ValueState<KV<Long, V>>> newestSpec;

  /** Sum per slide older than the newest that an unfired window holds, by the slide's start. */
  @StateId(OLDER)
  private final StateSpec<ValueState<Map<Long, V>>> olderSpec;

  /** The end of the last window this key emitted while it had slides. */
  @StateId(FIRED)
  private final StateSpec<ValueState<Long>> firedSpec = StateSpecs.value(VarLongCoder.of());

  @TimerFamily(NEXT_END)
  private final TimerSpec nextEndSpec = TimerSpecs.timerMap(TimeDomain.EVENT_TIME);

  private final Coder<K> keyCoder;

  SlideSumRing(
      EventTimeWindows windows,
      SerializableBiFunction<V, V, V> add,
      Coder<K> keyCoder,
      Coder<V> valueCoder) {
    this.keyCoder = keyCoder;
    this.size = windows.size().getMillis();
    this.period = windows.period().getMillis();
    this.add = add;
    this.newestSpec = StateSpecs.value(KvCoder.of(VarLongCoder.of(), valueCoder));
    this.olderSpec = StateSpecs.value(MapCoder.of(VarLongCoder.of(), valueCoder));
  }

  @ProcessElement
  public void process(
      @Element KV<K, V> value,
      @Timestamp Instant time,
      @StateId(NEWEST) ValueState<KV<Long, V>> newest,
      @StateId(OLDER) ValueState<Map<Long, V>> older,
      @StateId(FIRED) ValueState<Long> firedThrough,
      @TimerFamily(NEXT_END) TimerMap nextEnd,
      OutputReceiver<KV<K, V>> out)
      throws Exception {
    long slide = slideStart(time, period);
    Long fired = firedThrough.read();
    long firstUnfired = slide + period; // the end of the slide's first window
    if (fired != null) {
      // The windows of this slide that fired already get the value as a late correction.
      for (; firstUnfired <= Math.min(fired, slide + size); firstUnfired += period) {
        out.outputWithTimestamp(value, new Instant(firstUnfired - 1));
      }
    }
    if (firstUnfired > slide + size) {
      return; // every window of this slide fired
    }
    KV<Long, V> current = newest.read();
    if (current == null) {
      newest.write(KV.of(slide, value.getValue()));
      nextEnd.set(timerOf(value.getKey()), new Instant(firstUnfired - 1));
    } else if (current.getKey() == slide) {
      newest.write(KV.of(slide, add.apply(current.getValue(), value.getValue())));
    } else if (current.getKey() < slide) {
      Map<Long, V> slides = copyOf(older.read());
      slides.put(current.getKey(), current.getValue());
      older.write(slides);
      newest.write(KV.of(slide, value.getValue()));
    } else {
      Map<Long, V> slides = copyOf(older.read());
      slides.merge(slide, value.getValue(), add::apply);
      older.write(slides);
      // Its first unfired window may end before the one the timer waits for.
      setNext(nextEnd, value.getKey(), Collections.min(slides.keySet()), fired);
    }
  }

  @OnTimerFamily(NEXT_END)
  public void fire(
      @Key K key,
      @Timestamp Instant time,
      @StateId(NEWEST) ValueState<KV<Long, V>> newest,
      @StateId(OLDER) ValueState<Map<Long, V>> older,
      @StateId(FIRED) ValueState<Long> firedThrough,
      @TimerFamily(NEXT_END) TimerMap nextEnd,
      OutputReceiver<KV<K, V>> out)
      throws Exception {
    long end = time.getMillis() + 1;
    Map<Long, V> slides = copyOf(older.read());
    KV<Long, V> current = newest.read();
    if (current != null) {
      slides.put(current.getKey(), current.getValue());
    }
    V sum = null;
    for (Map.Entry<Long, V> slide : slides.entrySet()) {
      if (slide.getKey() >= end - size && slide.getKey() < end) {
        sum = sum == null ? slide.getValue() : add.apply(sum, slide.getValue());
      }
    }
    if (sum != null) {
      out.output(KV.of(key, sum));
    }
    slides.keySet().removeIf(slide -> slide + size <= end); // its last window just fired
    if (slides.isEmpty()) {
      // Nothing fired is remembered: a later value finds no slides and is emitted window by window.
      newest.clear();
      older.clear();
      firedThrough.clear();
      return;
    }
    long newestSlide = Collections.max(slides.keySet());
    newest.write(KV.of(newestSlide, slides.remove(newestSlide)));
    if (slides.isEmpty()) {
      older.clear();
    } else {
      older.write(slides);
    }
    firedThrough.write(end);
    setNext(nextEnd, key, slides.isEmpty() ? newestSlide : Collections.min(slides.keySet()), end);
  }

  /**
   * Sets the key's timer to the end of the earliest window after {@code fired} that holds a slide,
   * the oldest of which starts at {@code oldestSlide}.
   */
  private void setNext(TimerMap nextEnd, K key, long oldestSlide, @Nullable Long fired)
      throws Exception {
    long end = oldestSlide + period;
    if (fired != null) {
      end = Math.max(end, fired + period);
    }
    nextEnd.set(timerOf(key), new Instant(end - 1));
  }

  /** The key's timer in the family: its encoded form, so no two keys share one. */
  private String timerOf(K key) throws Exception {
    return CoderUtils.encodeToBase64(keyCoder, key);
  }

  /**
   * The start of the slide {@code time} is in, in epoch millis: slides start every {@code period}
   * from 0.
   */
  static long slideStart(Instant time, long period) {
    return time.getMillis() - Math.floorMod(time.getMillis(), period);
  }

  /** A copy to change: a runner may hand out the stored map itself. */
  private static <V> Map<Long, V> copyOf(@Nullable Map<Long, V> slides) {
    return slides == null ? new HashMap<>() : new HashMap<>(slides);
  }
}
