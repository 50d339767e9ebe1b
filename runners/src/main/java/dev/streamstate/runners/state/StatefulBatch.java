package dev.streamstate.runners.state;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StateTags;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.runners.spark.coders.CoderHelpers;
import org.apache.beam.runners.spark.metrics.MetricsContainerStepMapAccumulator;
import org.apache.beam.runners.spark.translation.DoFnRunnerWithMetrics;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.beam.runners.spark.util.SideInputBroadcast;
import org.apache.beam.runners.spark.util.SideInputReaderFactory;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.WindowedValueMultiReceiver;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.HashBasedTable;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Table;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import scala.Tuple2;

/**
 * Runs a stateful DoFn over one partition of one micro-batch: the keys that received elements and
 * the keys whose timers are due, nothing else.
 *
 * <p>Each task gets its own copy of the DoFn (Spark deserializes it with the task), so
 * {@code @Setup} and {@code @Teardown} run once per instance, around one bundle holding the whole
 * partition. Each key sees its elements at the previous batch's input watermark (elements in
 * windows already expired are dropped, as Beam's stateful DoFn runner does), then the watermark
 * advances to this batch's and the key's due timers fire earliest first: event-time timers before
 * the watermark, processing-time timers before the batch time, including timers its own callbacks
 * set to fall due by then. A window's state is cleared, after {@code @OnWindowExpiration}, by an
 * event-time timer at its end plus the allowed lateness; in the global window, which never ends
 * while a stream runs, no such timer is set unless the DoFn has {@code @OnWindowExpiration}, so
 * that a key left with no state and no timers is dropped.
 *
 * <p>A key's watermark hold is the earliest output timestamp of its pending timers: what they
 * output when they fire is on time for the stages after this one.
 */
final class StatefulBatch<K, V, OutputT> implements KeyedBatch {
  private static final long serialVersionUID = 1L;

  /** What the translation knows about the ParDo, everything here serializable. */
  static final class Step<K, V, OutputT> implements Serializable {
    private static final long serialVersionUID = 1L;
    DoFn<KV<K, V>, OutputT> doFn;
    String stepName;
    SerializablePipelineOptions options;
    Coder<K> keyCoder;
    Coder<KV<K, V>> inputCoder;
    Coder<WindowedValue<V>> windowedValueCoder;
    Coder<? extends BoundedWindow> windowCoder;
    WindowingStrategy<?, ?> windowingStrategy;
    TupleTag<OutputT> mainOutputTag;
    List<TupleTag<?>> additionalOutputTags;
    Map<TupleTag<?>, Coder<?>> outputCoders;

    /** Each output's coder with its timestamp, windows and pane: how a checkpoint writes it. */
    Map<TupleTag<?>, Coder<WindowedValue<?>>> windowedOutputCoders;

    Map<TupleTag<?>, KV<WindowingStrategy<?, ?>, SideInputBroadcast<?>>> sideInputs;
    boolean streamingSideInputs;
    DoFnSchemaInformation schemaInformation;
    Map<String, PCollectionView<?>> sideInputMapping;
    MetricsContainerStepMapAccumulator metrics;
    long bucketMillis;
    boolean collectsWindows;
  }

  /**
   * Timers fired for one key in one batch at most: a timer that sets itself again at a time that is
   * already due would otherwise never let the batch end. What is left stays due for the next batch.
   */
  private static final int MAX_FIRINGS = 100_000;

  private final Step<K, V, OutputT> step;

  StatefulBatch(Step<K, V, OutputT> step) {
    this.step = step;
  }

  /** The partition after the batch at {@code batchMillis}, with what the DoFn output. */
  @Override
  public PartitionRecord run(
      Clock clock, PartitionState previous, Iterator<Tuple2<ByteArray, byte[]>> batch) {
    long batchMillis = clock.batchMillis();
    PartitionState.Builder next = previous.toBuilder(batchMillis, clock.nextWatermarkMillis());
    Map<ByteArray, List<byte[]>> keys = KeyedBatch.visitedKeys(batch, next.dueKeys());
    if (keys.isEmpty()) {
      return new PartitionRecord(next.build(), List.of(), step.windowedOutputCoders);
    }

    Bundle bundle = new Bundle(clock);
    try {
      bundle.runner.startBundle();
      for (Map.Entry<ByteArray, List<byte[]>> key : keys.entrySet()) {
        bundle.process(key.getKey(), key.getValue(), previous, next);
      }
      bundle.runner.finishBundle();
    } finally {
      bundle.invoker.invokeTeardown();
    }
    return new PartitionRecord(next.build(), bundle.outputs, step.windowedOutputCoders);
  }

  /** One bundle: the DoFn instance set up, its runner, and the outputs so far. */
  private final class Bundle implements StepContext, WindowedValueMultiReceiver {
    final Instant batchTime;
    final Instant watermark;
    final Instant nextWatermark;
    final DoFnInvoker<KV<K, V>, OutputT> invoker;
    final DoFnRunner<KV<K, V>, OutputT> runner;
    final NamespaceKeys namespaces = new NamespaceKeys(step.windowCoder);
    final Coder<TimerData> timerCoder = new StoredTimerCoder(namespaces);
    final List<Tuple2<TupleTag<?>, WindowedValue<?>>> outputs = new ArrayList<>();
    @Nullable StateInternals currentState;
    @Nullable KeyTimers currentTimers;

    /** The window collection of the DoFn, acting on the key being processed. */
    final WindowCleanup<KV<K, V>> cleanup =
        new WindowCleanup<>(step.collectsWindows, step.doFn, step.windowingStrategy, this);

    Bundle(Clock clock) {
      this.batchTime = new Instant(clock.batchMillis());
      this.watermark = new Instant(clock.watermarkMillis());
      this.nextWatermark = new Instant(clock.nextWatermarkMillis());
      invoker = DoFnInvokers.tryInvokeSetupFor(step.doFn, step.options.get());
      DoFnRunner<KV<K, V>, OutputT> simple =
          DoFnRunners.simpleRunner(
              step.options.get(),
              step.doFn,
              SideInputReaderFactory.create(step.streamingSideInputs, step.sideInputs),
              this,
              step.mainOutputTag,
              step.additionalOutputTags,
              this,
              step.inputCoder,
              step.outputCoders,
              step.windowingStrategy,
              step.schemaInformation,
              step.sideInputMapping);
      DoFnRunner<KV<K, V>, OutputT> stateful =
          DoFnRunners.defaultStatefulDoFnRunner(
              step.doFn,
              step.inputCoder,
              simple,
              this,
              step.windowingStrategy,
              cleanup,
              cleanup,
              true);
      runner = new DoFnRunnerWithMetrics<>(step.stepName, stateful, step.metrics);
    }

    void process(
        ByteArray keyBytes,
        List<byte[]> values,
        PartitionState previous,
        PartitionState.Builder next) {
      K key = KeyedBatch.decode(step.keyCoder, keyBytes.getValue());
      KeyState before = previous.get(keyBytes);
      Table<String, String, byte[]> cells =
          before == null ? HashBasedTable.create() : before.cells();
      StateInternals state = namespaces.stateInternals(key, cells);
      KeyTimers timers = new KeyTimers(batchTime, watermark, nextWatermark);
      if (before != null) {
        // Due or not as the partition's time indexes file the key: what woke it, if not its
        // elements.
        timers.addStored(before.timers(), timerCoder, next.dueKeys().contains(keyBytes));
      }
      currentState = state;
      currentTimers = timers;

      for (byte[] value : values) {
        WindowedValue<V> windowed = KeyedBatch.decode(step.windowedValueCoder, value);
        runner.processElement(windowed.withValue(KV.of(key, windowed.getValue())));
      }
      timers.advanceWatermark();
      for (int fired = 0; fired < MAX_FIRINGS; fired++) {
        TimerData timer = timers.pollDue();
        if (timer == null) {
          break;
        }
        runner.onTimer(
            timer.getTimerId(),
            timer.getTimerFamilyId(),
            key,
            windowOf(timer.getNamespace()),
            timer.getTimestamp(),
            timer.getOutputTimestamp(),
            timer.getDomain());
      }

      forgetFlushedSortBuffers(cells);
      KeyState after = null;
      if (!cells.isEmpty() || !timers.isEmpty()) {
        after =
            timers.isAsStored()
                ? new KeyState(
                    cells,
                    timers.encode(timerCoder),
                    before.processingBucket(),
                    before.eventTime(),
                    before.hold())
                : new KeyState(
                    cells,
                    timers.encode(timerCoder),
                    PartitionState.bucketOf(timers.nextDueMillis(), step.bucketMillis),
                    timers.nextEventMillis(),
                    timers.earliestOutputMillis());
      }
      next.put(keyBytes, before, after);
    }

    @Override
    public StateInternals stateInternals() {
      return current(currentState);
    }

    @Override
    public TimerInternals timerInternals() {
      return current(currentTimers);
    }

    @Override
    public <T> void output(TupleTag<T> tag, WindowedValue<T> output) {
      outputs.add(new Tuple2<>(tag, output));
    }
  }

  /** The cell in which runners-core's time-sorted input keeps its buffer's earliest time. */
  private static final String SORT_BUFFER_MIN_STAMP =
      StateTags.makeSystemTagInternal(StateTags.value("sortBufferMinStamp", InstantCoder.of()))
          .getId();

  private static final byte[] END_OF_TIME =
      CoderHelpers.toByteArray(BoundedWindow.TIMESTAMP_MAX_VALUE, InstantCoder.of());

  /**
   * Drops the earliest-time cell of an empty time-sorted buffer ({@code @RequiresTimeSortedInput}).
   * Runners-core writes the end of time there each time it has flushed its buffer, where it could
   * clear the cell: it reads a missing cell as the end of time. In the global window, where no
   * cleanup timer runs, that cell alone would keep every key ever seen in state for as long as the
   * stream runs (8 bytes and a state entry a key); without it, nothing changes but the key is gone.
   */
  static void forgetFlushedSortBuffers(Table<String, String, byte[]> cells) {
    List<String> flushed = new ArrayList<>();
    cells
        .column(SORT_BUFFER_MIN_STAMP)
        .forEach(
            (namespace, value) -> {
              if (Arrays.equals(value, END_OF_TIME)) {
                flushed.add(namespace);
              }
            });
    flushed.forEach(namespace -> cells.remove(namespace, SORT_BUFFER_MIN_STAMP));
  }

  private static <T> T current(@Nullable T perKey) {
    if (perKey == null) {
      throw new IllegalStateException("state or timers used outside of a key's processing");
    }
    return perKey;
  }

  private static BoundedWindow windowOf(StateNamespace namespace) {
    return namespace instanceof StateNamespaces.WindowNamespace
        ? ((StateNamespaces.WindowNamespace<?>) namespace).getWindow()
        : GlobalWindow.INSTANCE;
  }
}
