package dev.streamstate.testing;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The timer and state semantics of a stateful ParDo on our Spark translation, against the
 * DirectRunner: a re-set timer fires once, a cleared timer never, due timers earliest first, what
 * {@code @OnTimer} outputs arrives (main and additional outputs, with a side input), and cleared
 * state starts again from nothing. Beam's own Spark translation fails the first three.
 *
 * <p>The timers are set to fire at or before the current processing time, so the Spark runners fire
 * them in the micro-batch that set them; the DirectRunner gets a processing-time step after each
 * arrival to fire them there too.
 */
class StatefulTimersTest {

  private static final TupleTag<String> FIRED = new TupleTag<String>() {};
  private static final TupleTag<String> COUNTS = new TupleTag<String>() {};

  /**
   * Per key, obeys commands: {@code reset} sets timer {@code first} twice, {@code order} sets
   * {@code second} before {@code first} but due after it, {@code clear} sets {@code first} and
   * clears it, {@code count} counts, {@code forget} clears the count. Timers report the {@code
   * n}-th firing for the key on {@link #FIRED}; counts go to {@link #COUNTS} with the side input's
   * prefix.
   */
  static final class TimerCommands extends DoFn<KV<String, String>, String> {
    private final PCollectionView<String> prefix;

    @TimerId("first")
    private final TimerSpec firstSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @TimerId("second")
    private final TimerSpec secondSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    @StateId("fired")
    private final StateSpec<ValueState<Integer>> firedSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("count")
    private final StateSpec<ValueState<Integer>> countSpec = StateSpecs.value(VarIntCoder.of());

    TimerCommands(PCollectionView<String> prefix) {
      this.prefix = prefix;
    }

    @ProcessElement
    public void process(
        ProcessContext context,
        @TimerId("first") Timer first,
        @TimerId("second") Timer second,
        @StateId("count") ValueState<Integer> count) {
      switch (context.element().getValue()) {
        case "reset":
          first.offset(Duration.millis(-20)).setRelative();
          first.offset(Duration.millis(-10)).setRelative();
          break;
        case "order":
          second.offset(Duration.millis(-5)).setRelative();
          first.offset(Duration.millis(-10)).setRelative();
          break;
        case "clear":
          first.offset(Duration.millis(-10)).setRelative();
          first.clear();
          break;
        case "count":
          int next = (count.read() == null ? 0 : count.read()) + 1;
          count.write(next);
          context.output(
              COUNTS, context.sideInput(prefix) + context.element().getKey() + "=" + next);
          break;
        case "forget":
          count.clear();
          break;
        default:
          throw new IllegalArgumentException("unknown command " + context.element());
      }
    }

    @OnTimer("first")
    public void onFirst(
        OnTimerContext context, @Key String key, @StateId("fired") ValueState<Integer> fired) {
      report(context, key, "first", fired);
    }

    @OnTimer("second")
    public void onSecond(
        OnTimerContext context, @Key String key, @StateId("fired") ValueState<Integer> fired) {
      report(context, key, "second", fired);
    }

    private void report(
        OnTimerContext context, String key, String timer, ValueState<Integer> fired) {
      int n = (fired.read() == null ? 0 : fired.read()) + 1;
      fired.write(n);
      context.output(FIRED, key + ":" + timer + "#" + n);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TestRunner.class,
      names = {"DIRECT", "SPARK_INDEXED"})
  void timersReplaceClearFireInOrderAndOutput(TestRunner runner) {
    Pipeline p = runner.newPipeline();
    Scenario<KV<String, String>> arrivals =
        Scenario.of(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    String[][] steps = {
      {"r", "reset"},
      {"o", "order"},
      {"c", "clear"},
      {"n", "count"},
      {"n", "count"},
      {"n", "forget"},
      {"n", "count"},
      {"r", "reset"}
    };
    for (int i = 0; i < steps.length; i++) {
      arrivals.add(i + 1, KV.of(steps[i][0], steps[i][1]));
      if (runner == TestRunner.DIRECT) {
        arrivals.processingTime(Duration.standardSeconds(1));
      }
    }
    PCollectionView<String> prefix = p.apply(Create.of(">")).apply(View.asSingleton());

    PCollectionTuple outputs =
        p.apply(arrivals.end())
            .apply(
                ParDo.of(new TimerCommands(prefix))
                    .withSideInputs(prefix)
                    .withOutputTags(FIRED, TupleTagList.of(COUNTS)));

    PAssert.that(outputs.get(FIRED))
        .containsInAnyOrder("r:first#1", "o:first#1", "o:second#2", "r:first#2");
    PAssert.that(outputs.get(COUNTS)).containsInAnyOrder(">n=1", ">n=2", ">n=1");
    runner.run(p);
  }
}
