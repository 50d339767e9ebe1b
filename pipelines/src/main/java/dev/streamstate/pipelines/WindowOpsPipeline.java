package dev.streamstate.pipelines;

import dev.streamstate.pipelines.options.Choices;
import dev.streamstate.pipelines.options.OptionWindows;
import dev.streamstate.pipelines.options.WindowOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.samples.Generators;
import dev.streamstate.pipelines.samples.Generators.Generator;
import dev.streamstate.transforms.windows.EventTimeWindows;
import dev.streamstate.transforms.windows.WindowOps;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/** The other DStream window operations, chosen by {@code --op}. */
public final class WindowOpsPipeline {
  private WindowOpsPipeline() {}

  /** Options of window-ops. */
  public interface Options extends WindowOptions {
    @Description(
        "The window operation: count-by-window (lines per window), count-by-value-and-window"
            + " (occurrences of each whole line), reduce-by-window (sum of numeric lines) or"
            + " reduce-by-key-and-window ('key value' lines summed per key)")
    @Default.String("count-by-window")
    String getOp();

    void setOp(String op);
  }

  public static final PipelineSpec<Options> SPEC =
      new PipelineSpec<>(
          "window-ops",
          "countByWindow, countByValueAndWindow, reduceByWindow, reduceByKeyAndWindow (--op)",
          "{window_start, window_end, count} | {…, value, count} | {…, sum} | {…, key, sum}",
          List.of("window_start", "value", "key"),
          Options.class,
          Map.of(),
          options -> Op.named(options.getOp()).data,
          (lines, options) ->
              Op.named(options.getOp()).logic.apply(lines, OptionWindows.sliding(options)));

  /** Each operation: the data the generator makes for it, and its logic. */
  private enum Op {
    COUNT_BY_WINDOW(
        Generators.LOG,
        (lines, windows) ->
            Outputs.of(
                lines
                    .apply("CountByWindow", WindowOps.countByWindow(windows))
                    .apply("AsJson", Results.windowedValues("count")))),
    COUNT_BY_VALUE_AND_WINDOW(
        Generators.LOG,
        (lines, windows) ->
            Outputs.of(
                lines
                    .apply("CountByValueAndWindow", WindowOps.countByValueAndWindow(windows))
                    .apply("AsJson", Results.windowedPairs("value", "count")))),
    REDUCE_BY_WINDOW(
        Generators.NUMBERS,
        (lines, windows) -> {
          var numbers = lines.apply("ParseNumbers", WindowOps.parseNumbers());
          return Outputs.of(
              numbers
                  .output()
                  .apply("ReduceByWindow", WindowOps.reduceByWindow(windows))
                  .apply("AsJson", Results.windowedValues("sum")),
              numbers.failures());
        }),
    REDUCE_BY_KEY_AND_WINDOW(
        Generators.KEY_VALUES,
        (lines, windows) -> {
          var pairs = lines.apply("ParseKeyValues", WindowOps.parseKeyValues());
          return Outputs.of(
              pairs
                  .output()
                  .apply("ReduceByKeyAndWindow", WindowOps.reduceByKeyAndWindow(windows))
                  .apply("AsJson", Results.windowedPairs("key", "sum")),
              pairs.failures());
        });

    private final Generator data;
    private final BiFunction<PCollection<String>, EventTimeWindows, PCollectionTuple> logic;

    Op(Generator data, BiFunction<PCollection<String>, EventTimeWindows, PCollectionTuple> logic) {
      this.data = data;
      this.logic = logic;
    }

    static Op named(String name) {
      return Choices.named(values(), "op", name);
    }
  }
}
