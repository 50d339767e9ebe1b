package dev.streamstate.runners.state;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.spark.metrics.MetricsAccumulator;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.TransformEvaluator;
import org.apache.beam.runners.spark.translation.streaming.UnboundedDataset;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Translates a GroupByKey in streaming mode (and so every window, session and combine, which Beam's
 * Spark runner expands into one) onto a {@link KeyedStateDStream}, so each micro-batch costs its
 * elements plus the keys with a timer due, where the runner's own translation runs on {@code
 * updateStateByKey} and visits every key in its state every batch.
 *
 * <p>Everything a key goes through is the runner's own GroupByKey's (see {@link
 * GroupAlsoByWindowBatch}); what changes is which keys a batch visits, that timers are replaced and
 * deleted by identity and come out earliest first, as on the DirectRunner, and that a GroupByKey
 * read only by a combine does the combine itself ({@link CombineLifting}).
 */
public final class IndexedGroupByKeyEvaluator<K, V, W extends BoundedWindow>
    implements TransformEvaluator<GroupByKey<K, V>> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(IndexedGroupByKeyEvaluator.class);

  @Override
  public void evaluate(GroupByKey<K, V> transform, EvaluationContext context) {
    @SuppressWarnings("unchecked")
    UnboundedDataset<KV<K, V>> dataset =
        (UnboundedDataset<KV<K, V>>) context.borrowDataset(transform);
    @SuppressWarnings("unchecked")
    PCollection<KV<K, V>> input = (PCollection<KV<K, V>>) context.getInput(transform);
    KvCoder<K, V> inputCoder = (KvCoder<K, V>) input.getCoder();
    @SuppressWarnings("unchecked")
    WindowingStrategy<?, W> windowing = (WindowingStrategy<?, W>) input.getWindowingStrategy();
    Coder<W> windowCoder = windowing.getWindowFn().windowCoder();

    GroupAlsoByWindowBatch.Step<K, V, W> step = new GroupAlsoByWindowBatch.Step<>();
    step.stepName = context.getCurrentTransform().getFullName();
    step.options = context.getSerializableOptions();
    step.keyCoder = inputCoder.getKeyCoder();
    step.valueCoder = inputCoder.getValueCoder();
    step.windowedValueCoder = WindowedValues.getFullCoder(step.valueCoder, windowCoder);
    step.outputCoder =
        WindowedValues.getFullCoder(
            KvCoder.of(step.keyCoder, IterableCoder.of(step.valueCoder)), windowCoder);
    step.windowingStrategy = windowing;
    step.metrics = MetricsAccumulator.getInstance();

    JavaDStream<WindowedValue<KV<K, V>>> elements = dataset.getDStream();
    step.bucketMillis = elements.dstream().slideDuration().milliseconds();
    @SuppressWarnings("unchecked")
    CombineLifting.Combined<V, ?, ?> combined =
        (CombineLifting.Combined<V, ?, ?>) CombineLifting.of(transform, context);
    KeyedStateDStream states =
        combined == null
            ? KeyedStateDStream.of(
                context,
                elements,
                step.keyCoder,
                step.windowedValueCoder,
                new GroupAlsoByWindowBatch<>(step))
            : combining(context, elements, step, combined, windowCoder);

    JavaDStream<WindowedValue<KV<K, Iterable<V>>>> grouped =
        states
            .asJava()
            .flatMap(record -> IndexedGroupByKeyEvaluator.<K, V>grouped(record).iterator());
    context.putDataset(transform, new UnboundedDataset<>(grouped, dataset.getStreamSources()));
    if (combined != null) {
      CombineLifting.lifted((PCollection<?>) context.getOutput(transform));
      LOG.info(
          "{} combines with {} before its shuffle and keeps accumulators",
          step.stepName,
          combined.fn());
    }
  }

  /**
   * The keyed state of a GroupByKey that does its consumer's combine: values combined per key and
   * window before the shuffle, their accumulators merged into the state's.
   */
  private static <K, V, AccumT, OutputT, W extends BoundedWindow> KeyedStateDStream combining(
      EvaluationContext context,
      JavaDStream<WindowedValue<KV<K, V>>> elements,
      GroupAlsoByWindowBatch.Step<K, V, W> grouping,
      CombineLifting.Combined<V, AccumT, OutputT> combined,
      Coder<W> windowCoder) {
    GroupAlsoByWindowBatch.Step<K, AccumT, W> step = new GroupAlsoByWindowBatch.Step<>();
    step.stepName = grouping.stepName;
    step.options = grouping.options;
    step.keyCoder = grouping.keyCoder;
    step.valueCoder = combined.accumulatorCoder();
    step.windowedValueCoder = WindowedValues.getFullCoder(step.valueCoder, windowCoder);
    step.outputCoder =
        WindowedValues.getFullCoder(KvCoder.of(step.keyCoder, combined.outputCoder()), windowCoder);
    step.windowingStrategy = grouping.windowingStrategy;
    step.metrics = grouping.metrics;
    step.bucketMillis = grouping.bucketMillis;
    step.combineFn = new CombineLifting.MergeAccumulators<>(combined.fn());
    step.accumulatorCoder = combined.accumulatorCoder();
    step.closingWindowsAtOnce = GroupAlsoByWindowBatch.closesOnceAtItsEnd(step.windowingStrategy);
    JavaDStream<WindowedValue<KV<K, AccumT>>> accumulators =
        elements.mapPartitions(
            new CombineLifting.CombineBeforeShuffle<>(
                step.keyCoder, combined.fn(), step.windowingStrategy.getTimestampCombiner()));
    return KeyedStateDStream.of(
        context,
        accumulators,
        step.keyCoder,
        step.windowedValueCoder,
        new GroupAlsoByWindowBatch<>(step));
  }

  /** The grouped values a batch output, all under the one tag a GroupByKey has. */
  @SuppressWarnings("unchecked")
  private static <K, V> List<WindowedValue<KV<K, Iterable<V>>>> grouped(PartitionRecord record) {
    List<WindowedValue<KV<K, Iterable<V>>>> grouped = new ArrayList<>(record.outputs().size());
    for (Tuple2<TupleTag<?>, WindowedValue<?>> output : record.outputs()) {
      grouped.add((WindowedValue<KV<K, Iterable<V>>>) output._2());
    }
    return grouped;
  }

  @Override
  public String toNativeString() {
    return "keyedState(<GroupByKey>)";
  }
}
