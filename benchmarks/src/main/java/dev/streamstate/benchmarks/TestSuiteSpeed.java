package dev.streamstate.benchmarks;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * How long the {@code transforms} module's tests take — TestStream scenarios checked with PAssert
 * — run in this JVM through the JUnit Platform, as surefire runs them in its fork: once the
 * DirectRunner tests (every test, and the DirectRunner half of each runner-parity test), once the
 * Spark runner half of the parity tests (TestSparkRunner, forced streaming), for comparison; {@link
 * TestHalfCondition} skips the other half. The
 * wall time is the whole {@code execute} call: discovery, every pipeline, every assertion.
 *
 * <p>The tests are the module's compiled test classes, read from its build directory ({@code
 * test-compile} makes them); everything they use is on this module's classpath already.
 */
final class TestSuiteSpeed {
  private TestSuiteSpeed() {}

  /** Which half of the suite a run executes. */
  enum Half {
    DIRECT_RUNNER("DirectRunner", true),
    SPARK_RUNNER("Spark runner (TestSparkRunner)", false);

    final String contender;
    final boolean ours;

    Half(String contender, boolean ours) {
      this.contender = contender;
      this.ours = ours;
    }

  }

  /** Runs the tests of classes matching {@code classPattern} (a regex) for each of {@code halves}. */
  static Results.Table measure(Path testClasses, String classPattern, List<Half> halves) throws IOException {
    List<Results.Row> rows = new ArrayList<>();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader tests = new URLClassLoader(new URL[] {testClasses.toUri().toURL()}, previous)) {
      thread.setContextClassLoader(tests);
      for (Half half : halves) {
        rows.add(run(testClasses, classPattern, half));
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
    long tests = rows.stream().mapToLong(Results.Row::size).sum();
    String perHalf =
        rows.stream().map(row -> row.contender() + ": " + row.size() + " tests").collect(java.util.stream.Collectors.joining("; "));
    return new Results.Table(
        "test-speed",
        "Test speed: the transforms module's TestStream suite",
        "tests",
        "Wall time in ms of each half of the suite (" + perHalf + "), run in-process through the JUnit"
            + " Platform; a row's size is the tests of both halves.",
        false,
        rows.stream().map(row -> withSize(row, tests)).toList());
  }

  private static Results.Row withSize(Results.Row row, long tests) {
    return new Results.Row(row.workload(), tests, row.contender(), row.ours(), row.samples(), row.medianMillis(), row.p95Millis(), row.meanMillis(), row.check());
  }

  private static Results.Row run(Path testClasses, String classPattern, Half half) {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(DiscoverySelectors.selectClasspathRoots(Set.of(testClasses)))
            .filters(ClassNameFilter.includeClassNamePatterns(classPattern))
            .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
            .configurationParameter(TestHalfCondition.HALF, half.name())
            .build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    long started = System.nanoTime();
    launcher.execute(request, listener);
    long millis = (System.nanoTime() - started) / 1_000_000;
    TestExecutionSummary summary = listener.getSummary();
    long tests = summary.getTestsSucceededCount() + summary.getTestsFailedCount();
    String check =
        tests == 0
            ? "no test found in " + testClasses + " (built by test-compile)"
            : summary.getTestsFailedCount() > 0 || summary.getTestsAbortedCount() > 0
                ? summary.getTestsFailedCount() + " of " + tests + " tests failed, " + summary.getTestsAbortedCount() + " aborted"
                : Results.OK;
    return new Results.Row("test-speed", tests, half.contender, half.ours, tests == 0 ? 0 : 1, millis, millis, millis, check);
  }
}
