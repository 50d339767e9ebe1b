package dev.streamstate.conformance;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.PTransformOverride;
import org.apache.beam.sdk.runners.PTransformOverrideFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformMatchers;
import org.apache.beam.sdk.util.construction.ReplacementOutputs;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.collect.Iterables;

/**
 * Puts a bounded test pipeline on the streaming path: every {@link Create.Values} becomes an
 * unbounded read of the same elements with the same coder ({@link ElementsSource}).
 *
 * <p>Why: Beam's Spark runner runs a pipeline in streaming mode only when it has an unbounded
 * input, and 2.70's {@code TestSparkRunner} has no working "force streaming" option, so in Beam's
 * own setup only the TestStream tests ever reach the streaming translations. Every other
 * ValidatesRunner test builds its input with {@code Create}; replacing it is enough to run the
 * test's windows, combines, GroupByKeys and stateful ParDos on the streaming translations.
 */
final class CreateAsStream {
  private CreateAsStream() {}

  /**
   * Replaces every {@code Create.Values} of {@code pipeline}, and marks every collection computed
   * from one unbounded, as it would have been had the test read a stream.
   */
  static void apply(Pipeline pipeline) {
    pipeline.replaceAll(
        List.of(
            PTransformOverride.of(
                PTransformMatchers.classEqualTo(Create.Values.class), new Factory<>())));
    // A replacement keeps the original output collections, which were made bounded; the runner
    // chooses its translations (and streaming at all) by the collections' boundedness.
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            if (value instanceof PCollection<?> collection
                && (producer.getTransform() instanceof Read.Unbounded<?>
                    || producer.getInputs().values().stream()
                        .anyMatch(input -> input.isBounded() == PCollection.IsBounded.UNBOUNDED))) {
              collection.setIsBoundedInternal(PCollection.IsBounded.UNBOUNDED);
            }
          }
        });
  }

  private static final class Factory<T>
      implements PTransformOverrideFactory<PBegin, PCollection<T>, Create.Values<T>> {

    @Override
    public PTransformReplacement<PBegin, PCollection<T>> getReplacementTransform(
        AppliedPTransform<PBegin, PCollection<T>, Create.Values<T>> transform) {
      @SuppressWarnings("unchecked")
      PCollection<T> output =
          (PCollection<T>) Iterables.getOnlyElement(transform.getOutputs().values());
      ElementsSource<T> source =
          ElementsSource.of(transform.getTransform().getElements(), output.getCoder());
      PTransform<PBegin, PCollection<T>> read = Read.from(source);
      return PTransformReplacement.of(transform.getPipeline().begin(), read);
    }

    @Override
    public Map<PCollection<?>, ReplacementOutput> mapOutputs(
        Map<TupleTag<?>, PCollection<?>> outputs, PCollection<T> newOutput) {
      return ReplacementOutputs.singleton(outputs, newOutput);
    }
  }
}
