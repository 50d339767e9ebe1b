package dev.streamstate.transforms.bestsellers;

import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.ParseOrDeadLetter;
import dev.streamstate.transforms.common.Reasons;
import dev.streamstate.transforms.running.RunningTotals;
import dev.streamstate.transforms.windows.EventTimeWindows;
import dev.streamstate.transforms.windows.WindowedSums;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The best-selling product: per sliding window ({@link #overWindows}) and of all time from running
 * state ({@link #allTime}). Sales are {@code (product, quantity)}; the best seller has the largest
 * total quantity, ties going to the smallest product name.
 */
public final class BestSellers {
  private BestSellers() {}

  /**
   * The best seller of each window, emitted when the window fires (and again if late sales change
   * it).
   */
  public static PTransform<PCollection<KV<String, Long>>, PCollection<KV<String, Long>>>
      overWindows(EventTimeWindows windows) {
    return PTransform.compose(
        "BestSellerPerWindow",
        sales ->
            sales
                .apply("SumPerProduct", WindowedSums.perKey(windows, Long::sum))
                .apply("Best", Combine.globally(BestSellers::better).withoutDefaults()));
  }

  /** The all-time best seller, emitted whenever it changes or its total grows. */
  public static PTransform<PCollection<KV<String, Long>>, PCollection<KV<String, Long>>> allTime() {
    return PTransform.compose(
        "AllTimeBestSeller",
        sales ->
            sales
                .apply("TotalPerProduct", RunningTotals.perKey())
                .apply(
                    "AsCandidates",
                    MapElements.into(
                            TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                        .via(total -> KV.of(total.key(), total.total())))
                .apply("OneKey", WithKeys.of(""))
                .setCoder(
                    KvCoder.of(
                        StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
                .apply("KeepBest", ParDo.of(new AllTimeBestFn())));
  }

  /** Parses {@code product,quantity}; the quantity must be a positive whole number. */
  public static PTransform<
          PCollection<String>, WithFailures.Result<PCollection<KV<String, Long>>, DeadLetter>>
      parseSales() {
    return ParseOrDeadLetter.with(
        BestSellers::parseSale, KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  /**
   * The largest quantity one sale may have. Totals are {@code long} sums: with this bound they
   * cannot overflow (into a negative "best seller") before billions of maximal sales.
   */
  static final long MAX_QUANTITY = 1_000_000_000L;

  static KV<String, Long> parseSale(String line) {
    String[] fields = line.split(",", -1);
    if (fields.length != 2) {
      throw new IllegalArgumentException(
          "expected 'product,quantity', got " + fields.length + " field(s)");
    }
    String product = fields[0].trim();
    if (product.isEmpty()) {
      throw new IllegalArgumentException("product is empty");
    }
    long quantity;
    try {
      quantity = Long.parseLong(fields[1].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "quantity is not a whole number: " + Reasons.quote(fields[1].trim()));
    }
    if (quantity <= 0) {
      throw new IllegalArgumentException("quantity must be positive, got " + quantity);
    }
    if (quantity > MAX_QUANTITY) {
      throw new IllegalArgumentException(
          "quantity must be at most " + MAX_QUANTITY + ", got " + quantity);
    }
    return KV.of(product, quantity);
  }

  /** The larger total wins; equal totals go to the smaller product name. */
  static KV<String, Long> better(KV<String, Long> a, KV<String, Long> b) {
    int byQuantity = Long.compare(a.getValue(), b.getValue());
    if (byQuantity != 0) {
      return byQuantity > 0 ? a : b;
    }
    return a.getKey().compareTo(b.getKey()) <= 0 ? a : b;
  }

  /**
   * Keeps the current all-time best in state. Totals only grow (quantities are positive), so a
   * product's newest total is all that needs comparing with the best: state stays one entry.
   */
  static final class AllTimeBestFn extends DoFn<KV<String, KV<String, Long>>, KV<String, Long>> {
    private static final String BEST = "best";

    @StateId(BEST)
    private final StateSpec<ValueState<KV<String, Long>>> bestSpec =
        StateSpecs.value(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));

    @ProcessElement
    public void process(
        @Element KV<String, KV<String, Long>> element,
        @StateId(BEST) ValueState<KV<String, Long>> best,
        OutputReceiver<KV<String, Long>> out) {
      KV<String, Long> candidate = element.getValue();
      KV<String, Long> current = best.read();
      KV<String, Long> next =
          current == null || current.getKey().equals(candidate.getKey())
              ? candidate
              : better(current, candidate);
      if (!next.equals(current)) {
        best.write(next);
        out.output(next);
      }
    }
  }
}
