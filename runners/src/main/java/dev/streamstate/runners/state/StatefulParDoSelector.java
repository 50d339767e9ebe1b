package dev.streamstate.runners.state;

import java.util.function.Predicate;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.TransformEvaluator;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * Stands in the Spark runner's evaluator table for ParDo: a stateful ParDo of a pipeline run by
 * one of our runners goes to {@link IndexedStatefulParDoEvaluator}; everything else, including
 * every ParDo of a pipeline run by the plain {@code SparkRunner} in the same JVM, goes to the
 * runner's own evaluator, unchanged.
 */
final class StatefulParDoSelector<InputT, OutputT>
    implements TransformEvaluator<ParDo.MultiOutput<InputT, OutputT>> {
  private static final long serialVersionUID = 1L;

  private final TransformEvaluator<ParDo.MultiOutput<InputT, OutputT>> original;
  private final Predicate<PipelineOptions> ours;

  StatefulParDoSelector(
      TransformEvaluator<ParDo.MultiOutput<InputT, OutputT>> original,
      Predicate<PipelineOptions> ours) {
    this.original = original;
    this.ours = ours;
  }

  TransformEvaluator<ParDo.MultiOutput<InputT, OutputT>> original() {
    return original;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void evaluate(ParDo.MultiOutput<InputT, OutputT> transform, EvaluationContext context) {
    if (ours.test(context.getOptions()) && IndexedStatefulParDoEvaluator.isStateful(transform)) {
      new IndexedStatefulParDoEvaluator().evaluate((ParDo.MultiOutput) transform, context);
    } else {
      original.evaluate(transform, context);
    }
  }

  @Override
  public String toNativeString() {
    return original.toNativeString();
  }
}
