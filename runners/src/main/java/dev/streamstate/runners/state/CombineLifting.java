package dev.streamstate.runners.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Trigger;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Combiner lifting: a GroupByKey whose only consumer is a {@code Combine.GroupedValues} (what
 * {@code Combine.perKey} and {@code Combine.globally} expand into) is translated with the combine:
 * each batch's values are combined per key and window before the shuffle, and the state keeps one
 * accumulator per key and window instead of a bag of every value, as Spark's {@code reduceByKey}
 * and {@code mapWithState} jobs do by hand. Beam's Spark runner, in streaming mode, groups every
 * value and combines the group afterwards.
 *
 * <p>Lifted only where the result is the same: a plain {@code CombineFn} without side inputs,
 * windows that do not merge, and a trigger that counts no more than one element (combined before
 * the shuffle, many values reach the trigger as one).
 */
final class CombineLifting {
  /** The GroupByKeys' outputs whose combine the GroupByKey did, for {@link #combined}. */
  private static final Map<PCollection<?>, Boolean> LIFTED =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Each pipeline's consumers of each collection, found once per pipeline. */
  private static final Map<Pipeline, Map<PCollection<?>, List<TransformHierarchy.Node>>> CONSUMERS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private CombineLifting() {}

  /** The combine a GroupByKey takes over, and what it needs of it. */
  record Combined<InputT, AccumT, OutputT>(
      Combine.CombineFn<InputT, AccumT, OutputT> fn,
      Coder<AccumT> accumulatorCoder,
      Coder<OutputT> outputCoder) {}

  /** The combine {@code transform} can take over in {@code context}, {@code null} for none. */
  static @Nullable Combined<?, ?, ?> of(GroupByKey<?, ?> transform, EvaluationContext context) {
    PCollection<?> input = (PCollection<?>) context.getInput(transform);
    PCollection<?> grouped = (PCollection<?>) context.getOutput(transform);
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    if (!windowing.getWindowFn().isNonMerging() || countsElements(windowing.getTrigger())) {
      return null;
    }
    List<TransformHierarchy.Node> consumers =
        consumersOf(context.getPipeline()).getOrDefault(grouped, List.of());
    if (consumers.size() != 1
        || !(consumers.get(0).getTransform() instanceof Combine.GroupedValues<?, ?, ?> combine)
        || !combine.getSideInputs().isEmpty()
        || !(combine.getFn() instanceof Combine.CombineFn<?, ?, ?>)) {
      return null;
    }
    PCollection<?> output = consumers.get(0).getOutputs().values().iterator().next();
    return combined(
        (Combine.CombineFn<?, ?, ?>) combine.getFn(),
        ((KvCoder<?, ?>) input.getCoder()).getValueCoder(),
        ((KvCoder<?, ?>) output.getCoder()).getValueCoder(),
        context);
  }

  /** Notes that {@code grouped} holds its consumer's combined values, not groups. */
  static void lifted(PCollection<?> grouped) {
    LIFTED.put(grouped, true);
  }

  /**
   * Whether {@code grouped} already holds what the {@code Combine.GroupedValues} reading it would
   * compute.
   */
  static boolean combined(PCollection<?> grouped) {
    return LIFTED.containsKey(grouped);
  }

  @SuppressWarnings("unchecked") // null where no accumulator coder can be had
  private static <InputT, AccumT, OutputT> @Nullable Combined<InputT, AccumT, OutputT> combined(
      Combine.CombineFn<?, ?, ?> fn,
      Coder<?> inputCoder,
      Coder<?> outputCoder,
      EvaluationContext context) {
    Combine.CombineFn<InputT, AccumT, OutputT> typed =
        (Combine.CombineFn<InputT, AccumT, OutputT>) fn;
    try {
      return new Combined<>(
          typed,
          typed.getAccumulatorCoder(
              context.getPipeline().getCoderRegistry(), (Coder<InputT>) inputCoder),
          (Coder<OutputT>) outputCoder);
    } catch (CannotProvideCoderException e) {
      return null; // without a coder for its accumulators, the combine runs after the grouping
    }
  }

  /** Whether firing depends on how many elements arrived beyond the first. */
  private static boolean countsElements(Trigger trigger) {
    if (trigger instanceof AfterPane && ((AfterPane) trigger).getElementCount() > 1) {
      return true;
    }
    for (Trigger sub : trigger.subTriggers()) {
      if (countsElements(sub)) {
        return true;
      }
    }
    return false;
  }

  private static Map<PCollection<?>, List<TransformHierarchy.Node>> consumersOf(Pipeline pipeline) {
    return CONSUMERS.computeIfAbsent(
        pipeline,
        p -> {
          Map<PCollection<?>, List<TransformHierarchy.Node>> consumers = new HashMap<>();
          p.traverseTopologically(
              new Pipeline.PipelineVisitor.Defaults() {
                @Override
                public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
                  if (node.getTransform() instanceof Combine.GroupedValues) {
                    // Translated as one step: its inputs are its own, not its parts'.
                    consume(node);
                    return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
                  }
                  return CompositeBehavior.ENTER_TRANSFORM;
                }

                @Override
                public void visitPrimitiveTransform(TransformHierarchy.Node node) {
                  consume(node);
                }

                private void consume(TransformHierarchy.Node node) {
                  for (PCollection<?> input : node.getInputs().values()) {
                    consumers.computeIfAbsent(input, unused -> new ArrayList<>()).add(node);
                  }
                }
              });
          return consumers;
        });
  }

  /**
   * Combines one partition of a batch's values per key and window before the shuffle, into one
   * accumulator each, stamped as the window's {@code TimestampCombiner} would combine their
   * timestamps. Keys are compared by their encoding's structural value, as Beam groups them.
   */
  static final class CombineBeforeShuffle<K, InputT, AccumT>
      implements FlatMapFunction<
          Iterator<WindowedValue<KV<K, InputT>>>, WindowedValue<KV<K, AccumT>>> {
    private static final long serialVersionUID = 1L;
    private final Coder<K> keyCoder;
    private final Combine.CombineFn<InputT, AccumT, ?> fn;
    private final TimestampCombiner timestamps;

    CombineBeforeShuffle(
        Coder<K> keyCoder, Combine.CombineFn<InputT, AccumT, ?> fn, TimestampCombiner timestamps) {
      this.keyCoder = keyCoder;
      this.fn = fn;
      this.timestamps = timestamps;
    }

    @Override
    public Iterator<WindowedValue<KV<K, AccumT>>> call(
        Iterator<WindowedValue<KV<K, InputT>>> values) {
      Map<List<Object>, Partial<K, AccumT>> partials = new LinkedHashMap<>();
      while (values.hasNext()) {
        WindowedValue<KV<K, InputT>> value = values.next();
        K key = value.getValue().getKey();
        Object structuralKey = keyCoder.structuralValue(key);
        for (BoundedWindow window : value.getWindows()) {
          Partial<K, AccumT> partial =
              partials.computeIfAbsent(
                  Arrays.asList(structuralKey, window),
                  unused ->
                      new Partial<>(key, window, fn.createAccumulator(), value.getTimestamp()));
          partial.accumulator = fn.addInput(partial.accumulator, value.getValue().getValue());
          partial.timestamp = timestamps.combine(partial.timestamp, value.getTimestamp());
        }
      }
      List<WindowedValue<KV<K, AccumT>>> combined = new ArrayList<>(partials.size());
      for (Partial<K, AccumT> partial : partials.values()) {
        combined.add(
            WindowedValues.of(
                KV.of(partial.key, fn.compact(partial.accumulator)),
                partial.timestamp,
                partial.window,
                PaneInfo.NO_FIRING));
      }
      return combined.iterator();
    }

    private static final class Partial<K, AccumT> {
      final K key;
      final BoundedWindow window;
      AccumT accumulator;
      Instant timestamp;

      Partial(K key, BoundedWindow window, AccumT accumulator, Instant timestamp) {
        this.key = key;
        this.window = window;
        this.accumulator = accumulator;
        this.timestamp = timestamp;
      }
    }
  }

  /**
   * The combine after the shuffle: its inputs are the accumulators combined before it, merged into
   * the key's accumulator for the window, which the state keeps.
   */
  static final class MergeAccumulators<AccumT, OutputT>
      extends Combine.CombineFn<AccumT, AccumT, OutputT> {
    private static final long serialVersionUID = 1L;
    private final Combine.CombineFn<?, AccumT, OutputT> fn;

    MergeAccumulators(Combine.CombineFn<?, AccumT, OutputT> fn) {
      this.fn = fn;
    }

    @Override
    public AccumT createAccumulator() {
      return fn.createAccumulator();
    }

    @Override
    public AccumT addInput(AccumT accumulator, AccumT input) {
      return fn.mergeAccumulators(Arrays.asList(accumulator, input));
    }

    @Override
    public AccumT mergeAccumulators(Iterable<AccumT> accumulators) {
      return fn.mergeAccumulators(accumulators);
    }

    @Override
    public AccumT compact(AccumT accumulator) {
      return fn.compact(accumulator);
    }

    @Override
    public OutputT extractOutput(AccumT accumulator) {
      return fn.extractOutput(accumulator);
    }
  }
}
