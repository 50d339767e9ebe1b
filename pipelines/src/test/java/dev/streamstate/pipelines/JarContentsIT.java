package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.pipelines.cli.StreamState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the production jars hold, after {@code package}: the project's classes and the libraries
 * they run on; no JUnit, Hamcrest or test aid, no log configuration (a jar's own would override the
 * logging of any cluster it is shipped to), and for the all-in-one jar a log4j that can read the
 * configuration beside it. The sizes are printed for the record.
 */
class JarContentsIT {
  private static final List<String> NOT_IN_A_PRODUCTION_JAR =
      List.of(
          "org/junit/", "junit/", "org/hamcrest/", "org/opentest4j/", "dev/streamstate/testing/");
  private static final List<String> LOG_CONFIGS =
      List.of(
          "log4j2.properties",
          "log4j2.xml",
          "log4j2.json",
          "log4j2.yaml",
          "log4j2-test.properties",
          "log4j2-test.xml",
          "log4j.properties");

  @ParameterizedTest
  @ValueSource(strings = {"streamstate.jar", "streamstate-cluster.jar"})
  void holdsNoTestCodeAndNoLogConfiguration(String name) throws IOException {
    Path jar = Path.of("target", name);
    assertTrue(Files.isRegularFile(jar), jar + " is missing: build it with mvn package");
    List<String> strays = new ArrayList<>();
    try (JarFile contents = new JarFile(jar.toFile())) {
      contents.stream()
          .map(ZipEntry::getName)
          .filter(
              entry ->
                  NOT_IN_A_PRODUCTION_JAR.stream().anyMatch(entry::startsWith)
                      || LOG_CONFIGS.contains(entry))
          .forEach(strays::add);
      assertTrue(
          contents.getEntry("dev/streamstate/pipelines/cli/StreamState.class") != null,
          "StreamState is not in " + jar);
      assertTrue(
          contents.getEntry("dev/streamstate/localstack/LocalStack.class") != null,
          "the local stack is not in " + jar);
      assertEquals(
          StreamState.class.getName(),
          contents.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    assertEquals(
        List.of(),
        strays.stream().limit(20).toList(),
        strays.size() + " entries that do not belong in " + jar);
    System.out.printf("%s: %.1f MB%n", jar, Files.size(jar) / 1e6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"streamstate.jar"})
  void runsWithTheLogConfigurationBesideIt(String name) throws Exception {
    Path jar = Path.of("target", name).toAbsolutePath();
    Path replay =
        Files.writeString(
            Files.createTempDirectory(Path.of("target"), "jar-run").resolve("lines.txt"),
            "2026-01-01T00:00:00Z\tspark beam spark\n");
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.add("@" + Path.of("..", ".mvn", "jvm.config").toAbsolutePath());
    command.addAll(
        List.of("-jar", jar.toString(), "word-count", "--source=file", "--input=" + replay));
    Process run = new ProcessBuilder(command).start();
    String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(run.waitFor(120, TimeUnit.SECONDS), "java -jar did not end");
    assertEquals(0, run.exitValue(), err);
    assertTrue(out.contains("\"word\":\"spark\",\"count\":2"), out);
    // log4j read the file beside the jar: no status-logger errors about its configuration.
    assertTrue(!err.contains("StatusLogger"), err);
  }
}
