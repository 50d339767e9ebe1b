package dev.streamstate.transforms.windows;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableBiFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Sums values per key and event-time window: the engine behind every windowed count and reduce.
 *
 * <p>In sliding windows, Beam keeps an accumulator per key in every window an element falls in
 * (size ÷ slide of them: 12 for a minute every 5 s, 14 400 for 10 days every minute), each with its
 * trigger state and watermark hold. Where the runner has event-time timers ({@link
 * EventTimeWindows#withEventTimeTimers}) and a window is a whole number of slides, the sums are
 * kept instead as Spark's {@code reduceByKeyAndWindow} keeps a window's batches: a bundle first
 * adds its values up per key and slide ({@link SumPerSlideInBundle}), then a ring per key holds one
 * sum per slide and emits each window's sum when the watermark passes its end ({@link
 * SlideSumRing}), which is put back in its window, with the same panes, late corrections and drops
 * as Beam's sliding windows, window by window. Elsewhere the values are summed in Beam's windows.
 */
public final class WindowedSums<K, V>
    extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> {

  private final EventTimeWindows windows;
  private final SerializableBiFunction<V, V, V> add;

  private WindowedSums(EventTimeWindows windows, SerializableBiFunction<V, V, V> add) {
    this.windows = windows;
    this.add = add;
  }

  /** Sums per key and window with {@code add}, which must be associative and commutative. */
  public static <K, V> WindowedSums<K, V> perKey(
      EventTimeWindows windows, SerializableBiFunction<V, V, V> add) {
    return new WindowedSums<>(windows, add);
  }

  /** Sums all values of each window with {@code add} (the same two steps, one key for all). */
  public static <V> PTransform<PCollection<V>, PCollection<V>> globally(
      EventTimeWindows windows, SerializableBiFunction<V, V, V> add) {
    return PTransform.compose(
        "SumGlobally",
        (PCollection<V> values) ->
            values
                .apply("OneKey", WithKeys.of(""))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), values.getCoder()))
                .apply("Sum", WindowedSums.<String, V>perKey(windows, add))
                .apply("Sums", Values.create()));
  }

  @Override
  public PCollection<KV<K, V>> expand(PCollection<KV<K, V>> values) {
    if (windows.isSliding() && windows.isWholeSlides() && windows.hasEventTimeTimers()) {
      return sumInRing(values);
    }
    return values
        .apply("IntoWindows", windows.<KV<K, V>>windowInto())
        .apply("SumPerWindow", Combine.perKey(add));
  }

  /**
   * Adds values up per slide in each bundle, then per window in a ring per key ({@link
   * SlideSumRing}), then puts each window's sum back in its window, where late corrections are
   * added up as late panes.
   */
  private PCollection<KV<K, V>> sumInRing(PCollection<KV<K, V>> values) {
    KvCoder<K, V> coder = (KvCoder<K, V>) values.getCoder();
    return values
        .apply("AllSlidesOfAKey", Window.<KV<K, V>>into(new GlobalWindows()))
        .apply(
            "SumPerSlideInBundle",
            ParDo.of(new SumPerSlideInBundle<K, V>(windows, coder.getKeyCoder(), add)))
        .setCoder(coder)
        .apply(
            "SumSlidesPerWindow",
            ParDo.of(
                new SlideSumRing<K, V>(windows, add, coder.getKeyCoder(), coder.getValueCoder())))
        .setCoder(coder)
        .apply("IntoWindows", windows.<KV<K, V>>windowEndingAtTimestamp())
        .apply("SumPerWindow", Combine.perKey(add));
  }
}
