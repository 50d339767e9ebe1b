package dev.streamstate.pipelines;

import static dev.streamstate.transforms.common.JsonLines.fields;

import dev.streamstate.pipelines.options.Seconds;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.runtime.Sources;
import dev.streamstate.pipelines.samples.Generators;
import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.JsonLines;
import dev.streamstate.transforms.common.ParseOrDeadLetter;
import dev.streamstate.transforms.common.RecordCoder;
import dev.streamstate.transforms.sessions.Activity;
import dev.streamstate.transforms.sessions.ActivityRuns;
import dev.streamstate.transforms.sessions.IdleSessions;
import dev.streamstate.transforms.sessions.Session;
import dev.streamstate.transforms.sessions.SessionizeUserEvents;
import dev.streamstate.transforms.sessions.UserEvent;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;

/**
 * Sessionization ({@code sessions}) and first/last activity per user ({@code activity-runs}): both
 * gap sessions in event time, cut where the data says (an {@code isLast} event, a new activity).
 */
public final class SessionPipelines {
  private SessionPipelines() {}

  /** Options of the session pipelines. */
  public interface Options extends StreamStateOptions {
    @Description(
        "A session (or run) ends when the next event comes this many seconds or more later")
    @Default.Long(30)
    long getGapSeconds();

    void setGapSeconds(long gapSeconds);

    @Description(
        "sessions only: end a session after this many seconds (processing time) without events"
            + " instead of by event-time gap, for sources without event time such as the socket;"
            + " 0 uses --gapSeconds")
    @Default.Long(0)
    long getIdleTimeoutSeconds();

    void setIdleTimeoutSeconds(long idleTimeoutSeconds);
  }

  public static final PipelineSpec<Options> SESSIONS =
      new PipelineSpec<>(
          "sessions",
          "user sessions in event time: closed by an isLast event or by --gapSeconds of quiet",
          "{id, start, end, events, closed_by}",
          List.of("id", "start"),
          Options.class,
          Map.of("cassandraTable", "sessions"),
          options -> Generators.USER_EVENTS,
          SessionPipelines::sessions);

  public static final PipelineSpec<Options> ACTIVITY_RUNS =
      new PipelineSpec<>(
          "activity-runs",
          "first and last time of each run of one activity per user, in the activity's own time",
          "{user, activity, start, end}",
          List.of("user", "activity", "start"),
          Options.class,
          Map.of("cassandraTable", "activity_runs"),
          options -> Generators.ACTIVITIES,
          SessionPipelines::activityRuns);

  static PCollectionTuple sessions(PCollection<String> payloads, Options options) {
    WithFailures.Result<PCollection<UserEvent>, DeadLetter> events =
        payloads.apply(
            "ParseEvents",
            ParseOrDeadLetter.with(UserEvent::parse, RecordCoder.of(UserEvent.class)));
    return Outputs.of(
        events
            .output()
            .apply("Sessionize", sessionize(options))
            .apply(
                "AsJson",
                JsonLines.of(
                    s ->
                        fields(
                            "id",
                            s.id(),
                            "start",
                            s.start(),
                            "end",
                            s.end(),
                            "events",
                            s.events(),
                            "closed_by",
                            s.closedBy()))),
        events.failures());
  }

  static PCollectionTuple activityRuns(PCollection<String> payloads, Options options) {
    WithFailures.Result<PCollection<Activity>, DeadLetter> activities =
        payloads.apply(
            "ParseActivities",
            ParseOrDeadLetter.with(Activity::parse, RecordCoder.of(Activity.class)));
    return Outputs.of(
        activities
            .output()
            .apply("Runs", ActivityRuns.withGap(gap(options), lateness(options)))
            .apply(
                "AsJson",
                JsonLines.of(
                    r ->
                        fields(
                            "user",
                            r.user(),
                            "activity",
                            r.activity(),
                            "start",
                            r.start(),
                            "end",
                            r.end()))),
        activities.failures());
  }

  /**
   * By event-time gap — by event-time timers where the runner has them, so that a session an {@code
   * isLast} ends is out a gap sooner, else in session windows — or, with --idleTimeoutSeconds, by
   * processing-time idleness.
   */
  private static PTransform<PCollection<UserEvent>, PCollection<Session>> sessionize(
      Options options) {
    Duration idle = Seconds.nonNegative("idleTimeoutSeconds", options.getIdleTimeoutSeconds());
    if (idle.equals(Duration.ZERO)) {
      SessionizeUserEvents byGap = SessionizeUserEvents.withGap(gap(options), lateness(options));
      return SparkStreaming.hasEventTimeTimers(options) ? byGap.withEventTimeTimers() : byGap;
    }
    if (Sources.named(options.getSource()) == Sources.FILE) {
      throw new IllegalArgumentException(
          "--idleTimeoutSeconds is for sources without event time (socket); a replay file has"
              + " event time: use --gapSeconds");
    }
    return IdleSessions.withIdleTimeout(idle);
  }

  private static Duration gap(Options options) {
    return Seconds.positive("gapSeconds", options.getGapSeconds());
  }

  private static Duration lateness(Options options) {
    return Seconds.nonNegative("allowedLatenessSeconds", options.getAllowedLatenessSeconds());
  }
}
