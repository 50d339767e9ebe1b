package dev.streamstate.benchmarks;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.runners.StreamStateSparkRunner;
import dev.streamstate.transforms.common.Metered;
import dev.streamstate.transforms.joins.IntervalJoin;
import dev.streamstate.transforms.joins.JoinType;
import dev.streamstate.transforms.joins.WindowedJoin;
import dev.streamstate.transforms.windows.EventTimeWindows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Do the stream-stream joins free their state? Streams {@code rounds} records a side for each of
 * {@code keys} keys (a round is every key once on the left and once on the right, right after it,
 * one second of event time) through {@link WindowedJoin} (sliding windows of two rounds, every
 * round) or {@link IntervalJoin} (a right record matches the left records of its key up to half a
 * round before it), inner, on {@link StreamStateSparkRunner} in streaming mode, and samples, once a
 * batch, how many keys the join's keyed state holds (state or timers). The stream then goes on with
 * event time only, so the watermark passes every window's end (and its allowed lateness, 0) and
 * every left record's interval; once it has, none should be left.
 *
 * <p>The pairs are counted and checked against a count made here from the records alone. Run:
 * {@code JoinStateFootprint [keys] [rounds] [windowed|interval]} (default 10 000 keys, 4 rounds,
 * both joins); it exits with 1 if a join left state behind or gave the wrong pairs.
 */
public final class JoinStateFootprint {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The event time of a round: every key once on each side. */
  private static final Duration ROUND = Duration.standardSeconds(1);

  /** The two joins. */
  public enum Join {
    /** {@link WindowedJoin} in windows of two rounds every round. */
    WINDOWED,
    /** {@link IntervalJoin} within half a round. */
    INTERVAL
  }

  /**
   * What a run saw: the pairs the join gave and those the records make, and the keys in its state
   * at peak and once the watermark had passed every record's last chance to match.
   */
  public record Footprint(
      Join join,
      long keys,
      long records,
      long pairs,
      long expectedPairs,
      long peakStateKeys,
      long finalStateKeys,
      String leftBehind,
      long seconds) {
    /** Every pair out, and no key left. */
    public boolean ok() {
      return pairs == expectedPairs && finalStateKeys == 0;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s join: %,d records over %,d keys -> %,d pairs (%,d expected) in %d s;"
              + " keys in the join's state: peak %,d, after the watermark passed the last window/interval %,d%s",
          join.name().toLowerCase(Locale.ROOT),
          records,
          keys,
          pairs,
          expectedPairs,
          seconds,
          peakStateKeys,
          finalStateKeys,
          leftBehind.isEmpty() ? "" : " (" + leftBehind + ")");
    }
  }

  private JoinStateFootprint() {}

  public static void main(String[] args) {
    long keys = args.length > 0 ? Long.parseLong(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    List<Join> joins =
        args.length > 2
            ? List.of(Join.valueOf(args[2].toUpperCase(Locale.ROOT)))
            : List.of(Join.values());
    boolean ok = true;
    for (Join join : joins) {
      Footprint footprint = measure(join, keys, rounds);
      System.out.println(footprint);
      ok &= footprint.ok();
    }
    System.exit(ok ? 0 : 1); // Spark's and Beam's non-daemon threads outlive the cancelled jobs
  }

  /**
   * Runs the stream until every pair is out and the state has been sampled after its last chance.
   */
  public static Footprint measure(Join join, long keys, int rounds) {
    if (keys <= 0 || rounds <= 0) {
      throw new IllegalArgumentException(
          "keys and rounds must be positive, got " + keys + " and " + rounds);
    }
    Records records = new Records(keys, rounds);
    long expectedPairs = join == Join.WINDOWED ? records.windowedPairs() : records.intervalPairs();
    // About four seconds of records, then event time moves on at the same pace.
    long rate = Math.min(50_000, Math.max(1_000, records.count() / 4));

    // One reader, as in the session footprint: a split that lagged behind another would be late.
    JavaSparkContext spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("join-state-footprint")
                .set("spark.ui.enabled", "false")
                .set("spark.default.parallelism", "1"));
    try {
      SparkContextOptions options = PipelineOptionsFactory.as(SparkContextOptions.class);
      options.setRunner(StreamStateSparkRunner.class);
      options.setProvidedSparkContext(spark);
      options.setUsesProvidedSparkContext(true);
      SparkStreaming.configure(options, Duration.standardSeconds(1), true);

      Pipeline pipeline = Pipeline.create(options);
      PCollection<Long> numbers =
          pipeline.apply(
              "Generate",
              GenerateSequence.from(0)
                  .withRate(rate, Duration.standardSeconds(1))
                  .withTimestampFn(records::eventTime));
      KvCoder<String, Long> coder = KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
      PCollection<KV<String, Long>> lefts =
          numbers.apply("Lefts", ParDo.of(new SideFn(records, Records.LEFT))).setCoder(coder);
      PCollection<KV<String, Long>> rights =
          numbers.apply("Rights", ParDo.of(new SideFn(records, Records.RIGHT))).setCoder(coder);
      if (join == Join.WINDOWED) {
        lefts
            .apply("Join", WindowedJoin.of(rights, Records.WINDOWS, JoinType.INNER))
            .apply("CountPairs", ParDo.of(new CountPairsFn<>()));
      } else {
        lefts
            .apply("Join", IntervalJoin.of(rights, Records.WITHIN, JoinType.INNER, Duration.ZERO))
            .apply("CountPairs", ParDo.of(new CountPairsFn<>()));
      }

      long started = System.nanoTime();
      PipelineResult result = pipeline.run();
      StateProbe probe = StateProbe.keyedState(spark);
      long peak = 0;
      long pairs = 0;
      int samplesAfterLastChance = 0;
      OptionalLong stateKeys = OptionalLong.empty();
      long deadline = started + TimeUnit.MINUTES.toNanos(10);
      while (samplesAfterLastChance < 3) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "not every pair came out within 10 minutes, or the watermark did not pass the last window: "
                  + pairs
                  + " of "
                  + expectedPairs
                  + " pairs");
        }
        sleep(Duration.standardSeconds(1));
        stateKeys = probe.keys();
        peak = Math.max(peak, stateKeys.orElse(0));
        Map<String, Long> counters = Metered.counters(result);
        pairs = counters.getOrDefault(PAIRS, 0L);
        // A number read past the last chance to match moved the source's watermark past it.
        boolean past = counters.getOrDefault(PAST_LAST_CHANCE, 0L) > 0;
        if (pairs >= expectedPairs && past && stateKeys.isPresent()) {
          samplesAfterLastChance++;
        }
      }
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      String leftBehind = stateKeys.orElse(0) > 0 ? leftBehind(probe, keys) : "";
      try {
        result.cancel();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new Footprint(
          join,
          keys,
          2 * keys * rounds,
          pairs,
          expectedPairs,
          peak,
          stateKeys.orElse(-1),
          leftBehind,
          seconds);
    } finally {
      spark.stop();
    }
  }

  private static final String PAIRS = "join_pairs";
  private static final String PAST_LAST_CHANCE = "past_last_chance";

  /**
   * What the first of the keys still in state holds (of the first hundred), to say what was not
   * freed.
   */
  private static String leftBehind(StateProbe probe, long keys) {
    for (long k = 0; k < Math.min(keys, 100); k++) {
      String key = Records.key(k);
      try {
        Optional<String> holdings =
            probe.holdings(CoderUtils.encodeToByteArray(StringUtf8Coder.of(), key));
        if (holdings.isPresent()) {
          return "key " + key + " still holds " + holdings.get();
        }
      } catch (CoderException e) {
        throw new IllegalStateException(e);
      }
    }
    return "";
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.getMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The generated numbers as records: number {@code n < 2 * keys * rounds} is, in round {@code n /
   * (2 keys)}, a left record of key {@code n % (2 keys) / 2} where {@code n} is even, the right one
   * where odd; later numbers are no record and only move event time on. Event time advances a round
   * every {@code 2 keys} numbers.
   */
  private record Records(long keys, int rounds) implements java.io.Serializable {
    static final int LEFT = 0;
    static final int RIGHT = 1;
    static final EventTimeWindows WINDOWS = EventTimeWindows.sliding(ROUND.multipliedBy(2), ROUND);
    static final Duration WITHIN = ROUND.dividedBy(2);

    long count() {
      return 2 * keys * rounds;
    }

    Instant eventTime(long n) {
      return T0.plus(Duration.millis(n * ROUND.getMillis() / (2 * keys)));
    }

    /**
     * After the last record's last chance to match: a round after the end of the last window (which
     * ends a round after the last record's round), itself after the last left record's interval.
     */
    Instant lastChancePassed() {
      return T0.plus(ROUND.multipliedBy(rounds + 2));
    }

    /** The record of {@code side} that {@code n} is, as key and round, or null. */
    KV<String, Long> record(long n, int side) {
      if (n >= count() || n % 2 != side) {
        return null;
      }
      return KV.of(key(n % (2 * keys) / 2), n / (2 * keys));
    }

    static String key(long k) {
      return "u" + k;
    }

    /**
     * What the windowed join gives: per key and window, lefts times rights, each record in every
     * sliding window (of two rounds, every round) that holds its event time.
     */
    long windowedPairs() {
      long size = WINDOWS.size().getMillis();
      long period = WINDOWS.period().getMillis();
      Map<String, long[]> sides = new HashMap<>();
      for (long n = 0; n < count(); n++) {
        long t = eventTime(n).getMillis();
        for (long start = Math.floorDiv(t, period) * period; start > t - size; start -= period) {
          sides
              .computeIfAbsent(n % (2 * keys) / 2 + "@" + start, k -> new long[2])[(int) (n % 2)]++;
        }
      }
      return sides.values().stream().mapToLong(s -> s[LEFT] * s[RIGHT]).sum();
    }

    /**
     * What the interval join gives: per key, the rights at or up to {@link #WITHIN} after a left.
     */
    long intervalPairs() {
      Map<Long, List<Long>> lefts = new HashMap<>();
      Map<Long, List<Long>> rights = new HashMap<>();
      for (long n = 0; n < count(); n++) {
        (n % 2 == LEFT ? lefts : rights)
            .computeIfAbsent(n % (2 * keys) / 2, k -> new ArrayList<>())
            .add(eventTime(n).getMillis());
      }
      long pairs = 0;
      for (Map.Entry<Long, List<Long>> key : lefts.entrySet()) {
        for (long left : key.getValue()) {
          for (long right : rights.getOrDefault(key.getKey(), List.of())) {
            if (left <= right && right <= left + WITHIN.getMillis()) {
              pairs++;
            }
          }
        }
      }
      return pairs;
    }
  }

  /** One side's records of the numbers; counts the numbers read past the last chance to match. */
  private static final class SideFn extends DoFn<Long, KV<String, Long>> {
    private final Records records;
    private final int side;
    private final Counter pastLastChance = Metrics.counter(Metered.NAMESPACE, PAST_LAST_CHANCE);

    SideFn(Records records, int side) {
      this.records = records;
      this.side = side;
    }

    @ProcessElement
    public void process(
        @Element Long n, @Timestamp Instant time, OutputReceiver<KV<String, Long>> out) {
      KV<String, Long> record = records.record(n, side);
      if (record != null) {
        out.output(record);
      } else if (side == Records.LEFT && !time.isBefore(records.lastChancePassed())) {
        pastLastChance.inc(); // counted on one side only
      }
    }
  }

  /** Counts the pairs the join gave, to check that none was lost or repeated. */
  private static final class CountPairsFn<T> extends DoFn<T, Void> {
    private final Counter pairs = Metrics.counter(Metered.NAMESPACE, PAIRS);

    @ProcessElement
    public void process(@Element T pair) {
      pairs.inc();
    }
  }
}
