package dev.streamstate.runners.state;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.spark.metrics.MetricsAccumulator;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.TransformEvaluator;
import org.apache.beam.runners.spark.translation.TranslationUtils;
import org.apache.beam.runners.spark.translation.streaming.UnboundedDataset;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.construction.ParDoTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import scala.Tuple2;

/**
 * Translates a stateful ParDo (state, processing-time timers, or both) in streaming mode onto a
 * {@link KeyedStateDStream}, so each micro-batch costs its elements plus the keys whose timers are
 * due, where Beam's own Spark translation visits every key it has ever seen.
 *
 * <p>Takes stateful ParDos in the global window only ({@link #takes}); one in other windows, whose
 * state Beam collects with an event-time timer, stays the runner's own. Refused, each with a
 * message naming the DoFn: event-time timers. The Spark runner has one
 * watermark per source, advanced after a batch completes; a stage has no watermark of its own and
 * nothing holds the watermark back for a timer's output. An event-time timer fired at that
 * watermark would emit outputs that the next stage, reading the same watermark in the same batch,
 * already treats as late, so the timers would fire, but their results would not be Beam's.
 * {@code @RequiresTimeSortedInput} needs the same watermark and is refused too.
 */
public final class IndexedStatefulParDoEvaluator<K, V, OutputT>
    implements TransformEvaluator<ParDo.MultiOutput<KV<K, V>, OutputT>> {
  private static final long serialVersionUID = 1L;

  /**
   * Whether this translation takes {@code transform}: a stateful ParDo in the global window. One in
   * other windows goes to the runner's own translation, which runs it on {@code mapWithState}
   * (state per key and window, never collected), until this one has event-time timers to collect
   * a window's state when it expires.
   */
  static boolean takes(ParDo.MultiOutput<?, ?> transform, EvaluationContext context) {
    return isStateful(transform)
        && context.getInput(transform).getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
  }

  /** Whether {@code transform} is a stateful ParDo. */
  private static boolean isStateful(ParDo.MultiOutput<?, ?> transform) {
    DoFnSignature signature = DoFnSignatures.signatureForDoFn(transform.getFn());
    return !signature.stateDeclarations().isEmpty()
        || !signature.timerDeclarations().isEmpty()
        || !signature.timerFamilyDeclarations().isEmpty();
  }

  @Override
  public void evaluate(ParDo.MultiOutput<KV<K, V>, OutputT> transform, EvaluationContext context) {
    DoFn<KV<K, V>, OutputT> doFn = transform.getFn();
    @SuppressWarnings("unchecked")
    PCollection<KV<K, V>> input = (PCollection<KV<K, V>>) context.getInput(transform);
    checkSupported(doFn);

    @SuppressWarnings("unchecked")
    UnboundedDataset<KV<K, V>> dataset = (UnboundedDataset<KV<K, V>>) context.borrowDataset(transform);
    KvCoder<K, V> inputCoder = (KvCoder<K, V>) input.getCoder();
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    Map<TupleTag<?>, Coder<?>> outputCoders = context.getOutputCoders();

    StatefulBatch.Step<K, V, OutputT> step = new StatefulBatch.Step<>();
    step.doFn = doFn;
    step.stepName = context.getCurrentTransform().getFullName();
    step.options = context.getSerializableOptions();
    step.keyCoder = inputCoder.getKeyCoder();
    step.inputCoder = inputCoder;
    step.windowCoder = windowing.getWindowFn().windowCoder();
    step.windowedValueCoder =
        WindowedValues.getFullCoder(inputCoder.getValueCoder(), step.windowCoder);
    step.windowingStrategy = windowing;
    step.mainOutputTag = transform.getMainOutputTag();
    step.additionalOutputTags = new ArrayList<>(transform.getAdditionalOutputTags().getAll());
    step.outputCoders = outputCoders;
    step.sideInputs =
        TranslationUtils.getSideInputs(
            transform.getSideInputs().values(), context.getSparkContext(), context.getPViews());
    step.streamingSideInputs = context.isStreamingSideInput();
    step.schemaInformation = ParDoTranslation.getSchemaInformation(context.getCurrentTransform());
    step.sideInputMapping = ParDoTranslation.getSideInputMapping(context.getCurrentTransform());
    step.metrics = MetricsAccumulator.getInstance();

    JavaDStream<WindowedValue<KV<K, V>>> elements = dataset.getDStream();
    step.bucketMillis = elements.dstream().slideDuration().milliseconds();
    KeyedStateDStream states =
        KeyedStateDStream.of(
            context, elements, step.keyCoder, step.windowedValueCoder, new StatefulBatch<>(step), null);

    Map<TupleTag<?>, Coder<WindowedValue<?>>> windowedCoders =
        TranslationUtils.getTupleTagCoders(context.getOutputs(transform));
    JavaPairDStream<TupleTag<?>, WindowedValue<?>> all =
        states
            .asJava()
            .flatMapToPair(record -> decodeOutputs(record, windowedCoders));
    putOutputs(context, transform, all, dataset.getStreamSources(), windowedCoders);
  }

  private static java.util.Iterator<Tuple2<TupleTag<?>, WindowedValue<?>>> decodeOutputs(
      PartitionRecord record, Map<TupleTag<?>, Coder<WindowedValue<?>>> coders) throws Exception {
    List<Tuple2<TupleTag<?>, WindowedValue<?>>> decoded = new ArrayList<>(record.outputs().size());
    for (Tuple2<TupleTag<?>, byte[]> output : record.outputs()) {
      decoded.add(
          new Tuple2<>(
              output._1(), CoderUtils.decodeFromByteArray(coders.get(output._1()), output._2())));
    }
    return decoded.iterator();
  }

  private static void putOutputs(
      EvaluationContext context,
      ParDo.MultiOutput<?, ?> transform,
      JavaPairDStream<TupleTag<?>, WindowedValue<?>> all,
      List<Integer> sources,
      Map<TupleTag<?>, Coder<WindowedValue<?>>> windowedCoders) {
    Map<TupleTag<?>, PCollection<?>> outputs = context.getOutputs(transform);
    JavaPairDStream<TupleTag<?>, WindowedValue<?>> shared = all;
    if (outputs.size() > 1) {
      // Computed once per batch for all outputs; kept encoded, as the runner's own ParDo does.
      shared =
          all.mapToPair(TranslationUtils.getTupleTagEncodeFunction(windowedCoders))
              .cache()
              .mapToPair(TranslationUtils.getTupleTagDecodeFunction(windowedCoders));
    }
    for (Map.Entry<TupleTag<?>, PCollection<?>> output : outputs.entrySet()) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      JavaPairDStream<TupleTag<?>, WindowedValue<?>> tagged =
          outputs.size() > 1
              ? shared.filter(new TranslationUtils.TupleTagFilter(output.getKey()))
              : shared;
      @SuppressWarnings("unchecked")
      JavaDStream<WindowedValue<Object>> values =
          (JavaDStream<WindowedValue<Object>>) (JavaDStream<?>) TranslationUtils.dStreamValues(tagged);
      context.putDataset(output.getValue(), new UnboundedDataset<>(values, sources));
    }
  }

  private static void checkSupported(DoFn<?, ?> doFn) {
    String name = doFn.getClass().getName();
    DoFnSignature signature = DoFnSignatures.signatureForDoFn(doFn);
    if (signature.processElement().isSplittable()) {
      throw new UnsupportedOperationException(
          name + ": splittable DoFns are not supported by the Spark runner in streaming mode");
    }
    if (signature.onWindowExpiration() != null
        || signature.processElement().requiresTimeSortedInput()) {
      throw new UnsupportedOperationException(
          name
              + ": @OnWindowExpiration and @RequiresTimeSortedInput need a watermark per stage,"
              + " which the Spark runner in streaming mode does not have");
    }
    List<Field> timerFields = new ArrayList<>();
    signature.timerDeclarations().values().forEach(timer -> timerFields.add(timer.field()));
    signature.timerFamilyDeclarations().values().forEach(family -> timerFields.add(family.field()));
    for (Field field : timerFields) {
      if (timeDomainOf(doFn, field) == TimeDomain.EVENT_TIME) {
        throw new UnsupportedOperationException(
            name
                + ": event-time timer "
                + field.getName()
                + " is not supported by the Spark runner in streaming mode (it has no watermark"
                + " per stage); use a processing-time timer");
      }
    }
  }

  private static TimeDomain timeDomainOf(DoFn<?, ?> doFn, Field field) {
    try {
      field.setAccessible(true);
      return ((TimerSpec) field.get(doFn)).getTimeDomain();
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read timer " + field + " of " + doFn, e);
    }
  }

  @Override
  public String toNativeString() {
    return "keyedState(<stateful DoFn>)";
  }
}
