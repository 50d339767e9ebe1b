package dev.streamstate.transforms.windows;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * Adds up a bundle's values per key and slide before they are shuffled to their key's {@link
 * SlideSumRing}, as a combiner is lifted before a {@code GroupByKey}: a batch then sends one
 * partial sum per key and slide instead of every value. Each partial sum carries the earliest
 * timestamp of the values it holds, which the bundle's own elements already hold the watermark at,
 * so nothing is made later than it was; the ring needs no more than the slide.
 *
 * <p>Input and output are in the global window.
 */
final class SumPerSlideInBundle<K, V> extends DoFn<KV<K, V>, KV<K, V>> {
  private final Coder<K> keyCoder;
  private final long period;
  private final SerializableBiFunction<V, V, V> add;

  /** The bundle's partial sums, by the key's structural value and the slide's start. */
  private transient Map<KV<Object, Long>, Partial<K, V>> partials;

  SumPerSlideInBundle(
      EventTimeWindows windows, Coder<K> keyCoder, SerializableBiFunction<V, V, V> add) {
    this.keyCoder = keyCoder;
    this.period = windows.period().getMillis();
    this.add = add;
  }

  @StartBundle
  public void start() {
    partials = new HashMap<>();
  }

  @ProcessElement
  public void process(@Element KV<K, V> value, @Timestamp Instant time) {
    partials.merge(
        KV.of(keyCoder.structuralValue(value.getKey()), SlideSumRing.slideStart(time, period)),
        new Partial<>(value, time),
        (partial, more) -> partial.plus(more, add));
  }

  @FinishBundle
  public void finish(FinishBundleContext context) {
    for (Partial<K, V> partial : partials.values()) {
      context.output(partial.sum, partial.earliest, GlobalWindow.INSTANCE);
    }
    partials = null;
  }

  /** A key's sum of one slide so far, and the earliest timestamp among its values. */
  private record Partial<K, V>(KV<K, V> sum, Instant earliest) {
    Partial<K, V> plus(Partial<K, V> more, SerializableBiFunction<V, V, V> add) {
      return new Partial<>(
          KV.of(sum.getKey(), add.apply(sum.getValue(), more.sum.getValue())),
          earliest.isBefore(more.earliest) ? earliest : more.earliest);
    }
  }
}
