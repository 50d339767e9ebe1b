package dev.streamstate.benchmarks;

import dev.streamstate.transforms.words.WordCounts;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * How long the {@code transforms} module's tests take — TestStream scenarios checked with PAssert —
 * run in this JVM through the JUnit Platform, as surefire runs them in its fork: once the
 * DirectRunner tests (every test, and the DirectRunner half of each runner-parity test), once the
 * Spark runner half of the parity tests (TestSparkRunner, forced streaming), for comparison; {@link
 * TestHalfCondition} skips the other half. The wall time is the whole {@code execute} call:
 * discovery, every pipeline, every assertion.
 *
 * <p>The tests are the module's compiled test classes, read from its build directory ({@code
 * test-compile} makes them) and defined beside the module's own classes, in their loader and
 * package: a test may use package-private members, and Beam decodes elements with the classes it
 * finds there. Everything else they use is on this module's classpath already.
 */
final class TestSuiteSpeed {
  /** The package of the module's classes and tests, with its subpackages. */
  private static final String MODULE_PACKAGE = "dev.streamstate.transforms";

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

  /**
   * Runs the tests of classes matching {@code classPattern} (a regex) for each of {@code halves}.
   */
  static Results.Table measure(Path testClasses, String classPattern, List<Half> halves)
      throws IOException {
    defineTests(testClasses);
    List<Results.Row> rows = new ArrayList<>();
    for (Half half : halves) {
      rows.add(run(testClasses, classPattern, half));
    }
    long tests = rows.stream().mapToLong(Results.Row::size).sum();
    String perHalf =
        rows.stream()
            .map(row -> row.contender() + ": " + row.size() + " tests")
            .collect(java.util.stream.Collectors.joining("; "));
    return new Results.Table(
        "test-speed",
        "Test speed: the transforms module's TestStream suite",
        "tests",
        "Wall time in ms of each half of the suite ("
            + perHalf
            + "), run in-process through the JUnit"
            + " Platform; a row's size is the tests of both halves.",
        false,
        rows.stream().map(row -> withSize(row, tests)).toList());
  }

  private static Results.Row withSize(Results.Row row, long tests) {
    return new Results.Row(
        row.workload(),
        tests,
        row.contender(),
        row.ours(),
        row.samples(),
        row.medianMillis(),
        row.p95Millis(),
        row.meanMillis(),
        row.heldBytes(),
        row.check());
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
            // A test aborted by its assumption is one the runner cannot run (Beam's SparkRunner
            // refuses event-time timers in streaming): skipped with its reason, as in the build.
            : summary.getTestsFailedCount() > 0
                ? summary.getTestsFailedCount()
                    + " of "
                    + tests
                    + " tests failed: "
                    + summary.getFailures().stream()
                        .map(
                            failure ->
                                failure.getTestIdentifier().getLegacyReportingName()
                                    + " ("
                                    + failure.getException()
                                    + ")")
                        .collect(java.util.stream.Collectors.joining("; "))
                : Results.OK;
    return new Results.Row(
        "test-speed",
        tests,
        half.contender,
        half.ours,
        tests == 0 ? 0 : 1,
        millis,
        millis,
        millis,
        -1,
        check);
  }

  /**
   * Defines every test class of the module's packages found under {@code testClasses} in the loader
   * of its main classes, each in its own package (once per JVM), retrying those whose supertypes
   * come later.
   */
  private static void defineTests(Path testClasses) throws IOException {
    Path moduleDir = testClasses.resolve(MODULE_PACKAGE.replace('.', '/'));
    if (!Files.isDirectory(moduleDir)) {
      return; // nothing compiled: the run finds no test and says so
    }
    List<Path> pending;
    try (Stream<Path> files = Files.walk(moduleDir)) {
      pending = new ArrayList<>(files.filter(file -> file.toString().endsWith(".class")).toList());
    }
    Map<Path, MethodHandles.Lookup> lookups = new HashMap<>();
    while (!pending.isEmpty()) {
      List<Path> later = new ArrayList<>();
      for (Path file : pending) {
        String name =
            testClasses.relativize(file).toString().replace(".class", "").replace('/', '.');
        try {
          Class.forName(name, false, WordCounts.class.getClassLoader());
        } catch (ClassNotFoundException notYet) {
          try {
            MethodHandles.Lookup lookup = lookups.get(file.getParent());
            if (lookup == null) {
              lookup = lookupIn(name.substring(0, name.lastIndexOf('.')));
              lookups.put(file.getParent(), lookup);
            }
            lookup.defineClass(Files.readAllBytes(file));
          } catch (NoClassDefFoundError supertypeNotYet) {
            later.add(file);
          } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define " + name, e);
          }
        }
      }
      if (later.size() == pending.size()) {
        throw new IllegalStateException("cannot define the test classes " + later);
      }
      pending = later;
    }
  }

  /**
   * A lookup with private access in {@code packageName}, from one of the module's own classes
   * there: a class can only be defined in the package of the lookup that defines it.
   */
  private static MethodHandles.Lookup lookupIn(String packageName) throws IOException {
    Path location;
    try {
      location =
          Path.of(WordCounts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + WordCounts.class, e);
    }
    String packagePath = packageName.replace('.', '/');
    Optional<String> anchor;
    if (Files.isDirectory(location)) {
      anchor = firstClassIn(location.resolve(packagePath));
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        anchor = firstClassIn(jar.getPath(packagePath));
      }
    }
    try {
      Class<?> main =
          Class.forName(
              packageName
                  + "."
                  + anchor.orElseThrow(
                      () -> new IllegalStateException("no class of the module in " + packageName)),
              false,
              WordCounts.class.getClassLoader());
      return MethodHandles.privateLookupIn(main, MethodHandles.lookup());
    } catch (ClassNotFoundException | IllegalAccessException e) {
      throw new IllegalStateException("cannot define classes in " + packageName, e);
    }
  }

  /** The simple name of a class file in {@code dir}, if it holds any. */
  private static Optional<String> firstClassIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(file -> file.endsWith(".class"))
          .map(file -> file.substring(0, file.length() - ".class".length()))
          .findFirst();
    }
  }
}
