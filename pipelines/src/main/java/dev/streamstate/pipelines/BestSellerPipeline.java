package dev.streamstate.pipelines;

import static dev.streamstate.transforms.common.JsonLines.fields;

import dev.streamstate.pipelines.options.OptionWindows;
import dev.streamstate.pipelines.options.WindowOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.samples.Generators;
import dev.streamstate.transforms.bestsellers.BestSellers;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.JsonLines;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The best-selling product over a sliding window (10 days, updated every minute), or of all time
 * from running state with {@code --allTime}.
 */
public final class BestSellerPipeline {
  private BestSellerPipeline() {}

  /** Options of best-seller. */
  public interface Options extends WindowOptions {
    @Description("Emit the running all-time best seller (from state) instead of per window")
    @Default.Boolean(false)
    boolean getAllTime();

    void setAllTime(boolean allTime);
  }

  public static final PipelineSpec<Options> SPEC =
      new PipelineSpec<>(
          "best-seller",
          "best-selling product per sliding window, or of all time with --allTime",
          "{window_start, window_end, product, quantity}; with --allTime {product, quantity}",
          List.of("window_start"),
          Options.class,
          Map.of("windowSeconds", "864000", "slideSeconds", "60"),
          options -> Generators.SALES,
          BestSellerPipeline::logic);

  static PCollectionTuple logic(PCollection<String> lines, Options options) {
    WithFailures.Result<PCollection<KV<String, Long>>, DeadLetter> sales =
        lines.apply("ParseSales", BestSellers.parseSales());
    PCollection<String> best =
        options.getAllTime()
            ? sales
                .output()
                .apply("AllTimeBest", BestSellers.allTime())
                .apply(
                    "AsJson",
                    JsonLines.of(kv -> fields("product", kv.getKey(), "quantity", kv.getValue())))
            : sales
                .output()
                .apply("BestPerWindow", BestSellers.overWindows(OptionWindows.sliding(options)))
                .apply("AsJson", Results.windowedPairs("product", "quantity"));
    return Outputs.of(best, sales.failures());
  }
}
