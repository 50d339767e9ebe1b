package dev.streamstate.benchmarks;

import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.common.Metered;
import dev.streamstate.transforms.sessions.Session;
import dev.streamstate.transforms.sessions.SessionizeUserEvents;
import dev.streamstate.transforms.sessions.UserEvent;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Does sessionization free its state? Streams {@code events} user events over {@code ids} users
 * (each user's events {@code ids / 10} ms apart in event time, so each user has one session of
 * {@code events / ids} events, the last one {@code isLast}) through {@link SessionizeUserEvents} on
 * Beam's Spark runner in streaming mode, and samples, once a batch, how many keys Spark holds in
 * the GroupByKey's state. After every session has been emitted, none should be left.
 *
 * <p>Run: {@code SessionStateFootprint [events] [ids]} (default 1 000 000 over 100 000).
 */
public final class SessionStateFootprint {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Event-time density of the generated stream. */
  private static final long EVENTS_PER_MILLI = 10;

  /**
   * What a run saw: sessions and the events in them, and the keys in state at peak and at the end.
   */
  public record Footprint(
      long events,
      long ids,
      long sessions,
      long sessionEvents,
      long peakStateKeys,
      long finalStateKeys,
      long seconds) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,d events over %,d ids -> %,d sessions holding %,d events in %d s;"
              + " keys in GroupByKey state: peak %,d, after all sessions closed %,d",
          events,
          ids,
          sessions,
          sessionEvents,
          seconds,
          peakStateKeys,
          finalStateKeys);
    }
  }

  private SessionStateFootprint() {}

  public static void main(String[] args) {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    long ids = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
    System.out.println(measure(events, ids));
    System.exit(0); // Spark's and Beam's non-daemon threads outlive the cancelled job
  }

  /** Runs the stream until every session is out and the state has been sampled after that. */
  public static Footprint measure(long events, long ids) {
    if (ids <= 0 || events < ids || events % ids != 0) {
      throw new IllegalArgumentException(
          "events must be a positive multiple of ids, got " + events + " over " + ids);
    }
    // Each user's events are ids / EVENTS_PER_MILLI apart; twice that as the gap keeps one
    // session per user, closed once the stream's event time is a gap past its last event.
    Duration gap = Duration.millis(2 * Math.max(1, ids / EVENTS_PER_MILLI));
    long rate = Math.min(50_000, Math.max(1_000, events / 20));

    // One reader: the runner's watermark is the newest across a source's splits, so the events of
    // a split that lags behind another would be late, and dropped, and the count would be off.
    JavaSparkContext spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("session-state-footprint")
                .set("spark.default.parallelism", "1"));
    SparkContextOptions options = PipelineOptionsFactory.as(SparkContextOptions.class);
    options.setRunner(SparkRunner.class);
    options.setProvidedSparkContext(spark);
    options.setUsesProvidedSparkContext(true);
    SparkStreaming.configure(options, Duration.standardSeconds(1), true);

    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(
            "Generate",
            GenerateSequence.from(0)
                .withRate(rate, Duration.standardSeconds(1))
                .withTimestampFn(i -> T0.plus(Duration.millis(i / EVENTS_PER_MILLI))))
        .apply("AsUserEvents", ParDo.of(new UserEventsFn(events, ids)))
        .apply("Sessionize", SessionizeUserEvents.withGap(gap, Duration.ZERO))
        .apply("CountSessions", ParDo.of(new CountSessionsFn()));

    long started = System.nanoTime();
    PipelineResult result = pipeline.run();
    StateProbe probe = StateProbe.updateStateByKey(spark);
    long peak = 0;
    long sessions = 0;
    long sessionEvents = 0;
    int samplesAfterLastSession = 0;
    OptionalLong keys = OptionalLong.empty();
    long deadline = started + java.util.concurrent.TimeUnit.MINUTES.toNanos(30);
    while (samplesAfterLastSession < 3) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "not every session came out within 30 minutes: " + sessions + " of " + ids);
      }
      sleep(Duration.standardSeconds(1));
      keys = probe.keys();
      peak = Math.max(peak, keys.orElse(0));
      Map<String, Long> counters = Metered.counters(result);
      sessions = counters.getOrDefault("sessions", 0L);
      sessionEvents = counters.getOrDefault("session_events", 0L);
      if (sessions >= ids && keys.isPresent()) {
        samplesAfterLastSession++;
      }
    }
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    try {
      result.cancel();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    // The runner leaves a provided context running; the next job in this JVM (a test's) needs its
    // own.
    spark.stop();
    return new Footprint(events, ids, sessions, sessionEvents, peak, keys.orElse(-1), seconds);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.getMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The i-th number is event i: user {@code i % ids}, the user's last event {@code isLast}. */
  private static final class UserEventsFn extends DoFn<Long, UserEvent> {
    private final long events;
    private final long ids;

    UserEventsFn(long events, long ids) {
      this.events = events;
      this.ids = ids;
    }

    @ProcessElement
    public void process(@Element Long i, OutputReceiver<UserEvent> out) {
      if (i < events) { // later numbers only move event time on
        long round = i / ids;
        out.output(new UserEvent(i % ids, "e" + round, round == events / ids - 1));
      }
    }
  }

  /** Counts sessions and the events they hold, to check that none was lost or split. */
  private static final class CountSessionsFn extends DoFn<Session, Void> {
    private final Counter sessions = Metrics.counter(Metered.NAMESPACE, "sessions");
    private final Counter sessionEvents = Metrics.counter(Metered.NAMESPACE, "session_events");

    @ProcessElement
    public void process(@Element Session session) {
      sessions.inc();
      sessionEvents.inc(session.events().size());
    }
  }
}
