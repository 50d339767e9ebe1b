package dev.streamstate.testing;

import static dev.streamstate.testing.Scenario.window;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Event-time timers of a stateful ParDo, on every runner: timers fire in event-time order when the
 * watermark passes them, whatever order the elements came in; a watermark that jumps past many
 * timers in one micro-batch fires them all, timers set from {@code @OnTimer} included; what a timer
 * outputs reaches a downstream window before that window closes (the stage's output watermark is
 * held by its pending timers); state per key and window is freed when the window expires,
 * {@code @OnWindowExpiration} sees it last, and a later element of that window is dropped. Beam's
 * own Spark translation refuses event-time timers, so the harness skips it there with the runner's
 * message. Every expectation is worked out by hand from the scenario.
 */
class EventTimeTimersTest {

  private static final KvCoder<String, String> KEYED =
      KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());

  /** The second after {@link Scenario#T0} of {@code instant}, as text: "2", "7.5". */
  private static String second(Instant instant) {
    double seconds = (instant.getMillis() - Scenario.T0.getMillis()) / 1000.0;
    return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
  }

  /**
   * Releases each key's elements in event-time order as the watermark passes them: one timer per
   * key, re-set to an earlier time when an earlier element comes; the n-th release of a key is
   * reported as {@code key#n@second}.
   */
  static final class ReleaseInEventTimeOrder extends DoFn<KV<String, String>, String> {
    @TimerId("release")
    private final TimerSpec releaseSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @StateId("pending")
    private final StateSpec<BagState<Long>> pendingSpec = StateSpecs.bag(VarLongCoder.of());

    @StateId("due")
    private final StateSpec<ValueState<Long>> dueSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("released")
    private final StateSpec<ValueState<Integer>> releasedSpec = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(
        @Timestamp Instant timestamp,
        @TimerId("release") Timer release,
        @StateId("pending") BagState<Long> pending,
        @StateId("due") ValueState<Long> due) {
      pending.add(timestamp.getMillis());
      Long current = due.read();
      if (current == null || timestamp.getMillis() < current) {
        release.set(timestamp);
        due.write(timestamp.getMillis());
      }
    }

    @OnTimer("release")
    public void onRelease(
        OnTimerContext context,
        @Key String key,
        @TimerId("release") Timer release,
        @StateId("pending") BagState<Long> pending,
        @StateId("due") ValueState<Long> due,
        @StateId("released") ValueState<Integer> released) {
      long now = context.fireTimestamp().getMillis();
      List<Long> later = new ArrayList<>();
      List<Long> ready =
          StreamSupport.stream(pending.read().spliterator(), false).sorted().toList();
      int n = released.read() == null ? 0 : released.read();
      for (long time : ready) {
        if (time <= now) {
          n++;
          context.output(key + "#" + n + "@" + second(new Instant(time)));
        } else {
          later.add(time);
        }
      }
      released.write(n);
      pending.clear();
      later.forEach(pending::add);
      if (later.isEmpty()) {
        due.clear();
      } else {
        release.set(new Instant(later.get(0)));
        due.write(later.get(0));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void outOfOrderElementsAreReleasedInEventTimeOrder(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    Scenario<KV<String, String>> arrivals =
        Scenario.of(KEYED)
            .add(5, KV.of("a", ""))
            .add(8, KV.of("a", ""))
            .add(2, KV.of("a", ""))
            .add(3, KV.of("b", ""), KV.of("b", ""))
            .add(1, KV.of("b", ""))
            .watermark(4)
            .add(6, KV.of("a", ""))
            .watermark(10);

    PCollection<String> released =
        p.apply(arrivals.end()).apply(ParDo.of(new ReleaseInEventTimeOrder()));

    // a: 2 once the watermark is at 4, then 5, 6, 8; b: 1 then both elements at 3.
    PAssert.that(released)
        .containsInAnyOrder("a#1@2", "a#2@5", "a#3@6", "a#4@8", "b#1@1", "b#2@3", "b#3@3");
    runner.run(p);
  }

  /** Counts down from one element: a timer one second on, set again from each firing, 20 times. */
  static final class CountTwentySeconds extends DoFn<KV<String, String>, String> {
    private static final int FIRINGS = 20;

    @TimerId("tick")
    private final TimerSpec tickSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @StateId("ticks")
    private final StateSpec<ValueState<Integer>> ticksSpec = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(@Timestamp Instant timestamp, @TimerId("tick") Timer tick) {
      tick.set(timestamp.plus(Duration.standardSeconds(1)));
    }

    @OnTimer("tick")
    public void onTick(
        OnTimerContext context,
        @Key String key,
        @TimerId("tick") Timer tick,
        @StateId("ticks") ValueState<Integer> ticks) {
      int n = (ticks.read() == null ? 0 : ticks.read()) + 1;
      ticks.write(n);
      context.output(key + "#" + n + "@" + second(context.fireTimestamp()));
      if (n < FIRINGS) {
        tick.set(context.fireTimestamp().plus(Duration.standardSeconds(1)));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void aWatermarkJumpFiresEveryTimerItPasses(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    int keys = 50;
    List<KV<String, String>> elements = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      elements.add(KV.of("k" + k, ""));
      for (int n = 1; n <= CountTwentySeconds.FIRINGS; n++) {
        expected.add("k" + k + "#" + n + "@" + n);
      }
    }
    @SuppressWarnings("unchecked")
    KV<String, String>[] rest = elements.subList(1, keys).toArray(new KV[0]);
    Scenario<KV<String, String>> arrivals =
        Scenario.of(KEYED)
            .add(0, elements.get(0), rest)
            // One step from 0 s to 100 s: 1 000 timers, 950 of them set while firing, in one batch.
            .watermark(100);

    PCollection<String> ticks = p.apply(arrivals.end()).apply(ParDo.of(new CountTwentySeconds()));

    PAssert.that(ticks).containsInAnyOrder(expected);
    runner.run(p);
  }

  /**
   * Sends each element on three seconds later, stamped one second before that: a timer at t + 3
   * with output timestamp t + 2, which must hold the stage's watermark back until it fires.
   */
  static final class SendOnLater extends DoFn<KV<String, String>, KV<String, Integer>> {
    @TimerId("later")
    private final TimerSpec laterSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @StateId("group")
    private final StateSpec<ValueState<String>> groupSpec = StateSpecs.value(StringUtf8Coder.of());

    @ProcessElement
    public void process(
        @Element KV<String, String> element,
        @Timestamp Instant timestamp,
        @TimerId("later") Timer later,
        @StateId("group") ValueState<String> group) {
      group.write(element.getValue());
      later
          .withOutputTimestamp(timestamp.plus(Duration.standardSeconds(2)))
          .set(timestamp.plus(Duration.standardSeconds(3)));
    }

    @OnTimer("later")
    public void onLater(OnTimerContext context, @StateId("group") ValueState<String> group) {
      context.output(KV.of(group.read(), 1));
    }
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void whatATimerOutputsReachesTheDownstreamWindowBeforeItCloses(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    Scenario<KV<String, String>> arrivals =
        Scenario.of(KEYED)
            .add(1, KV.of("e1", "g"))
            .add(5, KV.of("e2", "g"))
            .add(7.5, KV.of("e3", "g"))
            .add(8.5, KV.of("e4", "g"))
            // Past window [0, 10) and e3's output timestamp (9.5 s), not yet its timer (10.5 s):
            // the
            // window may fire only once e3's output is in, so the stage's hold must keep it open.
            .watermark(10.2)
            // Past every timer and both windows in one step.
            .watermark(30);

    PCollection<KV<String, Integer>> perWindow =
        p.apply(arrivals.end())
            .apply(ParDo.of(new SendOnLater()))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply(Sum.integersPerKey());

    // Stamped at 3, 7 and 9.5 s: window [0, 10); at 10.5 s: window [10, 20).
    PAssert.that(perWindow).inWindow(window(0, 10)).containsInAnyOrder(KV.of("g", 3));
    PAssert.that(perWindow).inWindow(window(10, 20)).containsInAnyOrder(KV.of("g", 1));
    runner.run(p);
  }

  /**
   * Counts each key's elements per window in state, reports every count as {@code
   * key@windowStart:n} and, when the window expires, {@code key@windowStart expired n}.
   */
  static final class CountPerWindow extends DoFn<KV<String, String>, String> {
    @StateId("count")
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(
        ProcessContext context, BoundedWindow window, @StateId("count") ValueState<Integer> count) {
      int n = (count.read() == null ? 0 : count.read()) + 1;
      count.write(n);
      context.output(context.element().getKey() + "@" + start(window) + ":" + n);
    }

    @OnWindowExpiration
    public void onExpiration(
        OutputReceiver<String> output,
        BoundedWindow window,
        @Key String key,
        @StateId("count") ValueState<Integer> count) {
      output.output(key + "@" + start(window) + " expired " + count.read());
    }

    private static String start(BoundedWindow window) {
      return second(((IntervalWindow) window).start());
    }
  }

  @ParameterizedTest
  @EnumSource(TestRunner.class)
  void aWindowsStateIsFreedWhenItExpiresAndLaterElementsAreDropped(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    Scenario<KV<String, String>> arrivals =
        Scenario.of(KEYED)
            .add(1, KV.of("a", ""))
            .add(2, KV.of("a", ""))
            .add(12, KV.of("a", ""))
            .watermark(12)
            // Late, within the allowed lateness: window [0, 10) lives until the watermark passes
            // 15.
            .add(3, KV.of("a", ""))
            .watermark(16)
            // Its window has expired and its state is gone: dropped.
            .add(4, KV.of("a", ""))
            .add(13, KV.of("a", ""))
            .watermark(30);

    PCollection<String> counts =
        p.apply(arrivals.end())
            .apply(
                Window.<KV<String, String>>into(FixedWindows.of(Duration.standardSeconds(10)))
                    .withAllowedLateness(Duration.standardSeconds(5))
                    .discardingFiredPanes())
            .apply(ParDo.of(new CountPerWindow()));

    PAssert.that(counts)
        .containsInAnyOrder(
            "a@0:1", "a@0:2", "a@10:1", "a@0:3", "a@0 expired 3", "a@10:2", "a@10 expired 2");
    runner.run(p);
  }
}
