package dev.streamstate.transforms;

import org.apache.beam.sdk.coders.Coder;
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
 * <p>Sliding windows are summed in two steps, the way Spark's {@code reduceByKeyAndWindow} with
 * an inverse function avoids re-reducing a whole window: first each slide's values are summed once
 * (tumbling windows of one slide, discarding panes), then the slide sums are added up per sliding
 * window. An element is thus combined once, not once per window it falls in (size ÷ slide times,
 * 14 400 for a 10-day window sliding every minute). Late data flows through both steps as deltas,
 * so a late pane corrects its windows without counting anything twice. Unlike Beam's sliding
 * windows, which judge a late element window by window, the first step judges it by its slide,
 * which closes with the element's first window: later than that, it is dropped from all of them.
 * (The slides cannot stay open longer: {@code Window} keeps the larger of its input's allowed
 * lateness and its own, so every window downstream would stay open as long.)
 *
 * <p>Added up in sliding windows, each slide sum still sits in an accumulator of every window it
 * falls in, with that window's trigger state and holds. Where the runner has event-time timers
 * ({@link EventTimeWindows#withEventTimeTimers}), the second step keeps a ring of slide sums per
 * key instead ({@link SlideSumRing}), as Spark keeps a window's batches, and puts each window's sum
 * back in its window, with the same panes, lateness and drops.
 */
public final class WindowedSums<K, V> extends PTransform<PCollection<KV<K, V>>, PCollection<KV<K, V>>> {

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
    PCollection<KV<K, V>> input = values;
    if (windows.isSliding() && windows.isWholeSlides()) {
      input =
          values
              .apply("IntoSlides", windows.<KV<K, V>>slidePanes())
              .apply("SumPerSlide", Combine.perKey(add));
      if (windows.hasEventTimeTimers()) {
        return sumSlidesInRing(input);
      }
    }
    return input
        .apply("IntoWindows", windows.<KV<K, V>>windowInto())
        .apply("SumPerWindow", Combine.perKey(add));
  }

  /**
   * Adds slide sums up per window in a ring per key ({@link SlideSumRing}), then puts each
   * window's sum back in its window, where late corrections are added up as late panes.
   */
  private PCollection<KV<K, V>> sumSlidesInRing(PCollection<KV<K, V>> slideSums) {
    Coder<V> valueCoder = ((KvCoder<K, V>) slideSums.getCoder()).getValueCoder();
    return slideSums
        .apply("AllSlidesOfAKey", Window.<KV<K, V>>into(new GlobalWindows()))
        .apply("SumSlidesPerWindow", ParDo.of(new SlideSumRing<K, V>(windows, add, valueCoder)))
        .setCoder(slideSums.getCoder())
        .apply("IntoWindows", windows.<KV<K, V>>windowEndingAtTimestamp())
        .apply("SumPerWindow", Combine.perKey(add));
  }
}
