package dev.streamstate.pipelines;

import static dev.streamstate.transforms.common.JsonLines.fields;

import dev.streamstate.pipelines.options.Choices;
import dev.streamstate.pipelines.options.Seconds;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.runtime.Sources;
import dev.streamstate.pipelines.samples.Generators;
import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.JsonLines;
import dev.streamstate.transforms.joins.IntervalJoin;
import dev.streamstate.transforms.joins.JoinType;
import dev.streamstate.transforms.joins.KeyedPayloads;
import dev.streamstate.transforms.joins.WindowedJoin;
import dev.streamstate.transforms.windows.EventTimeWindows;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;

/**
 * The stream-stream join ({@code join}): two streams of {@code key,value} payloads, joined per key
 * in event-time windows (DStream {@code left.window(W, S).join(right.window(W, S))} and its outer
 * joins) or, with {@code --withinSeconds}, by a time range (a right record with the left records
 * from that long before it up to its own time: ad impressions and the clicks that follow them).
 */
public final class JoinPipeline {
  private static final long DEFAULT_WINDOW_SECONDS = 10;

  private JoinPipeline() {}

  /** Options of the join. */
  public interface Options extends StreamStateOptions {
    @Description(
        "Replay file (or glob) of the right stream for --source=file; --input is the left one")
    String getRightInput();

    void setRightInput(String rightInput);

    @Description("Topic of the right stream for --source=kafka; --topic is the left one")
    String getRightTopic();

    void setRightTopic(String rightTopic);

    @Description(
        "inner (matched pairs), left (and left records with no match, right: null), right (the"
            + " converse) or full (both)")
    @Default.String("inner")
    String getJoinType();

    void setJoinType(String joinType);

    @Description("Windowed join: window length in seconds (default 10)")
    Long getWindowSeconds();

    void setWindowSeconds(Long windowSeconds);

    @Description(
        "Windowed join: how often a window starts, in seconds (default --windowSeconds: tumbling)")
    Long getSlideSeconds();

    void setSlideSeconds(Long slideSeconds);

    @Description(
        "Interval join instead of windows: a right record joins the left records of its key from"
            + " this many seconds before it up to its own time; unmatched records of an outer join"
            + " come out once they can no longer match")
    Long getWithinSeconds();

    void setWithinSeconds(Long withinSeconds);
  }

  public static final PipelineSpec<Options> SPEC =
      new PipelineSpec<>(
          "join",
          "two streams of key,value joined per key: in event-time windows, or --withinSeconds apart",
          "{window_start, window_end, key, left, right} | {key, left, right, left_time, right_time}",
          List.of("window_start", "key", "left", "right", "left_time", "right_time"),
          Options.class,
          Map.of(),
          options -> Generators.IMPRESSIONS,
          JoinPipeline::readRightAndJoin);

  /** The left stream is the job's source; the right one is read here from the same source. */
  static PCollectionTuple readRightAndJoin(PCollection<String> left, Options options) {
    Sources source = Sources.named(options.getSource());
    if (source == Sources.SOCKET) {
      throw new IllegalArgumentException(
          "join reads two streams: use --source=file, kafka or generator");
    }
    Sources.Stream stream =
        new Sources.Stream(
            "rightInput", options.getRightInput(), "rightTopic", options.getRightTopic());
    source.check(options, stream);
    PCollectionTuple right =
        left.getPipeline()
            .apply(
                "ReadRight",
                PTransform.compose(
                    (PBegin begin) ->
                        source.read(begin.getPipeline(), options, stream, Generators.CLICKS)));
    PCollectionTuple joined = join(left, right.get(Outputs.MAIN), options);
    if (!right.has(DeadLetter.TAG)) {
      return joined;
    }
    return Outputs.of(
        joined.get(Outputs.MAIN),
        PCollectionList.of(joined.get(DeadLetter.TAG))
            .and(right.get(DeadLetter.TAG))
            .apply("AllJoinDeadLetters", Flatten.pCollections()));
  }

  /** Parses both streams' payloads and joins them as the options say. */
  static PCollectionTuple join(
      PCollection<String> left, PCollection<String> right, Options options) {
    JoinType type = Choices.named(JoinType.values(), "joinType", options.getJoinType());
    WithFailures.Result<PCollection<KV<String, String>>, DeadLetter> lefts =
        left.apply("ParseLeft", KeyedPayloads.parse());
    WithFailures.Result<PCollection<KV<String, String>>, DeadLetter> rights =
        right.apply("ParseRight", KeyedPayloads.parse());
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(lefts.failures())
            .and(rights.failures())
            .apply("BothSidesDeadLetters", Flatten.pCollections());
    Duration lateness =
        Seconds.nonNegative("allowedLatenessSeconds", options.getAllowedLatenessSeconds());
    if (options.getWithinSeconds() == null) {
      return Outputs.of(
          lefts
              .output()
              .apply(
                  "JoinInWindows",
                  WindowedJoin.<String, String, String>of(rights.output(), windows(options), type))
              .apply(
                  "AsJson",
                  JsonLines.windowed(
                      row ->
                          fields(
                              "key",
                              row.getKey(),
                              "left",
                              row.getValue().getKey(),
                              "right",
                              row.getValue().getValue()))),
          deadLetters);
    }
    if (options.getWindowSeconds() != null || options.getSlideSeconds() != null) {
      throw new IllegalArgumentException(
          "--withinSeconds (interval join) and --windowSeconds/--slideSeconds (windowed join) exclude each other");
    }
    if (!SparkStreaming.hasEventTimeTimers(options)) {
      throw new IllegalArgumentException(
          "--withinSeconds (interval join) needs a runner with event-time timers:"
              + " --runner=StreamStateSparkRunner or DirectRunner (Beam's SparkRunner has none in streaming)");
    }
    Duration within = Seconds.nonNegative("withinSeconds", options.getWithinSeconds());
    return Outputs.of(
        lefts
            .output()
            .apply(
                "JoinWithin",
                IntervalJoin.<String, String, String>of(rights.output(), within, type, lateness))
            .apply("AsJson", JsonLines.of(JoinPipeline::intervalRow)),
        deadLetters);
  }

  private static Map<String, Object> intervalRow(
      KV<String, KV<TimestampedValue<String>, TimestampedValue<String>>> row) {
    TimestampedValue<String> left = row.getValue().getKey();
    TimestampedValue<String> right = row.getValue().getValue();
    return fields(
        "key", row.getKey(),
        "left", left == null ? null : left.getValue(),
        "right", right == null ? null : right.getValue(),
        "left_time", left == null ? null : left.getTimestamp(),
        "right_time", right == null ? null : right.getTimestamp());
  }

  private static EventTimeWindows windows(Options options) {
    long size =
        options.getWindowSeconds() == null ? DEFAULT_WINDOW_SECONDS : options.getWindowSeconds();
    long slide = options.getSlideSeconds() == null ? size : options.getSlideSeconds();
    return EventTimeWindows.sliding(
            Seconds.positive("windowSeconds", size), Seconds.positive("slideSeconds", slide))
        .withAllowedLateness(
            Seconds.nonNegative("allowedLatenessSeconds", options.getAllowedLatenessSeconds()));
  }
}
