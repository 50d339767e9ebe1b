package dev.streamstate.runners.state;

import dev.streamstate.runners.kafka.UnboundedReadEvaluator;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.apache.beam.runners.spark.translation.EvaluationContext;
import org.apache.beam.runners.spark.translation.TransformEvaluator;
import org.apache.beam.runners.spark.translation.streaming.StreamingTransformTranslator;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.util.construction.PTransformTranslation;

/**
 * Puts our translations into the Spark runner's streaming evaluator table: a {@link
 * TranslationSelector} for ParDo that takes stateful ParDos ({@link
 * IndexedStatefulParDoEvaluator}), one for GroupByKey ({@link IndexedGroupByKeyEvaluator}), one for
 * the combine a GroupByKey did itself ({@link CombinedValuesEvaluator}) and one for unbounded reads
 * ({@link UnboundedReadEvaluator}: Kafka by offset ranges, GenerateSequence by the numbers due).
 *
 * <p>Why reflection: the runner builds its streaming translator inside its own final classes
 * ({@code SparkRunner} and its streaming-context factory hard-code the translator), and keeps the
 * evaluators in a private static map keyed by URN. The alternative, a copy of the runner's whole
 * streaming run path with our translator, would fork far more of the runner than these two entries;
 * here everything but the stateful ParDos, GroupByKeys and reads of our own runners stays the
 * runner's. The table is process-wide, so the selectors hand every other pipeline back to the
 * original evaluators. If a Beam upgrade moves the table, this fails at once with one line saying
 * so, before any pipeline is translated.
 */
public final class EvaluatorTable {
  private static final String TABLE = "EVALUATORS";

  private EvaluatorTable() {}

  /**
   * Routes stateful ParDos, GroupByKeys and unbounded reads of pipelines whose options satisfy
   * {@code ours} to our translation, {@code resumable} telling those that resume from a checkpoint
   * of their own; idempotent, and the first caller's predicates stay.
   */
  public static synchronized void install(
      Predicate<PipelineOptions> ours, Predicate<PipelineOptions> resumable) {
    Map<String, TransformEvaluator<?>> table = table();
    TransformEvaluator<?> read =
        evaluatorOf(table, PTransformTranslation.READ_TRANSFORM_URN, "unbounded read");
    TransformEvaluator<?> combineGrouped =
        evaluatorOf(
            table,
            PTransformTranslation.COMBINE_GROUPED_VALUES_TRANSFORM_URN,
            "combine of grouped values");
    TransformEvaluator<?> parDo =
        evaluatorOf(table, PTransformTranslation.PAR_DO_TRANSFORM_URN, "ParDo");
    TransformEvaluator<?> groupByKey =
        evaluatorOf(table, PTransformTranslation.GROUP_BY_KEY_TRANSFORM_URN, "GroupByKey");
    if (!(parDo instanceof TranslationSelector)) {
      table.put(
          PTransformTranslation.PAR_DO_TRANSFORM_URN,
          selector(
              parDo,
              new IndexedStatefulParDoEvaluator<>(),
              IndexedStatefulParDoEvaluator::takes,
              ours));
    }
    if (!(read instanceof TranslationSelector)) {
      table.put(
          PTransformTranslation.READ_TRANSFORM_URN,
          selector(read, unboundedRead(read, resumable), (transform, context) -> true, ours));
    }
    if (!(combineGrouped instanceof TranslationSelector)) {
      table.put(
          PTransformTranslation.COMBINE_GROUPED_VALUES_TRANSFORM_URN,
          selector(
              combineGrouped,
              new CombinedValuesEvaluator<>(),
              CombinedValuesEvaluator::takes,
              ours));
    }
    if (!(groupByKey instanceof TranslationSelector)) {
      table.put(
          PTransformTranslation.GROUP_BY_KEY_TRANSFORM_URN,
          selector(
              groupByKey, new IndexedGroupByKeyEvaluator<>(), (transform, context) -> true, ours));
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T extends PTransform<?, ?>> TranslationSelector<T> selector(
      TransformEvaluator<?> original,
      TransformEvaluator<? extends T> ours,
      BiPredicate<? super T, EvaluationContext> takes,
      Predicate<PipelineOptions> ourRunner) {
    return new TranslationSelector(original, ours, takes, ourRunner);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static UnboundedReadEvaluator<?> unboundedRead(
      TransformEvaluator<?> runners, Predicate<PipelineOptions> resumable) {
    return new UnboundedReadEvaluator(runners, resumable);
  }

  private static TransformEvaluator<?> evaluatorOf(
      Map<String, TransformEvaluator<?>> table, String urn, String kind) {
    TransformEvaluator<?> evaluator = table.get(urn);
    if (evaluator == null) {
      throw new IllegalStateException(notWhereExpected("has no " + kind + " evaluator"));
    }
    return evaluator;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, TransformEvaluator<?>> table() {
    Object table;
    try {
      Field field = StreamingTransformTranslator.class.getDeclaredField(TABLE);
      field.setAccessible(true);
      table = Modifier.isStatic(field.getModifiers()) ? field.get(null) : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(notWhereExpected("cannot be read (" + e + ")"), e);
    }
    if (!(table instanceof Map)) {
      throw new IllegalStateException(notWhereExpected("is not a static map"));
    }
    return (Map<String, TransformEvaluator<?>>) table;
  }

  private static String notWhereExpected(String what) {
    return "StreamStateSparkRunner needs Beam 2.70's Spark runner: its streaming evaluator table "
        + StreamingTransformTranslator.class.getName()
        + "."
        + TABLE
        + " "
        + what
        + "; run with --runner=SparkRunner or update dev.streamstate.runners.state";
  }
}
