package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.runners.core.GroupAlsoByWindowsAggregators;
import org.apache.beam.runners.core.LateDataUtils;
import org.apache.beam.runners.core.ReduceFn;
import org.apache.beam.runners.core.ReduceFnRunner;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.UnsupportedSideInputReader;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.core.metrics.CounterCell;
import org.apache.beam.runners.core.triggers.ExecutableTriggerStateMachine;
import org.apache.beam.runners.core.triggers.TriggerStateMachines;
import org.apache.beam.runners.spark.metrics.MetricsContainerStepMapAccumulator;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.Never;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.util.AppliedCombineFn;
import org.apache.beam.sdk.util.WindowedValueReceiver;
import org.apache.beam.sdk.util.construction.TriggerTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import scala.Tuple2;

/**
 * Runs a GroupByKey over one partition of one micro-batch: the keys that received elements and the
 * keys with a timer due (an event-time timer before the watermark, such as a window's end or its
 * garbage collection, or a processing-time timer by the batch time), nothing else.
 *
 * <p>Each key goes through the steps of the Spark runner's own GroupByKey, so panes, lateness and
 * triggers stay Beam's: a {@code ReduceFnRunner} buffering the key's values per window (or, for a
 * lifted combine, keeping one accumulator per window, see {@link CombineLifting}), late elements
 * dropped against the previous batch's watermark (and counted in {@code DroppedDueToLateness}),
 * then the watermark advanced to this batch's and the due timers offered earliest first, again
 * until none is due. A key with no state and no timers is dropped.
 *
 * <p>The watermark is the stage's input watermark (see {@link KeyedStateDStream}). A key's
 * watermark hold is the earliest of the holds the {@code ReduceFnRunner} keeps in its state, one
 * for the elements buffered in each window and one for a window's end or garbage collection,
 * exactly what Beam's runners hold a GroupByKey's output watermark with.
 */
final class GroupAlsoByWindowBatch<K, V, W extends BoundedWindow> implements KeyedBatch {
  private static final long serialVersionUID = 1L;

  /** The tag of the grouped output in a {@link PartitionRecord}: a GroupByKey has one output. */
  static final TupleTag<Object> GROUPED = new TupleTag<>("grouped");

  /**
   * Rounds of due timers a key is offered in one batch at most; what a trigger sets due again
   * beyond them stays due and fires in the next batch.
   */
  private static final int TIMER_ROUNDS = 100;

  /**
   * The ids of the state cells in which the {@code ReduceFnRunner} keeps its watermark holds (its
   * {@code WatermarkHold}'s tags, built the same way from Beam's public state tags; the timestamp
   * combiner does not enter the id).
   */
  private static final Set<String> HOLD_CELLS =
      Set.of(
          StateTags.makeSystemTagInternal(
                  StateTags.watermarkStateInternal("hold", TimestampCombiner.EARLIEST))
              .getId(),
          StateTags.makeSystemTagInternal(
                  StateTags.watermarkStateInternal("extra", TimestampCombiner.EARLIEST))
              .getId());

  /** What the translation knows about the GroupByKey, everything here serializable. */
  static final class Step<K, V, W extends BoundedWindow> implements Serializable {
    private static final long serialVersionUID = 1L;
    String stepName;
    SerializablePipelineOptions options;
    Coder<K> keyCoder;
    Coder<V> valueCoder;
    Coder<WindowedValue<V>> windowedValueCoder;

    /**
     * The coder of what a key outputs: its groups, or with {@link #combineFn} its combined values.
     */
    Coder<? extends WindowedValue<? extends KV<K, ?>>> outputCoder;

    WindowingStrategy<?, W> windowingStrategy;
    MetricsContainerStepMapAccumulator metrics;
    long bucketMillis;

    /**
     * The combine the state keeps accumulators of, with their coder (see {@link CombineLifting});
     * {@code null} to group.
     */
    Combine.@Nullable CombineFn<V, ?, ?> combineFn;

    Coder<?> accumulatorCoder;

    /**
     * Whether a key new to the state whose windows all close in its batch has its panes combined
     * straight from the batch's values (see {@link #closesOnceAtItsEnd}); {@code false} puts every
     * key through Beam's {@code ReduceFnRunner}.
     */
    boolean closingWindowsAtOnce;

    /**
     * Keeps each window's values in a bag and outputs them, or with a combine its accumulator and
     * the result.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    ReduceFn<K, V, Object, W> reduceFn() {
      if (combineFn == null) {
        return (ReduceFn) SystemReduceFn.buffering(valueCoder);
      }
      return (ReduceFn)
          SystemReduceFn.combining(
              keyCoder,
              AppliedCombineFn.withAccumulatorCoder(
                  (Combine.CombineFn) combineFn, (Coder) accumulatorCoder));
    }
  }

  /**
   * The one pane of a window that fires only when the watermark passes its end, which is also its
   * garbage collection: Beam's {@code ReduceFnRunner} gives it as first, last and on time.
   */
  private static final PaneInfo ONLY_PANE =
      PaneInfo.createPane(true, true, PaneInfo.Timing.ON_TIME, 0, 0);

  /**
   * Whether, in {@code windowing}, a window fires exactly once, on time, with all its values, and
   * nothing of it is kept afterwards: a trigger that fires when the watermark passes the window's
   * end and never early, no allowed lateness (so that firing is the window's garbage collection
   * too, the only pane it ever has, since any later element is dropped as expired), windows that do
   * not merge, and outputs stamped at the window's end. Then a combine's pane for a key with no
   * state, whose windows all close in the batch its values arrive in, is the combine of those
   * values: a window's end of the sliding windows summed in a ring ({@code WindowedSums}), of fixed
   * windows shorter than a batch.
   */
  static boolean closesOnceAtItsEnd(WindowingStrategy<?, ?> windowing) {
    Trigger trigger = windowing.getTrigger();
    boolean onlyAtTheEnd =
        trigger instanceof DefaultTrigger
            || trigger instanceof AfterWatermark.FromEndOfWindow
            || (trigger instanceof AfterWatermark.AfterWatermarkEarlyAndLate watermark
                && (watermark.getEarlyTrigger() == null
                    || watermark.getEarlyTrigger() instanceof Never.NeverTrigger));
    return onlyAtTheEnd
        && windowing.getAllowedLateness().equals(Duration.ZERO)
        && windowing.getWindowFn().isNonMerging()
        && windowing.getTimestampCombiner() == TimestampCombiner.END_OF_WINDOW;
  }

  private final Step<K, V, W> step;

  GroupAlsoByWindowBatch(Step<K, V, W> step) {
    this.step = step;
  }

  /** How a record writes its outputs into a checkpoint. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Map<TupleTag<?>, Coder<WindowedValue<?>>> outputCoders() {
    return Map.of(GROUPED, (Coder) step.outputCoder);
  }

  @Override
  public PartitionRecord run(
      Clock clock, PartitionState previous, Iterator<Tuple2<ByteArray, byte[]>> batch) {
    PartitionState.Builder next =
        previous.toBuilder(clock.batchMillis(), clock.nextWatermarkMillis());
    Map<ByteArray, List<byte[]>> visited = KeyedBatch.visitedKeys(batch, next.dueKeys());
    if (visited.isEmpty()) {
      return new PartitionRecord(next.build(), List.of(), outputCoders());
    }
    Keys keys =
        new Keys(
            previous,
            next,
            new Instant(clock.batchMillis()),
            new Instant(clock.watermarkMillis()),
            new Instant(clock.nextWatermarkMillis()));
    for (Map.Entry<ByteArray, List<byte[]>> key : visited.entrySet()) {
      keys.process(key.getKey(), key.getValue());
    }
    return new PartitionRecord(next.build(), keys.outputs, outputCoders());
  }

  /** The keys of one partition in one batch, and what they output. */
  private final class Keys implements WindowedValueReceiver<KV<K, Object>> {
    final PartitionState previous;
    final PartitionState.Builder next;
    final Instant batchTime;
    final Instant watermark;
    final Instant nextWatermark;
    final ExecutableTriggerStateMachine trigger =
        ExecutableTriggerStateMachine.create(
            TriggerStateMachines.stateMachineForTrigger(
                TriggerTranslation.toProto(step.windowingStrategy.getTrigger())));
    final ReduceFn<K, V, Object, W> reduceFn = step.reduceFn();
    final CounterCell droppedDueToLateness =
        step.metrics
            .value()
            .getContainer(step.stepName)
            .getCounter(
                MetricName.named(
                    GroupAlsoByWindowsAggregators.class,
                    GroupAlsoByWindowsAggregators.DROPPED_DUE_TO_LATENESS_COUNTER));
    final NamespaceKeys namespaces =
        new NamespaceKeys(step.windowingStrategy.getWindowFn().windowCoder());
    final Coder<TimerData> timerCoder = new StoredTimerCoder(namespaces);
    final List<Tuple2<TupleTag<?>, WindowedValue<?>>> outputs = new ArrayList<>();

    Keys(
        PartitionState previous,
        PartitionState.Builder next,
        Instant batchTime,
        Instant watermark,
        Instant nextWatermark) {
      this.previous = previous;
      this.next = next;
      this.batchTime = batchTime;
      this.watermark = watermark;
      this.nextWatermark = nextWatermark;
    }

    void process(ByteArray keyBytes, List<byte[]> values) {
      K key = KeyedBatch.decode(step.keyCoder, keyBytes.getValue());
      KeyState before = previous.get(keyBytes);
      List<WindowedValue<V>> windowed = new ArrayList<>(values.size());
      for (byte[] value : values) {
        windowed.add(KeyedBatch.decode(step.windowedValueCoder, value));
      }
      if (before == null
          && step.closingWindowsAtOnce
          && !windowed.isEmpty()
          && allCloseInThisBatch(windowed)) {
        // Nothing to record: the key had no state and keeps none.
        combineOnlyPanes(key, windowed);
        return;
      }
      Table<String, String, byte[]> cells =
          before == null ? HashBasedTable.create() : before.cells();
      KeyTimers timers = new KeyTimers(batchTime, watermark, nextWatermark);
      if (before != null) {
        timers.addEncoded(before.timers(), timerCoder);
      }
      ReduceFnRunner<K, V, Object, W> runner =
          new ReduceFnRunner<>(
              key,
              step.windowingStrategy,
              trigger,
              namespaces.stateInternals(key, cells),
              timers,
              this,
              new UnsupportedSideInputReader("GroupAlsoByWindow"),
              reduceFn,
              step.options.get());
      try {
        if (!windowed.isEmpty()) {
          // Copied once: the filter is lazy and counts a drop each time it is iterated, and the
          // ReduceFnRunner iterates its input two or three times.
          List<WindowedValue<V>> inTime = new ArrayList<>(windowed.size());
          LateDataUtils.dropExpiredWindows(
                  key, windowed, timers, step.windowingStrategy, droppedDueToLateness)
              .forEach(inTime::add);
          runner.processElements(inTime);
        }
        timers.advanceWatermark();
        for (int round = 0; round < TIMER_ROUNDS; round++) {
          List<TimerData> due = timers.takeDue();
          if (due.isEmpty()) {
            break;
          }
          runner.onTimers(due);
        }
        runner.persist();
      } catch (Exception e) {
        throw new IllegalStateException(
            step.stepName + ": cannot group the values of key " + key, e);
      }

      KeyState after = null;
      if (!cells.isEmpty() || !timers.isEmpty()) {
        after =
            new KeyState(
                cells,
                timers.encode(timerCoder),
                PartitionState.bucketOf(timers.nextDueMillis(), step.bucketMillis),
                timers.nextEventMillis(),
                holdOf(cells));
      }
      next.put(keyBytes, before, after);
    }

    /**
     * Whether every window of {@code values} is still open at the previous batch's watermark (none
     * of the values is dropped as late) and fires by this batch's (its end-of-window timer is due).
     */
    private boolean allCloseInThisBatch(List<WindowedValue<V>> values) {
      for (WindowedValue<V> value : values) {
        for (BoundedWindow window : value.getWindows()) {
          Instant end = window.maxTimestamp();
          if (end.isBefore(watermark) || !end.isBefore(nextWatermark)) {
            return false;
          }
        }
      }
      return true;
    }

    /**
     * Outputs each window's only pane ({@link #ONLY_PANE}) from {@code values}: what the {@code
     * ReduceFnRunner} would output after adding them to the window's accumulator, firing at the
     * window's end and clearing it, without writing the accumulator, the hold and the timer to the
     * key's state and reading them back.
     */
    @SuppressWarnings("unchecked")
    private void combineOnlyPanes(K key, List<WindowedValue<V>> values) {
      Combine.CombineFn<V, Object, Object> fn =
          (Combine.CombineFn<V, Object, Object>) step.combineFn;
      Map<BoundedWindow, Object> accumulators = new LinkedHashMap<>();
      for (WindowedValue<V> value : values) {
        for (BoundedWindow window : value.getWindows()) {
          Object accumulator = accumulators.get(window);
          accumulators.put(
              window,
              fn.addInput(
                  accumulator == null ? fn.createAccumulator() : accumulator, value.getValue()));
        }
      }
      accumulators.forEach(
          (window, accumulator) ->
              output(
                  WindowedValues.of(
                      KV.of(key, fn.extractOutput(accumulator)),
                      window.maxTimestamp(),
                      window,
                      ONLY_PANE)));
    }

    /** The earliest watermark hold in a key's state cells, {@link TimeIndex#NONE} for none. */
    private long holdOf(Table<String, String, byte[]> cells) {
      long earliest = TimeIndex.NONE;
      for (Table.Cell<String, String, byte[]> cell : cells.cellSet()) {
        if (HOLD_CELLS.contains(cell.getColumnKey())) {
          earliest =
              Math.min(earliest, KeyedBatch.decode(InstantCoder.of(), cell.getValue()).getMillis());
        }
      }
      return earliest;
    }

    @Override
    public void output(WindowedValue<KV<K, Object>> grouped) {
      outputs.add(new Tuple2<>(GROUPED, grouped));
    }
  }
}
