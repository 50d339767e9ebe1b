package dev.streamstate.runners.state;

import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.TransformEvaluator;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;

/**
 * Stands in the Spark runner's evaluator table for one kind of transform: the transforms our
 * translation takes, in pipelines run by one of our runners, go to our evaluator; everything else,
 * including every transform of a pipeline run by the plain {@code SparkRunner} in the same JVM,
 * goes to the runner's own evaluator, unchanged.
 */
final class TranslationSelector<T extends PTransform<?, ?>> implements TransformEvaluator<T> {
  private static final long serialVersionUID = 1L;

  private final TransformEvaluator<T> original;
  private final TransformEvaluator<T> ours;
  private final BiPredicate<T, EvaluationContext> takes;
  private final Predicate<PipelineOptions> ourRunner;

  TranslationSelector(
      TransformEvaluator<T> original,
      TransformEvaluator<T> ours,
      BiPredicate<T, EvaluationContext> takes,
      Predicate<PipelineOptions> ourRunner) {
    this.original = original;
    this.ours = ours;
    this.takes = takes;
    this.ourRunner = ourRunner;
  }

  @Override
  public void evaluate(T transform, EvaluationContext context) {
    if (ourRunner.test(context.getOptions()) && takes.test(transform, context)) {
      ours.evaluate(transform, context);
    } else {
      original.evaluate(transform, context);
    }
  }

  @Override
  public String toNativeString() {
    return original.toNativeString();
  }
}
