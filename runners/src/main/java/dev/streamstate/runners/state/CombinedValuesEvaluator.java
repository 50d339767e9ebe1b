package dev.streamstate.runners.state;

import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.TransformEvaluator;
import org.apache.beam.runners.spark.translation.streaming.UnboundedDataset;
import org.apache.beam.sdk.transforms.Combine;

/**
 * A {@code Combine.GroupedValues} whose GroupByKey already combined its values ({@link
 * CombineLifting}): its output is that GroupByKey's output.
 */
final class CombinedValuesEvaluator<K, InputT, OutputT>
    implements TransformEvaluator<Combine.GroupedValues<K, InputT, OutputT>> {
  private static final long serialVersionUID = 1L;

  /** Whether {@code transform}'s GroupByKey did its combine. */
  static boolean takes(Combine.GroupedValues<?, ?, ?> transform, EvaluationContext context) {
    return CombineLifting.combined(context.getInput(transform));
  }

  @Override
  public void evaluate(
      Combine.GroupedValues<K, InputT, OutputT> transform, EvaluationContext context) {
    UnboundedDataset<?> combined = (UnboundedDataset<?>) context.borrowDataset(transform);
    context.putDataset(
        transform, new UnboundedDataset<>(combined.getDStream(), combined.getStreamSources()));
  }

  @Override
  public String toNativeString() {
    return "<combined by its GroupByKey>";
  }
}
