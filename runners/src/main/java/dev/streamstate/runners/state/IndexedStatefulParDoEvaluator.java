package dev.streamstate.runners.state;

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
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.NonMergingWindowFn;
import org.apache.beam.sdk.util.construction.ParDoTranslation;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.beam.sdk.values.WindowedValues;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;

/**
 * Translates a stateful ParDo (state, timers in either time domain, or both, in any non-merging
 * windows) in streaming mode onto a {@link KeyedStateDStream}, so each micro-batch costs its
 * elements plus the keys whose timers are due, where Beam's own Spark translation visits every key
 * it has ever seen and refuses event-time timers.
 *
 * <p>Event-time timers fire at the stage's own input watermark, which follows the output watermarks
 * of the stages before it, held back by their pending timers and buffered windows (see {@link
 * KeyedStateDStream}); this stage's output watermark is in turn held back by its pending timers'
 * output timestamps, so what a timer outputs is on time downstream. Refused at translation, each
 * with a message naming the DoFn: splittable DoFns and merging windows.
 */
public final class IndexedStatefulParDoEvaluator<K, V, OutputT>
    implements TransformEvaluator<ParDo.MultiOutput<KV<K, V>, OutputT>> {
  private static final long serialVersionUID = 1L;

  /** Whether this translation takes {@code transform}: a stateful ParDo. */
  static boolean takes(ParDo.MultiOutput<?, ?> transform, EvaluationContext context) {
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
    checkSupported(doFn, input.getWindowingStrategy());

    @SuppressWarnings("unchecked")
    UnboundedDataset<KV<K, V>> dataset =
        (UnboundedDataset<KV<K, V>>) context.borrowDataset(transform);
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
    Map<TupleTag<?>, Coder<WindowedValue<?>>> windowedCoders =
        TranslationUtils.getTupleTagCoders(context.getOutputs(transform));
    step.windowedOutputCoders = windowedCoders;
    step.sideInputs =
        TranslationUtils.getSideInputs(
            transform.getSideInputs().values(), context.getSparkContext(), context.getPViews());
    step.streamingSideInputs = context.isStreamingSideInput();
    step.schemaInformation = ParDoTranslation.getSchemaInformation(context.getCurrentTransform());
    step.sideInputMapping = ParDoTranslation.getSideInputMapping(context.getCurrentTransform());
    step.metrics = MetricsAccumulator.getInstance();
    step.collectsWindows =
        !(windowing.getWindowFn() instanceof GlobalWindows)
            || DoFnSignatures.signatureForDoFn(doFn).onWindowExpiration() != null;

    JavaDStream<WindowedValue<KV<K, V>>> elements = dataset.getDStream();
    step.bucketMillis = elements.dstream().slideDuration().milliseconds();
    KeyedStateDStream states =
        KeyedStateDStream.of(
            context, elements, step.keyCoder, step.windowedValueCoder, new StatefulBatch<>(step));

    JavaPairDStream<TupleTag<?>, WindowedValue<?>> all =
        states.asJava().flatMapToPair(record -> record.outputs().iterator());
    putOutputs(context, transform, all, dataset.getStreamSources(), windowedCoders);
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
          (JavaDStream<WindowedValue<Object>>)
              (JavaDStream<?>) TranslationUtils.dStreamValues(tagged);
      context.putDataset(output.getValue(), new UnboundedDataset<>(values, sources));
    }
  }

  private static void checkSupported(DoFn<?, ?> doFn, WindowingStrategy<?, ?> windowing) {
    String name = doFn.getClass().getName();
    if (DoFnSignatures.signatureForDoFn(doFn).processElement().isSplittable()) {
      throw new UnsupportedOperationException(
          name + ": splittable DoFns are not supported by the Spark runner in streaming mode");
    }
    if (!(windowing.getWindowFn() instanceof NonMergingWindowFn)) {
      throw new UnsupportedOperationException(
          name
              + ": a stateful DoFn needs windows that do not merge, not "
              + windowing.getWindowFn()
              + " (state is kept per key and window; apply the DoFn before the sessions)");
    }
  }

  @Override
  public String toNativeString() {
    return "keyedState(<stateful DoFn>)";
  }
}
