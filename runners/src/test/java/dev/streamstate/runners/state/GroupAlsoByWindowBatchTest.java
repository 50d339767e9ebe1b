package dev.streamstate.runners.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.spark.metrics.MetricsContainerStepMapAccumulator;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.SlidingWindows;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.Tuple2;

/**
 * The panes a combining GroupByKey computes straight from a batch's values, for keys whose windows
 * all close in that batch, against Beam's {@code ReduceFnRunner} on the same batches: the referee
 * is Beam's own code, run by the same step with the shortcut switched off.
 */
class GroupAlsoByWindowBatchTest {
  private static final Duration SECOND = Duration.standardSeconds(1);
  private static final Combine.CombineFn<Long, long[], Long> SUM = Sum.ofLongs();

  static Stream<Arguments> windowings() {
    return Stream.of(
        Arguments.of("fixed windows, on time and late firings", fixedSeconds(2)),
        Arguments.of(
            "sliding windows, each value in three",
            WindowingStrategy.of(SlidingWindows.of(Duration.standardSeconds(3)).every(SECOND))
                .withTrigger(
                    AfterWatermark.pastEndOfWindow()
                        .withLateFirings(AfterPane.elementCountAtLeast(1)))
                .withMode(WindowingStrategy.AccumulationMode.ACCUMULATING_FIRED_PANES)),
        Arguments.of(
            "fixed windows, default trigger", WindowingStrategy.of(FixedWindows.of(SECOND))));
  }

  /**
   * Random keys and times over 30 batches: values late for their window (dropped), values whose
   * window closes in their batch (the shortcut, for keys with no state), values for windows that
   * close later (kept in state, so the key's next values take Beam's way).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("windowings")
  void panesOfWindowsClosingInTheirBatchAreBeamsOwn(String name, WindowingStrategy<?, ?> windowing)
      throws Exception {
    assertTrue(GroupAlsoByWindowBatch.closesOnceAtItsEnd(windowing), name);
    for (long seed = 1; seed <= 5; seed++) {
      List<List<String>> shortcut = run(windowing, true, seed);
      List<List<String>> beams = run(windowing, false, seed);
      assertEquals(beams, shortcut, name + ", seed " + seed);
      assertTrue(
          beams.stream().mapToInt(List::size).sum() > 100, "too few panes to compare: " + beams);
    }
  }

  @Test
  void windowsThatMayFireAgainOrEarlyGoThroughBeam() {
    assertFalse(
        GroupAlsoByWindowBatch.closesOnceAtItsEnd(fixedSeconds(2).withAllowedLateness(SECOND)));
    assertFalse(
        GroupAlsoByWindowBatch.closesOnceAtItsEnd(
            fixedSeconds(2)
                .withTrigger(
                    AfterWatermark.pastEndOfWindow()
                        .withEarlyFirings(
                            AfterProcessingTime.pastFirstElementInPane().plusDelayOf(SECOND)))));
    assertFalse(
        GroupAlsoByWindowBatch.closesOnceAtItsEnd(
            fixedSeconds(2).withTimestampCombiner(TimestampCombiner.EARLIEST)));
    assertFalse(
        GroupAlsoByWindowBatch.closesOnceAtItsEnd(
            WindowingStrategy.of(Sessions.withGapDuration(SECOND))));
  }

  private static WindowingStrategy<?, ?> fixedSeconds(int seconds) {
    return WindowingStrategy.of(FixedWindows.of(Duration.standardSeconds(seconds)))
        .withTrigger(
            AfterWatermark.pastEndOfWindow().withLateFirings(AfterPane.elementCountAtLeast(1)))
        .withMode(WindowingStrategy.AccumulationMode.ACCUMULATING_FIRED_PANES);
  }

  /** Each batch's outputs, each as its value, time, window and pane. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<List<String>> run(
      WindowingStrategy<?, ?> windowing, boolean atOnce, long seed) throws Exception {
    GroupAlsoByWindowBatch.Step<String, long[], BoundedWindow> step =
        new GroupAlsoByWindowBatch.Step<>();
    Coder<long[]> accumulatorCoder =
        SUM.getAccumulatorCoder(CoderRegistry.createDefault(), VarLongCoder.of());
    Coder<BoundedWindow> windowCoder = (Coder<BoundedWindow>) windowing.getWindowFn().windowCoder();
    step.stepName = "Sum";
    step.options = new SerializablePipelineOptions(PipelineOptionsFactory.create());
    step.keyCoder = StringUtf8Coder.of();
    step.valueCoder = accumulatorCoder;
    step.windowedValueCoder = WindowedValues.getFullCoder(accumulatorCoder, windowCoder);
    step.outputCoder =
        WindowedValues.getFullCoder(
            KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()), windowCoder);
    step.windowingStrategy = (WindowingStrategy) windowing;
    step.metrics = new MetricsContainerStepMapAccumulator(new MetricsContainerStepMap());
    step.bucketMillis = 1000;
    step.combineFn = (Combine.CombineFn) new CombineLifting.MergeAccumulators<>(SUM);
    step.accumulatorCoder = accumulatorCoder;
    step.closingWindowsAtOnce = atOnce;
    GroupAlsoByWindowBatch<String, long[], BoundedWindow> batch =
        new GroupAlsoByWindowBatch<>(step);

    Random random = new Random(seed);
    PartitionState state = PartitionState.EMPTY;
    long watermark = 0;
    List<List<String>> outputs = new ArrayList<>();
    for (int b = 1; b <= 30; b++) {
      long nextWatermark = watermark + random.nextInt(3000);
      List<Tuple2<ByteArray, byte[]>> elements = new ArrayList<>();
      for (int e = random.nextInt(60); e > 0; e--) {
        String key = "k" + random.nextInt(20);
        long time = watermark - 2000 + random.nextInt(6000);
        WindowedValue<long[]> value =
            WindowedValues.of(
                new long[] {1 + random.nextInt(9)},
                new Instant(time),
                windowsOf(windowing, time),
                PaneInfo.NO_FIRING);
        elements.add(
            new Tuple2<>(
                new ByteArray(CoderUtils.encodeToByteArray(StringUtf8Coder.of(), key)),
                CoderUtils.encodeToByteArray(step.windowedValueCoder, value)));
      }
      Iterator<Tuple2<ByteArray, byte[]>> input = elements.iterator();
      PartitionRecord record =
          batch.run(new KeyedBatch.Clock(1000L * b, watermark, nextWatermark), state, input);
      List<String> panes = new ArrayList<>();
      record.outputs().forEach(output -> panes.add(output._2().toString()));
      panes.sort(null);
      outputs.add(panes);
      state = record.state();
      watermark = nextWatermark;
    }
    return outputs;
  }

  private static List<BoundedWindow> windowsOf(WindowingStrategy<?, ?> windowing, long time) {
    List<BoundedWindow> windows = new ArrayList<>();
    if (windowing.getWindowFn() instanceof SlidingWindows sliding) {
      long period = sliding.getPeriod().getMillis();
      long size = sliding.getSize().getMillis();
      for (long start = time - Math.floorMod(time, period); start > time - size; start -= period) {
        windows.add(new IntervalWindow(new Instant(start), new Instant(start + size)));
      }
    } else {
      long size = ((FixedWindows) windowing.getWindowFn()).getSize().getMillis();
      long start = time - Math.floorMod(time, size);
      windows.add(new IntervalWindow(new Instant(start), new Instant(start + size)));
    }
    return windows;
  }
}
