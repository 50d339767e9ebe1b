package dev.streamstate.transforms.sessions;

import dev.streamstate.transforms.common.EventTime;
import dev.streamstate.transforms.common.RecordCoder;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * First and last time of each run of one activity per user, in event time (the activity's own
 * {@code timestamp}): a run goes on while the activity stays the same and each next event comes
 * less than the gap after the previous one.
 */
public final class ActivityRuns
    extends PTransform<PCollection<Activity>, PCollection<ActivityRun>> {
  private final Duration gap;
  private final Duration allowedLateness;

  private ActivityRuns(Duration gap, Duration allowedLateness) {
    this.gap = gap;
    this.allowedLateness = allowedLateness;
  }

  public static ActivityRuns withGap(Duration gap, Duration allowedLateness) {
    return new ActivityRuns(gap, allowedLateness);
  }

  @Override
  public PCollection<ActivityRun> expand(PCollection<Activity> activities) {
    return activities
        .apply("UseActivityTime", EventTime.from(Activity::eventTime))
        .apply("ByUser", WithKeys.of(Activity::user).withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(Activity.class)))
        .apply(
            "Runs",
            GapSessions.<String, Activity>of(
                gap,
                allowedLateness,
                (previous, next) -> !previous.activity().equals(next.activity()),
                (a, b) -> a.activity().compareTo(b.activity())))
        .apply(
            "AsRun", MapElements.into(TypeDescriptor.of(ActivityRun.class)).via(ActivityRuns::run));
  }

  private static ActivityRun run(KV<String, List<TimestampedValue<Activity>>> run) {
    List<TimestampedValue<Activity>> events = run.getValue();
    return new ActivityRun(
        run.getKey(),
        events.get(0).getValue().activity(),
        events.get(0).getTimestamp(),
        events.get(events.size() - 1).getTimestamp());
  }
}
