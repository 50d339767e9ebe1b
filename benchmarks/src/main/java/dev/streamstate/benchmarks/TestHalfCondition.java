package dev.streamstate.benchmarks;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs one half of a test suite: the tests on the Spark runner (the invocations of a runner-parity
 * test whose display name shows {@code SPARK}) or all the others. A parity test's invocations are
 * made only while it runs, after discovery, so no discovery filter can tell them apart; a condition
 * judges each one. {@link TestSuiteSpeed} turns it on for its own runs only (extension
 * auto-detection and {@link #HALF}); elsewhere it is never loaded.
 */
public final class TestHalfCondition implements ExecutionCondition {
  /**
   * The configuration parameter naming the half to run: {@code SPARK_RUNNER} or {@code
   * DIRECT_RUNNER}.
   */
  static final String HALF = "streamstate.benchmarks.testHalf";

  /**
   * How JUnit names a parity test's invocation on the Spark runner: the harness's enum constant.
   */
  private static final String SPARK = "SPARK";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String id = context.getUniqueId();
    String kind = id.substring(id.lastIndexOf("/[") + 2, id.lastIndexOf(':'));
    boolean test = kind.equals("method") || kind.endsWith("-invocation");
    if (!test) {
      return ConditionEvaluationResult.enabled("a container");
    }
    boolean wantSpark =
        context.getConfigurationParameter(HALF).map("SPARK_RUNNER"::equals).orElse(false);
    boolean onSpark = context.getDisplayName().contains(SPARK);
    return onSpark == wantSpark
        ? ConditionEvaluationResult.enabled("in this half")
        : ConditionEvaluationResult.disabled("in the other half");
  }
}
