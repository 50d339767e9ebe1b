package dev.streamstate.transforms;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.values.KV;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Adds a key's slide sums up per sliding window, as Spark's {@code reduceByKeyAndWindow} keeps a
 * window's batches: a ring of the slide sums the key's coming windows hold, and one event-time
 * timer at the end of the next of them. When the watermark passes a window's end, the timer
 * emits the sum of the window's slides, stamped with the window's last instant; then the slides
 * no later window holds are dropped. A slide sum is kept once, not once for every window it falls
 * in, as a sliding window's accumulators would.
 *
 * <p>The input is discarding slide panes ({@link EventTimeWindows#slidePanes}), so a late pane is
 * a delta: added to the ring for windows yet to fire, and emitted at once, as a delta, for each
 * window that fired already. The windows downstream ({@link
 * EventTimeWindows#windowEndingAtTimestamp}, accumulating) add those up into late panes, or drop
 * them once the window expired, as a sliding window fed directly would.
 *
 * <p>Runs in the global window, so the state is the key's across windows; needs a runner with
 * event-time timers.
 */
final class SlideSumRing<K, V> extends DoFn<KV<K, V>, KV<K, V>> {
  private static final String SLIDES = "slides";
  private static final String FIRED = "firedThrough";
  private static final String NEXT_END = "nextWindowEnd";

  private final long size;
  private final long period;
  private final SerializableBiFunction<V, V, V> add;

  /** Sum per slide, by the slide's start in epoch millis. */
  @StateId(SLIDES)
  private final StateSpec<ValueState<Map<Long, V>>> slidesSpec;

  /** The end of the last window this key emitted while its ring was not empty. */
  @StateId(FIRED)
  private final StateSpec<ValueState<Long>> firedSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId(NEXT_END)
  private final TimerSpec nextEndSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  SlideSumRing(EventTimeWindows windows, SerializableBiFunction<V, V, V> add, Coder<V> valueCoder) {
    this.size = windows.size().getMillis();
    this.period = windows.period().getMillis();
    this.add = add;
    this.slidesSpec = StateSpecs.value(MapCoder.of(VarLongCoder.of(), valueCoder));
  }

  @ProcessElement
  public void process(
      @Element KV<K, V> delta,
      @Timestamp Instant time,
      @StateId(SLIDES) ValueState<Map<Long, V>> slides,
      @StateId(FIRED) ValueState<Long> firedThrough,
      @TimerId(NEXT_END) Timer nextEnd,
      OutputReceiver<KV<K, V>> out) {
    long slide = time.getMillis() - Math.floorMod(time.getMillis(), period);
    Long fired = firedThrough.read();
    long firstUnfired = slide + period;
    if (fired != null) {
      // The windows of this slide that fired already get the delta as a late correction.
      for (; firstUnfired <= Math.min(fired, slide + size); firstUnfired += period) {
        out.outputWithTimestamp(delta, new Instant(firstUnfired - 1));
      }
    }
    if (firstUnfired > slide + size) {
      return; // every window of this slide fired
    }
    Map<Long, V> ring = orEmpty(slides.read());
    ring.merge(slide, delta.getValue(), add::apply);
    slides.write(ring);
    setNext(nextEnd, ring, fired);
  }

  @OnTimer(NEXT_END)
  public void fire(
      @Key K key,
      @Timestamp Instant time,
      @StateId(SLIDES) ValueState<Map<Long, V>> slides,
      @StateId(FIRED) ValueState<Long> firedThrough,
      @TimerId(NEXT_END) Timer nextEnd,
      OutputReceiver<KV<K, V>> out) {
    long end = time.getMillis() + 1;
    Map<Long, V> ring = orEmpty(slides.read());
    V sum = null;
    for (Map.Entry<Long, V> slide : ring.entrySet()) {
      if (slide.getKey() >= end - size && slide.getKey() < end) {
        sum = sum == null ? slide.getValue() : add.apply(sum, slide.getValue());
      }
    }
    if (sum != null) {
      out.output(KV.of(key, sum));
    }
    ring.keySet().removeIf(slide -> slide + size <= end); // its last window just fired
    if (ring.isEmpty()) {
      // Nothing fired is remembered: a later delta finds no ring and is emitted window by window.
      slides.clear();
      firedThrough.clear();
      return;
    }
    slides.write(ring);
    firedThrough.write(end);
    setNext(nextEnd, ring, end);
  }

  /**
   * Sets the timer to the end of the earliest window after {@code fired} that holds a slide of
   * {@code ring}, which is not empty.
   */
  private void setNext(Timer nextEnd, Map<Long, V> ring, @Nullable Long fired) {
    long end = Collections.min(ring.keySet()) + period;
    if (fired != null) {
      end = Math.max(end, fired + period);
    }
    nextEnd.set(new Instant(end - 1));
  }

  private static <V> Map<Long, V> orEmpty(@Nullable Map<Long, V> ring) {
    return ring == null ? new HashMap<>() : new HashMap<>(ring);
  }
}
